// asyncio.TaskGroup (Python 3.11): `async with asyncio.TaskGroup() as tg: body` is
// `asyncio::task_group([&](TaskGroup& tg) { body })`. Leaving the block waits for every
// task of the group. The first task to fail cancels the others and the body's task
// (the parent), and the block then raises an ExceptionGroup of all the failures;
// the parent's cancellation is withdrawn (uncancel). Translated from CPython 3.11's
// taskgroups.py, __aexit__ and _on_task_done line by line.
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/asyncio/task.hpp"
#include "sim/asyncio/task_core.hpp"

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim::asyncio {

class GroupCore final : public DoneCallback, public std::enable_shared_from_this<GroupCore> {
 public:
  // __aenter__: the running task is the parent; std::runtime_error outside a task.
  GroupCore();
  // create_task's checks: RuntimeError once the group is finished or shutting down.
  void check_open() const;
  // Adds a new task: add_done_callback(_on_task_done).
  void adopt(const std::shared_ptr<TaskCore>& task);
  // __aexit__ with the exception that left the body (null if none).
  void exit(std::exception_ptr body_error);

  ThreadId on_done(const std::shared_ptr<FutureCore>& task) override;  // _on_task_done

  std::string describe_pending() const;
  ThreadId producer() const;

 private:
  void abort();

  std::shared_ptr<TaskCore> parent_;
  ObjectId id_ = kNoObject;
  std::vector<std::shared_ptr<TaskCore>> tasks_;  // unfinished tasks, in creation order
  std::vector<std::exception_ptr> errors_;
  std::shared_ptr<FutureCore> on_completed_;
  bool exiting_ = false;
  bool aborting_ = false;
  bool parent_cancel_requested_ = false;
};

class TaskGroup {
 public:
  // tg.create_task(coro(), name=name)
  template <typename F>
  auto create_task(F&& coroutine, std::string_view name = {}) -> Task<std::invoke_result_t<F&>> {
    core_->check_open();
    auto task = asyncio::create_task(std::forward<F>(coroutine), name);
    core_->adopt(task.state());
    return task;
  }

 private:
  template <typename Body>
  friend void task_group(Body&& body);
  TaskGroup() : core_(std::make_shared<GroupCore>()) {}

  std::shared_ptr<GroupCore> core_;
};

// `async with asyncio.TaskGroup() as tg: body(tg)`, on the running task.
template <typename Body>
void task_group(Body&& body) {
  TaskGroup group;
  std::exception_ptr body_error;
  try {
    body(group);
  } catch (const Cancelled&) {
    throw;  // the execution is over
  } catch (...) {
    body_error = std::current_exception();  // awaited on below, outside the handler
  }
  group.core_->exit(std::move(body_error));
}

}  // namespace sim::asyncio

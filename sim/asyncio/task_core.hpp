// An asyncio.Task as a modeled thread: the coroutine is an ordinary C++ function run on
// its own fiber, and an await is a call that passes the loop's baton on and waits for
// it to come back (see loop.hpp). Mirrors CPython 3.11's Task: the first step is
// scheduled by create_task, __step / __wakeup resume the coroutine (throwing in the
// exception of an awaited future, or CancelledError), cancel() cancels the future being
// awaited or marks the task to be cancelled at its next step, and the result or the
// exception escaping the coroutine is stored in the task's future.
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/ids.hpp"
#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace sim::asyncio {

class EventLoop;

class TaskCore : public FutureCore, public DoneCallback, public Waitable {
 public:
  TaskCore(EventLoop& loop, std::string name);
  ~TaskCore() override;

  const std::string& name() const { return name_; }
  ThreadId thread() const { return thread_; }

  // Task.__init__: schedules the first step and starts the task's thread (which parks
  // at once, waiting for the baton).
  void start();
  // Task.cancel(): false if done; else cancels the awaited future, or makes the next
  // step throw CancelledError.
  bool cancel() override;
  // Task.uncancel(): the number of cancellation requests still pending.
  int uncancel();

  // Task.__step(error), run by the loop's dispatch: makes the task the baton holder,
  // to resume with `error` thrown in (CancelledError if cancellation is pending).
  // Returns the task's thread, or kNoThread if it is already done.
  ThreadId begin_step(std::exception_ptr error);
  // Task.__wakeup: the future the task awaited is done.
  ThreadId on_done(const std::shared_ptr<FutureCore>& future) override;

  // On the task's own thread, while it holds the baton:
  // `await future`. Returns at once if it is done; otherwise suspends until it is, then
  // throws what the wake-up throws in (the future's exception, CancelledError). The
  // caller reads the result. `kind` labels the recorded step (kAwait, kSleep).
  void await_future(const std::shared_ptr<FutureCore>& future, OpKind kind = OpKind::kAwait);
  // asyncio.sleep(0): gives every other ready callback one turn.
  void yield_turn();

  void clear_links() override;
  std::string describe_pending() const override;
  ThreadId producer() const override { return thread_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 protected:
  virtual void invoke() = 0;        // runs the coroutine and stores its value
  virtual void release_body() = 0;  // drops the coroutine (and what it captured)

 private:
  void thread_main();
  void finish(std::exception_ptr error);
  void resume_or_throw();
  std::shared_ptr<TaskCore> self() { return std::static_pointer_cast<TaskCore>(shared_from_this()); }

  Runtime* runtime_;
  std::string name_;
  ThreadId thread_ = kNoThread;
  std::shared_ptr<FutureCore> fut_waiter_;  // the future being awaited, while suspended
  std::exception_ptr resume_error_;         // thrown at the await point when the task resumes
  bool must_cancel_ = false;
  int cancel_requests_ = 0;
  bool started_ = false;                    // its first step has run
};

// The value a task or future of T holds: std::monostate for void.
template <typename T>
using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <typename T>
class TypedTask final : public TaskCore {
 public:
  TypedTask(EventLoop& loop, std::string name, std::function<T()> body)
      : TaskCore(loop, std::move(name)), body_(std::move(body)) {}

  // The result; only after the task finished without an exception.
  decltype(auto) value() const {
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*value_);
  }

 private:
  void invoke() override {
    if constexpr (std::is_void_v<T>) {
      body_();
      value_.emplace();
    } else {
      value_.emplace(body_());
    }
  }
  void release_body() override { body_ = nullptr; }

  std::function<T()> body_;
  std::optional<Value<T>> value_;
};

}  // namespace sim::asyncio

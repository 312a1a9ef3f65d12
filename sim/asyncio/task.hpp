// The task API a model uses: create_task, await of a task, Task's done/cancel/result,
// current_task. A coroutine is any C++ callable; `await task` is `asyncio::await(task)`.
#pragma once

#include "sim/asyncio/loop.hpp"
#include "sim/asyncio/task_core.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sim::asyncio {

// A handle on an asyncio.Task whose coroutine returns T; copies share the task.
template <typename T>
class Task {
 public:
  Task() = default;  // a name not yet bound
  explicit Task(std::shared_ptr<TypedTask<T>> state) : state_(std::move(state)) {}

  bool done() const { return core().done(); }
  bool cancelled() const { return core().cancelled(); }
  // Task.cancel(): requests cancellation; CancelledError is thrown at the task's await.
  bool cancel() const { return core().cancel(); }
  const std::string& name() const { return core().name(); }
  // Task.result(): the value, or rethrows the task's exception (CancelledError if it was
  // cancelled); InvalidStateError if the task is not done. Does not wait.
  T result() const {
    core().check_result();
    if constexpr (!std::is_void_v<T>) return state_->value();
  }

  const std::shared_ptr<TypedTask<T>>& state() const {
    core();  // must be bound
    return state_;
  }

 private:
  TypedTask<T>& core() const {
    if (!state_) throw std::runtime_error("a task was used before it was assigned (Python: NameError)");
    return *state_;
  }

  std::shared_ptr<TypedTask<T>> state_;
};

template <typename T>
struct IsTask : std::false_type {};
template <typename T>
struct IsTask<Task<T>> : std::true_type {};

// The task running on the calling thread; throws std::runtime_error("no running event
// loop") outside a task.
TaskCore& running_task();

// asyncio.create_task(coro(), name=name): schedules `coroutine` as a new task; it first
// runs when the creating task awaits (never before). Empty `name`: "Task-N".
template <typename F>
auto create_task(F&& coroutine, std::string_view name = {}) -> Task<std::invoke_result_t<F&>> {
  using T = std::invoke_result_t<F&>;
  EventLoop& loop = EventLoop::get_running();
  auto state = std::make_shared<TypedTask<T>>(loop, name.empty() ? loop.next_task_name() : std::string(name),
                                              std::function<T()>(std::forward<F>(coroutine)));
  state->start();
  return Task<T>(std::move(state));
}

// `await task`: suspends the running task until `task` is done (not at all if it is
// already done), then returns its value or raises its exception (CancelledError if it
// was cancelled, or if the awaiting task itself is cancelled meanwhile).
template <typename T>
T await(const Task<T>& task) {
  running_task().await_future(task.state());
  return task.result();
}

}  // namespace sim::asyncio

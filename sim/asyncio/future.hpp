// asyncio.Future, created by a task (loop.create_future()): set_result, set_exception,
// cancel, done, result, and `await future`. A task awaiting a future nobody ever
// completes hangs; the runtime reports it ("future f, which nobody completes").
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/asyncio/task.hpp"
#include "sim/asyncio/task_core.hpp"

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sim::asyncio {

template <typename T = void>
class Future {
 public:
  // loop.create_future(), named for reports; needs a running loop.
  explicit Future(std::string_view name = "future") {
    EventLoop& loop = EventLoop::get_running();
    const std::string label(name);
    state_ = std::make_shared<TypedFuture<Value<T>>>(loop, loop.runtime().register_object(label),
                                                     "future " + label, "which nobody completes");
  }

  // Future.set_result(value); InvalidStateError if already done.
  template <typename... V>
  void set_result(V&&... value) const { state_->set_result(std::forward<V>(value)...); }
  void set_exception(std::exception_ptr error) const { state_->set_exception(std::move(error)); }
  bool cancel() const { return state_->cancel(); }
  bool done() const { return state_->done(); }
  bool cancelled() const { return state_->cancelled(); }
  // Future.result(): does not wait; InvalidStateError if pending.
  T result() const {
    state_->check_result();
    if constexpr (!std::is_void_v<T>) return state_->value();
  }

  const std::shared_ptr<TypedFuture<Value<T>>>& state() const { return state_; }

 private:
  std::shared_ptr<TypedFuture<Value<T>>> state_;
};

// `await future`: suspends the running task until the future is done.
template <typename T>
T await(const Future<T>& future) {
  running_task().await_future(future.state());
  return future.result();
}

}  // namespace sim::asyncio

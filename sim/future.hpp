// concurrent.futures.Future, the part the foundation needs: a task's result or the
// exception it raised, and result() blocking until the task is done. A Future is a
// handle on shared state, like Python's reference to the future object.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sim {

class FutureState : public Waitable {
 public:
  enum class Status : std::uint8_t { kPending, kRunning, kFinished };

  FutureState(std::string_view name, std::string_view task, std::string_view executor_note);
  virtual ~FutureState() { runtime_->forget_waitable(*this); }

  // Runs the task on the calling worker and stores its result or exception; the
  // completion is a visible step, since result() waiters depend on it.
  void run_on(ThreadId worker);
  // Blocks the calling thread until the task is done (a visible step); rethrows the
  // task's exception.
  void wait_done();
  // done()/running(): a visible read of the status.
  Status observe();

  ObjectId id() const { return id_; }
  Status status() const { return status_; }
  const std::string& task_name() const { return task_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 protected:
  virtual void invoke() = 0;  // calls the task and stores its value

 private:
  Runtime* runtime_;
  ObjectId id_;
  std::string task_;
  std::string not_started_note_;  // why a pending task may not start, for reports
  Status status_ = Status::kPending;
  ThreadId worker_ = kNoThread;
  std::exception_ptr exception_;
};

template <typename T>
class TypedFutureState final : public FutureState {
 public:
  template <typename F>
  TypedFutureState(std::string_view name, std::string_view task, std::string_view note, F&& fn)
      : FutureState(name, task, note), fn_(std::forward<F>(fn)) {}

  decltype(auto) value() const {
    if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*value_);
  }

 private:
  void invoke() override {
    if constexpr (std::is_void_v<T>) {
      fn_();
      value_.emplace();
    } else {
      value_.emplace(fn_());
    }
  }

  std::function<T()> fn_;
  std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> value_;
};

template <typename T>
class Future {
 public:
  Future() = default;  // a name not yet bound, like a Python global assigned later
  explicit Future(std::shared_ptr<TypedFutureState<T>> state) : state_(std::move(state)) {}

  // Blocks until the task is done; returns its value or rethrows its exception.
  T result() const {
    require_bound().wait_done();
    if constexpr (!std::is_void_v<T>) return state_->value();
  }
  bool done() const { return require_bound().observe() == FutureState::Status::kFinished; }
  bool running() const { return require_bound().observe() == FutureState::Status::kRunning; }

 private:
  TypedFutureState<T>& require_bound() const {
    // Python would raise NameError for a future variable read before assignment.
    if (!state_) throw std::runtime_error("a future was used before it was assigned (Python: NameError)");
    return *state_;
  }

  std::shared_ptr<TypedFutureState<T>> state_;
};

}  // namespace sim

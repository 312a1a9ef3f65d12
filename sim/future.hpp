// concurrent.futures.Future, as CPython 3.11's _base.py has it: the state machine
// PENDING -> RUNNING -> FINISHED, or PENDING -> CANCELLED -> CANCELLED_AND_NOTIFIED (the
// second step happens when a worker takes the cancelled work item off the queue), a
// task's result or the exception it raised, result()/exception() blocking with an
// optional timeout on the virtual clock, done()/running()/cancelled(), cancel(). A
// Future is a handle on shared state, like Python's reference to the future object.
// The exceptions CPython raises here (TimeoutError, CancelledError) are defined here too.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sim {

// Python's builtin TimeoutError, which concurrent.futures.TimeoutError is an alias of
// since 3.11: result(timeout)/exception(timeout)/as_completed(timeout)/map(timeout)
// raise it when the virtual clock reaches the deadline. Other primitives that raise
// TimeoutError should reuse this type.
struct TimeoutError : std::runtime_error {
  TimeoutError() : std::runtime_error("TimeoutError") {}
  using std::runtime_error::runtime_error;
};

// concurrent.futures.CancelledError: result()/exception() of a cancelled future.
struct CancelledError : std::runtime_error {
  CancelledError() : std::runtime_error("CancelledError") {}
};

class FutureState;

// The executor that holds a future's work item, asked why the item has not started
// (for deadlock reports only).
class WorkQueue {
 public:
  // The rest of "future f (task), which has not started: ...", e.g. "it waits in the
  // queue, and the only worker (worker-0) is the thread waiting for it".
  virtual std::string why_not_started(const FutureState& item, ThreadId waiter) const = 0;
  // The one thread whose progress the item needs before it can start, or kNoThread.
  virtual ThreadId not_started_blocker(const FutureState& item, ThreadId waiter) const = 0;

 protected:
  ~WorkQueue() = default;
};

class FutureState : public Waitable {
 public:
  enum class Status : std::uint8_t { kPending, kRunning, kCancelled, kCancelledAndNotified, kFinished };

  FutureState(std::string_view name, std::string_view task);
  virtual ~FutureState() { runtime_->forget_waitable(*this); }

  // --- for the executor (no scheduling points: parts of the executor's steps) ------
  // The item entered (`queue` non-null) or left (null) an executor's work queue.
  void set_queue(const WorkQueue* queue) { queue_ = queue; }
  // CPython's set_running_or_notify_cancel, when `worker` takes the item: true if the
  // task is to run (now RUNNING); false if it was cancelled (now CANCELLED_AND_NOTIFIED:
  // wait() and as_completed() see it complete).
  bool start_or_notify_cancel(ThreadId worker);
  // Runs the task on the worker that started it and stores its result or exception;
  // the completion is a visible step, since waiters depend on it.
  void run();
  // shutdown(cancel_futures=True): cancels a pending item it removes from the queue.
  // Its waiters are never notified (CPython 3.11 does not: gh-87893, gh-109934).
  void cancel_dropped();

  // --- for Future<T> and the waiting functions -----------------------------------
  // result()/exception(): waits until the future is done or the virtual clock reaches
  // `deadline` (kNever: no timeout); a visible step unless it is already done. Throws
  // CancelledError if cancelled, TimeoutError if still not done; returns the task's
  // exception (null if it returned).
  std::exception_ptr wait_done(Nanos deadline);
  // done()/running()/cancelled(): a visible read of the status.
  Status observe();
  // cancel(): a visible step; true if the future is (now) cancelled, false if it is
  // running or finished.
  bool cancel();
  // cancel() from a destructor (map's generator closing): never throws; skips the
  // scheduling point while an exception unwinds, does nothing once the run is over.
  void cancel_at_scope_exit() noexcept;
  // An as_completed waiter (its object) starts or stops watching this future: the
  // step that completes it records a kSet on each waiter watching it then (CPython's
  // waiter.add_result / add_cancelled), so completions a waiter orders depend on it.
  void add_watcher(ObjectId waiter) { watchers_.push_back(waiter); }
  void remove_watcher(ObjectId waiter) { std::erase(watchers_, waiter); }

  ObjectId id() const { return id_; }
  Status status() const { return status_; }
  const std::string& task_name() const { return task_; }
  const std::string& name() const { return runtime_->object_name(id_); }
  // FINISHED or CANCELLED_AND_NOTIFIED: complete as wait() and as_completed() see it.
  bool completed() const { return status_ == Status::kFinished || status_ == Status::kCancelledAndNotified; }
  // Finished with an exception (what wait(FIRST_EXCEPTION) looks for).
  bool failed() const { return status_ == Status::kFinished && exception_ != nullptr; }
  // Increases with the order in which futures complete (meaningful once completed()).
  std::uint64_t completion_order() const { return completion_order_; }
  // "runs on worker-1", "has not started: it waits in the queue, ...", for reports.
  std::string describe_progress(ThreadId waiter) const;
  // The thread whose progress this future needs, or kNoThread.
  ThreadId progress_blocker(ThreadId waiter) const;

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 protected:
  virtual void invoke() = 0;  // calls the task and stores its value

 private:
  bool is_done() const { return status_ != Status::kPending && status_ != Status::kRunning; }
  void mark_completed();
  void notify_watchers();
  bool cancel_now();

  Runtime* runtime_;
  ObjectId id_;
  std::string task_;
  Status status_ = Status::kPending;
  ThreadId worker_ = kNoThread;
  const WorkQueue* queue_ = nullptr;  // while the item waits in an executor's queue
  bool dropped_ = false;              // removed from the queue by shutdown(cancel_futures)
  std::uint64_t completion_order_ = 0;
  std::exception_ptr exception_;
  std::vector<ObjectId> watchers_;  // as_completed waiters (see add_watcher)
};

template <typename T>
class TypedFutureState final : public FutureState {
 public:
  template <typename F>
  TypedFutureState(std::string_view name, std::string_view task, F&& fn)
      : FutureState(name, task), fn_(std::forward<F>(fn)) {}

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
    fn_ = nullptr;  // CPython drops the work item (and what the callable holds) once run
  }

  std::function<T()> fn_;
  std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> value_;
};

template <typename T>
class Future {
 public:
  Future() = default;  // a name not yet bound, like a Python global assigned later
  explicit Future(std::shared_ptr<TypedFutureState<T>> state) : state_(std::move(state)) {}

  // result(timeout): blocks until the task is done; returns its value or rethrows its
  // exception. Throws CancelledError if the future was cancelled, TimeoutError if it
  // is not done when the virtual clock reaches now + timeout. A negative timeout means
  // none (Python's None; CPython would time out at once for a negative number).
  T result(double timeout = -1) const { return result_until(Runtime::current().deadline_after(timeout)); }
  // The same with an absolute deadline on the virtual clock (kNever: none).
  T result_until(Nanos deadline) const {
    if (std::exception_ptr error = require_bound().wait_done(deadline)) std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>) return state_->value();
  }
  // exception(timeout): the task's exception, or null if it returned; throws like
  // result() when cancelled or timed out.
  std::exception_ptr exception(double timeout = -1) const {
    return require_bound().wait_done(Runtime::current().deadline_after(timeout));
  }
  bool done() const {
    const FutureState::Status s = require_bound().observe();
    return s != FutureState::Status::kPending && s != FutureState::Status::kRunning;
  }
  bool running() const { return require_bound().observe() == FutureState::Status::kRunning; }
  bool cancelled() const {
    const FutureState::Status s = require_bound().observe();
    return s == FutureState::Status::kCancelled || s == FutureState::Status::kCancelledAndNotified;
  }
  // cancel(): true if the future is cancelled (it had not started), false if it is
  // running or finished.
  bool cancel() const { return require_bound().cancel(); }

  // The future's name in reports ("future-3", or the label given to submit).
  const std::string& name() const { return require_bound().name(); }
  const std::shared_ptr<TypedFutureState<T>>& state() const { return state_; }
  // Identity, like Python's `is`: two handles on the same future.
  bool operator==(const Future& other) const { return state_ == other.state_; }

 private:
  TypedFutureState<T>& require_bound() const {
    // Python would raise NameError for a future variable read before assignment.
    if (!state_) throw std::runtime_error("a future was used before it was assigned (Python: NameError)");
    return *state_;
  }

  std::shared_ptr<TypedFutureState<T>> state_;
};

}  // namespace sim

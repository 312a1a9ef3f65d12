// The state machine of an asyncio.Future, shared by futures, tasks, gather and the
// futures a TaskGroup or an Event waits on: pending, then finished (with a result or an
// exception) or cancelled, exactly once; the done callbacks are then scheduled on the
// event loop one by one (call_soon), as CPython's Future.__schedule_callbacks does.
// Futures are not thread-safe in CPython and only the task holding the loop's baton
// touches them, so none of these operations is a scheduling point.
#pragma once

#include "sim/ids.hpp"

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace sim::asyncio {

class EventLoop;
class FutureCore;

// A callback added with add_done_callback. The loop runs it as its own ready handle.
class DoneCallback {
 public:
  // Runs on whichever thread holds the loop's baton, between two steps of tasks (so
  // atomically). Returns the thread of a task to resume now (a task's wake-up), or
  // kNoThread when the callback did its work inline.
  virtual ThreadId on_done(const std::shared_ptr<FutureCore>& future) = 0;

 protected:
  ~DoneCallback() = default;
};

class FutureCore : public std::enable_shared_from_this<FutureCore> {
 public:
  enum class State : std::uint8_t { kPending, kCancelled, kFinished };

  // `object` names the future in recorded steps (kNoObject for internal ones);
  // `label` says what a task awaiting it waits for ("future f", "event e to be set"),
  // and `nobody` how to say that nothing will ever complete it ("which nobody completes").
  FutureCore(EventLoop& loop, ObjectId object, std::string label, std::string nobody);
  virtual ~FutureCore() = default;
  FutureCore(const FutureCore&) = delete;
  FutureCore& operator=(const FutureCore&) = delete;

  bool done() const { return state_ != State::kPending; }
  bool cancelled() const { return state_ == State::kCancelled; }
  // Future.cancel(): false if already done; otherwise cancelled, callbacks scheduled.
  virtual bool cancel();
  // set_result() once the value is stored (by the typed subclass), and set_exception():
  // both raise InvalidStateError if the future is already done.
  void set_finished();
  void set_exception(std::exception_ptr error);
  // What awaiting (or result() of) this done future raises: CancelledError when
  // cancelled, the stored exception, or null for a result.
  std::exception_ptr error() const;
  // Future.exception() on a done future: the stored exception or null (cancelled: null
  // here; callers check cancelled() first, as CPython's gather does).
  const std::exception_ptr& exception() const { return exception_; }
  // Throws what error() holds, if anything; InvalidStateError if still pending.
  void check_result() const;

  // add_done_callback: scheduled at once (call_soon) if already done.
  void add_done_callback(std::shared_ptr<DoneCallback> callback);
  void remove_done_callback(const DoneCallback* callback);
  // Drops the callbacks: breaks reference cycles when a loop is torn down early.
  virtual void clear_links() { callbacks_.clear(); }

  // For reports, while a task awaits this pending future: what it waits for, and the
  // thread whose progress would complete it (kNoThread if none is to blame).
  virtual std::string describe_pending() const;
  virtual ThreadId producer() const { return kNoThread; }

  EventLoop& loop() const { return *loop_; }
  ObjectId id() const { return id_; }

 protected:
  void schedule_callbacks();

 private:
  EventLoop* loop_;
  ObjectId id_;
  std::string label_;
  std::string nobody_;
  State state_ = State::kPending;
  std::exception_ptr exception_;
  std::vector<std::shared_ptr<DoneCallback>> callbacks_;
};

// A plain future with a typed result: asyncio.Future, the futures of Event.wait and
// TaskGroup exit, and the futures asyncio.sleep awaits.
template <typename T>
class TypedFuture final : public FutureCore {
 public:
  using FutureCore::FutureCore;
  template <typename... V>
  void set_result(V&&... value) {
    check_pending();
    value_ = T(std::forward<V>(value)...);
    set_finished();
  }
  const T& value() const { return value_; }

 private:
  void check_pending() const;
  T value_{};
};

void raise_invalid_state(const char* what);

template <typename T>
void TypedFuture<T>::check_pending() const {
  if (done()) raise_invalid_state("invalid state");
}

}  // namespace sim::asyncio

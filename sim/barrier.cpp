#include "sim/barrier.hpp"

#include <algorithm>
#include <utility>

namespace sim {

Barrier::Barrier(std::int64_t parties, BarrierOptions options)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(options.name)),
      parties_(parties),
      action_(std::move(options.action)),
      default_timeout_(options.timeout) {}

// A scheduling point at which the thread waits for `role`; returns true if it proceeds
// because the barrier is ready for it, false when `deadline` passed first.
bool Barrier::park(OpKind kind, Role role, Nanos deadline) {
  const ThreadId me = runtime_->current_thread();
  if (roles_.size() <= me) roles_.resize(me + 1, Role::kNone);
  roles_[me] = role;
  const bool by_barrier = runtime_->visible_until(kind, id_, this, deadline);
  roles_[me] = Role::kNone;
  return by_barrier;
}

// The `finally` of CPython's wait(): `self._count -= 1; self._exit()`.
void Barrier::exit_round() {
  --count_;
  if (count_ == 0 && (state_ == State::kResetting || state_ == State::kDraining)) state_ = State::kFilling;
}

void Barrier::throw_broken() {
  throw BrokenBarrierError("barrier " + runtime_->object_name(id_) + " is broken (threading.BrokenBarrierError)");
}

std::int64_t Barrier::wait(std::optional<double> timeout) {
  if (!timeout) timeout = default_timeout_;
  const ThreadId me = runtime_->current_thread();
  // _enter(): wait while the barrier drains or resets.
  park(OpKind::kWait, Role::kEnter, kNever);
  if (state_ == State::kBroken) {
    runtime_->record(OpKind::kWait, id_);
    throw_broken();
  }
  const std::int64_t index = count_++;

  if (index + 1 == parties_) {
    // _release(): the action runs under the barrier's lock; if it raises, the barrier
    // breaks and the exception goes on to the caller.
    if (action_) {
      action_runner_ = me;
      try {
        action_();
      } catch (...) {
        if (Runtime::current().cancelling()) throw;  // the execution is over: touch nothing
        action_runner_ = kNoThread;
        state_ = State::kBroken;
        runtime_->record(OpKind::kAbort, id_);
        exit_round();
        throw;
      }
      action_runner_ = kNoThread;
    }
    state_ = State::kDraining;
    exit_round();
    // Recorded after the action: its visible operations, if any, are steps of their
    // own, and the step that releases the barrier must show that it changes it.
    runtime_->record(OpKind::kWait, id_, index, true);
    return index;
  }
  runtime_->record(OpKind::kWait, id_, index, true);

  // _wait(timeout): wait_for(lambda: self._state != 0, timeout).
  const Nanos deadline = timeout ? runtime_->deadline_after(std::max(*timeout, 0.0)) : kNever;
  bool released = park(OpKind::kWait, Role::kRelease, deadline);
  if (!released && action_runner_ != kNoThread) {
    // Timed out while the last thread runs the action: CPython's waiter first gets the
    // barrier's lock back, then looks at the state again.
    runtime_->record(OpKind::kWait, id_);
    park(OpKind::kWait, Role::kLock, kNever);
    released = state_ != State::kFilling;
  }
  if (!released) {  // timed out: break the barrier
    state_ = State::kBroken;
    runtime_->record(OpKind::kAbort, id_);
    exit_round();
    throw_broken();
  }
  const bool broken_or_reset = state_ == State::kBroken || state_ == State::kResetting;
  exit_round();
  if (broken_or_reset) {
    runtime_->record(OpKind::kWait, id_);
    throw_broken();
  }
  runtime_->record(OpKind::kWait, id_, index, true);
  return index;
}

void Barrier::reset() {
  park(OpKind::kClear, Role::kLock, kNever);
  if (count_ > 0) {
    // Waiting threads leave with BrokenBarrierError; the last one out refills it.
    if (state_ == State::kFilling || state_ == State::kBroken) state_ = State::kResetting;
  } else {
    state_ = State::kFilling;
  }
  runtime_->record(OpKind::kClear, id_);
}

void Barrier::abort() {
  park(OpKind::kAbort, Role::kLock, kNever);
  state_ = State::kBroken;
  runtime_->record(OpKind::kAbort, id_);
}

std::int64_t Barrier::n_waiting() {
  runtime_->visible(OpKind::kRead, id_);
  const std::int64_t n = state_ == State::kFilling ? count_ : 0;
  runtime_->record(OpKind::kRead, id_, n, true);
  return n;
}

bool Barrier::broken() {
  runtime_->visible(OpKind::kRead, id_);
  runtime_->record(OpKind::kRead, id_, state_ == State::kBroken ? 1 : 0, true);
  return state_ == State::kBroken;
}

bool Barrier::ready(ThreadId waiter) const {
  if (action_runner_ != kNoThread) return false;  // its lock is held
  switch (waiter < roles_.size() ? roles_[waiter] : Role::kNone) {
    case Role::kEnter: return state_ == State::kFilling || state_ == State::kBroken;
    case Role::kRelease: return state_ != State::kFilling;
    case Role::kLock: return true;
    case Role::kNone: break;
  }
  return false;
}

ThreadId Barrier::blocker(ThreadId) const { return action_runner_; }

std::string Barrier::describe_wait(ThreadId waiter) const {
  std::string text = "barrier " + runtime_->object_name(id_) + " (";
  const Role role = waiter < roles_.size() ? roles_[waiter] : Role::kNone;
  if (action_runner_ != kNoThread) {
    text += "its action is running in " + runtime_->thread_name(action_runner_) + ", which holds the barrier's lock";
  } else if (role == Role::kRelease && parties_ < 1) {
    text += "it has " + std::to_string(parties_) + " parties, so it never trips";
  } else if (role == Role::kRelease) {
    text += "only " + std::to_string(count_) + " of its " + std::to_string(parties_) + " parties arrived";
  } else if (state_ == State::kResetting) {
    text += "being reset: the threads waiting in it have not all left yet";
  } else {
    text += "the threads of its previous round have not all left yet";
  }
  return text + ")";
}

}  // namespace sim

#include "sim/condition.hpp"

#include <algorithm>

namespace sim {

Condition::Condition(std::string_view name)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(name)),
      own_lock_(std::make_unique<RLock>("lock of " + std::string(name))),
      rlock_(own_lock_.get()) {}

Condition::Condition(Lock& lock, std::string_view name)
    : runtime_(&Runtime::current()), id_(runtime_->register_object(name)), lock_(&lock) {}

Condition::Condition(RLock& lock, std::string_view name)
    : runtime_(&Runtime::current()), id_(runtime_->register_object(name)), rlock_(&lock) {}

Condition::~Condition() { runtime_->forget_waitable(*this); }

void Condition::acquire() {
  if (rlock_ != nullptr) {
    rlock_->acquire();
  } else {
    lock_->acquire();
  }
}

bool Condition::acquire(bool blocking, double timeout) {
  return rlock_ != nullptr ? rlock_->acquire(blocking, timeout) : lock_->acquire(blocking, timeout);
}

void Condition::release() {
  // Reached from ~scoped_lock too, possibly after this Condition is gone (a cut-off
  // daemon unwinding): ask the runtime before reading rlock_/lock_.
  if (Runtime::current().cancelling()) return;
  if (rlock_ != nullptr) {
    rlock_->release();
  } else {
    lock_->release();
  }
}

bool Condition::wait(std::optional<double> timeout) {
  return wait_until(timeout ? deadline_for(*timeout) : kNever);
}

// CPython: a timeout <= 0 makes the wait a non-blocking check (waiter.acquire(False)).
Nanos Condition::deadline_for(double timeout) const { return runtime_->deadline_after(std::max(timeout, 0.0)); }

// RLock._is_owned for an RLock; for a Lock, CPython's fallback can only tell whether
// the Lock is locked (by anyone).
bool Condition::is_owned() const {
  return rlock_ != nullptr ? rlock_->is_owned_by(runtime_->current_thread()) : lock_->locked();
}

const std::string& Condition::lock_name() const {
  return runtime_->object_name(rlock_ != nullptr ? rlock_->id() : lock_->id());
}

void Condition::misuse(OpKind op, const char* python_error) {
  runtime_->record(op, id_);
  runtime_->fail(FindingKind::kMisuse, std::string(op_name(op)) + " on condition " + runtime_->object_name(id_) +
                                           " without holding " + lock_name() +
                                           " (Python raises RuntimeError: " + python_error + ")");
}

bool Condition::wait_until(Nanos deadline) {
  if (!is_owned()) {
    runtime_->visible(OpKind::kWait, id_);
    misuse(OpKind::kWait, "cannot wait on un-acquired lock");
  }
  const ThreadId me = runtime_->current_thread();
  // (1) _release_save(), with the thread registered as a waiter in the same step.
  std::uint32_t saved = 0;
  if (rlock_ != nullptr) {
    saved = rlock_->release_save();
  } else {
    lock_->release();  // returns without a step when the execution is over
    if (Runtime::current().cancelling()) throw Cancelled{};
  }
  if (slots_.size() <= me) slots_.resize(me + 1);
  slots_[me] = {next_seq_++, true};
  ++waiting_;

  // (2) notified, or timed out.
  const bool notified = runtime_->visible_until(OpKind::kWait, id_, this, deadline);
  slots_[me].waiting = false;
  --waiting_;
  if (notified) {
    // Take a wake-up from the oldest notify this waiter may use.
    const auto group = std::find_if(groups_.begin(), groups_.end(),
                                    [&](const WakeGroup& g) { return g.cutoff > slots_[me].seq; });
    --granted_;
    if (--group->left == 0) groups_.erase(group);
  }
  runtime_->record(OpKind::kWait, id_, notified ? 1 : 0, true);

  // (3) _acquire_restore(saved).
  if (rlock_ != nullptr) {
    rlock_->acquire_restore(saved);
  } else {
    lock_->acquire();
  }
  return notified;
}

void Condition::notify(std::int64_t n) {
  runtime_->visible(OpKind::kNotify, id_);
  check_owned_for_notify();
  notify_up_to(n > 0 ? static_cast<std::uint64_t>(n) : 0);
}

void Condition::notify_all() {
  runtime_->visible(OpKind::kNotify, id_);
  check_owned_for_notify();
  notify_up_to(waiting_);
}

// Over a Lock, ownership is whether the Lock is locked, which other threads change
// (any thread may release a Lock): the look is recorded (kRead on the Lock) so that
// partial-order reduction orders notify with them. Whether a thread owns an RLock no
// other thread can change.
void Condition::check_owned_for_notify() {
  if (lock_ != nullptr) runtime_->record(OpKind::kRead, lock_->id(), lock_->locked() ? 1 : 0, true);
  if (!is_owned()) misuse(OpKind::kNotify, "cannot notify on un-acquired lock");
}

void Condition::notify_up_to(std::uint64_t n) {
  const std::uint64_t woken = std::min(n, waiting_ - granted_);
  if (woken > 0) {
    if (!groups_.empty() && groups_.back().cutoff == next_seq_) {
      groups_.back().left += woken;  // nobody started waiting since the last notify
    } else {
      groups_.push_back({next_seq_, woken});
    }
    granted_ += woken;
  }
  runtime_->record(OpKind::kNotify, id_, static_cast<std::int64_t>(woken), true);
}

// A waiter may wake while a notify that ran after it started waiting has a wake-up
// left; cutoffs increase, so the newest group decides.
bool Condition::ready(ThreadId waiter) const {
  return waiter < slots_.size() && slots_[waiter].waiting && !groups_.empty() &&
         groups_.back().cutoff > slots_[waiter].seq;
}

ThreadId Condition::blocker(ThreadId) const { return kNoThread; }

std::string Condition::describe_wait(ThreadId) const {
  return "condition " + runtime_->object_name(id_) + " (no notify will come)";
}

}  // namespace sim

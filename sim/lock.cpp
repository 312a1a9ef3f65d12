#include "sim/lock.hpp"

#include <cmath>
#include <exception>
#include <stdexcept>

namespace sim {

void check_acquire_arguments(bool blocking, double timeout) {
  // CPython converts the timeout first (_PyTime_FromSecondsObject rejects NaN).
  if (std::isnan(timeout)) throw std::invalid_argument("Invalid value NaN (not a number)");
  if (!blocking && timeout != -1) throw std::invalid_argument("can't specify a timeout for a non-blocking call");
  if (timeout < 0 && timeout != -1) throw std::invalid_argument("timeout value must be positive");
}

Lock::Lock(std::string_view name)
    : runtime_(&Runtime::current()), id_(runtime_->register_object(name)) {}

void Lock::acquire() {
  runtime_->visible(OpKind::kAcquire, id_, this);
  owner_ = runtime_->current_thread();
  runtime_->record(OpKind::kAcquire, id_);
}

bool Lock::acquire(bool blocking, double timeout) {
  check_acquire_arguments(blocking, timeout);
  if (blocking && timeout == -1) {
    acquire();
    return true;
  }
  if (blocking) {
    runtime_->visible_until(OpKind::kTryAcquire, id_, this, runtime_->deadline_after(timeout));
  } else {
    runtime_->visible(OpKind::kTryAcquire, id_);
  }
  const bool acquired = owner_ == kNoThread;
  if (acquired) owner_ = runtime_->current_thread();
  runtime_->record(OpKind::kTryAcquire, id_, acquired ? 1 : 0, true);
  return acquired;
}

void Lock::release() {
  // Also reached from ~scoped_lock, possibly while a cut-off daemon unwinds after
  // the main thread's objects (this Lock among them) are gone: ask the runtime
  // whether the execution is over before touching any member.
  if (Runtime::current().cancelling()) return;
  if (std::uncaught_exceptions() > 0) {
    // An exception is leaving a `with lock:` block: release without a scheduling
    // point, since no fiber switch may happen in the middle of unwinding.
    if (owner_ != kNoThread) runtime_->record(OpKind::kRelease, id_);
    owner_ = kNoThread;
    return;
  }
  if (!runtime_->try_visible(OpKind::kRelease, id_)) return;
  const bool was_locked = owner_ != kNoThread;
  owner_ = kNoThread;
  runtime_->record(OpKind::kRelease, id_);
  if (!was_locked) {
    runtime_->end_with(FindingKind::kMisuse,
                       "release of " + runtime_->object_name(id_) +
                           ", which is not locked (Python raises RuntimeError: release unlocked lock)");
  }
}

bool Lock::ready(ThreadId) const { return owner_ == kNoThread; }
ThreadId Lock::blocker(ThreadId) const { return owner_; }

std::string Lock::describe_wait(ThreadId waiter) const {
  const std::string& name = runtime_->object_name(id_);
  if (owner_ == waiter) return name + ", which it already holds itself (Lock is not reentrant)";
  if (owner_ == kNoThread) return name;
  return name + ", held by " + runtime_->thread_name(owner_);
}

}  // namespace sim

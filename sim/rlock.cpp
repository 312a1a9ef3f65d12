#include "sim/rlock.hpp"

#include "sim/lock.hpp"

#include <exception>
#include <stdexcept>

namespace sim {

RLock::RLock(std::string_view name)
    : runtime_(&Runtime::current()), id_(runtime_->register_object(name)) {}

void RLock::acquire() {
  runtime_->visible(OpKind::kAcquire, id_, this);
  owner_ = runtime_->current_thread();
  ++count_;
  runtime_->record(OpKind::kAcquire, id_, count_, true);
}

bool RLock::acquire(bool blocking, double timeout) {
  check_acquire_arguments(blocking, timeout);  // as Lock's (CPython shares the parser)
  if (blocking && timeout == -1) {
    acquire();
    return true;
  }
  if (blocking) {
    runtime_->visible_until(OpKind::kTryAcquire, id_, this, runtime_->deadline_after(timeout));
  } else {
    runtime_->visible(OpKind::kTryAcquire, id_);
  }
  const ThreadId me = runtime_->current_thread();
  const bool acquired = ready(me);
  if (acquired) {
    owner_ = me;
    ++count_;
  }
  runtime_->record(OpKind::kTryAcquire, id_, acquired ? 1 : 0, true);
  return acquired;
}

void RLock::release() {
  // Reached from ~scoped_lock too, possibly while a cut-off daemon unwinds after this
  // RLock is gone: ask the runtime before touching any member (see Lock::release).
  if (Runtime::current().cancelling()) return;
  if (std::uncaught_exceptions() > 0) {
    // An exception is leaving a `with r:` block: no scheduling point while unwinding.
    if (owner_ == runtime_->current_thread()) {
      if (--count_ == 0) owner_ = kNoThread;
      runtime_->record(OpKind::kRelease, id_, count_, true);
    }
    return;
  }
  if (!runtime_->try_visible(OpKind::kRelease, id_)) return;
  const ThreadId me = runtime_->current_thread();
  if (owner_ != me) {
    runtime_->record(OpKind::kRelease, id_);
    const std::string& name = runtime_->object_name(id_);
    runtime_->end_with(FindingKind::kMisuse,
                       (owner_ == kNoThread
                            ? "release of " + name + ", which is not acquired"
                            : "release of " + name + " by " + runtime_->thread_name(me) +
                                  ", which does not own it (it is held by " + runtime_->thread_name(owner_) + ")") +
                           " (Python raises RuntimeError: cannot release un-acquired lock)");
    return;
  }
  if (--count_ == 0) owner_ = kNoThread;
  runtime_->record(OpKind::kRelease, id_, count_, true);
}

std::uint32_t RLock::release_save() {
  runtime_->visible(OpKind::kRelease, id_);
  const std::uint32_t saved = count_;
  count_ = 0;
  owner_ = kNoThread;
  runtime_->record(OpKind::kRelease, id_, 0, true);
  return saved;
}

void RLock::acquire_restore(std::uint32_t count) {
  runtime_->visible(OpKind::kAcquire, id_, this);
  owner_ = runtime_->current_thread();
  count_ = count;
  runtime_->record(OpKind::kAcquire, id_, count_, true);
}

bool RLock::ready(ThreadId waiter) const { return owner_ == kNoThread || owner_ == waiter; }
ThreadId RLock::blocker(ThreadId) const { return owner_; }

std::string RLock::describe_wait(ThreadId) const {
  const std::string& name = runtime_->object_name(id_);
  if (owner_ == kNoThread) return name;
  std::string text = name + ", held by " + runtime_->thread_name(owner_);
  if (runtime_->is_finished(owner_)) text += ", which finished without releasing it";
  return text;
}

}  // namespace sim

#include "sim/event.hpp"

#include <algorithm>

namespace sim {

ThreadingEvent::ThreadingEvent(std::string_view name) : runtime_(&Runtime::current()), id_(runtime_->register_object(name)) {}

void ThreadingEvent::set() {
  runtime_->visible(OpKind::kSet, id_);
  flag_ = true;
  ++sets_;  // wakes every thread waiting now (notify_all)
  runtime_->record(OpKind::kSet, id_);
}

void ThreadingEvent::clear() {
  runtime_->visible(OpKind::kClear, id_);
  flag_ = false;
  runtime_->record(OpKind::kClear, id_);
}

bool ThreadingEvent::is_set() {
  runtime_->visible(OpKind::kRead, id_);
  runtime_->record(OpKind::kRead, id_, flag_ ? 1 : 0, true);
  return flag_;
}

bool ThreadingEvent::wait(std::optional<double> timeout) {
  // `with self._cond: signaled = self._flag`
  runtime_->visible(OpKind::kWait, id_);
  if (flag_) {
    runtime_->record(OpKind::kWait, id_, 1, true);
    return true;
  }
  const ThreadId me = runtime_->current_thread();
  if (seen_.size() <= me) seen_.resize(me + 1);
  seen_[me] = sets_;
  runtime_->record(OpKind::kWait, id_);
  // `signaled = self._cond.wait(timeout)`: a timeout <= 0 only checks.
  const Nanos deadline = timeout ? runtime_->deadline_after(std::max(*timeout, 0.0)) : kNever;
  const bool signaled = runtime_->visible_until(OpKind::kWait, id_, this, deadline);
  runtime_->record(OpKind::kWait, id_, signaled ? 1 : 0, true);
  return signaled;
}

bool ThreadingEvent::ready(ThreadId waiter) const { return waiter < seen_.size() && sets_ > seen_[waiter]; }
ThreadId ThreadingEvent::blocker(ThreadId) const { return kNoThread; }

std::string ThreadingEvent::describe_wait(ThreadId) const {
  return "event " + runtime_->object_name(id_) + " (not set; nobody sets it anymore)";
}

}  // namespace sim

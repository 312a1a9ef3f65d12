#include "sim/semaphore.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace sim {

Semaphore::Semaphore(std::int64_t value, std::string_view name) : Semaphore(value, name, false) {}

Semaphore::Semaphore(std::int64_t value, std::string_view name, bool bounded)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(name)),
      value_(value),
      initial_(value),
      bounded_(bounded) {
  if (value < 0) throw std::invalid_argument("semaphore initial value must be >= 0");
}

void Semaphore::take(ThreadId thread) {
  --value_;
  holders_.push_back(thread);
}

void Semaphore::acquire() {
  runtime_->visible(OpKind::kAcquire, id_, this);
  take(runtime_->current_thread());
  runtime_->record(OpKind::kAcquire, id_, value_, true);
}

bool Semaphore::acquire(bool blocking, std::optional<double> timeout) {
  if (!blocking && timeout) throw std::invalid_argument("can't specify timeout for non-blocking acquire");
  if (blocking && !timeout) {
    acquire();
    return true;
  }
  if (blocking) {
    // CPython loops on its condition until endtime; a timeout <= 0 only checks.
    runtime_->visible_until(OpKind::kTryAcquire, id_, this, runtime_->deadline_after(std::max(*timeout, 0.0)));
  } else {
    runtime_->visible(OpKind::kTryAcquire, id_);
  }
  const bool acquired = value_ > 0;
  if (acquired) take(runtime_->current_thread());
  runtime_->record(OpKind::kTryAcquire, id_, acquired ? 1 : 0, true);
  return acquired;
}

void Semaphore::release(std::int64_t n) {
  // Reached from ~scoped_lock too: ask the runtime before touching any member (see
  // Lock::release). The ValueError for n < 1 comes first, as in CPython.
  if (n < 1) throw std::invalid_argument("n must be one or more");
  if (Runtime::current().cancelling()) return;
  const bool unwinding = std::uncaught_exceptions() > 0;  // no scheduling point then
  if (!unwinding && !runtime_->try_visible(OpKind::kRelease, id_)) return;
  if (bounded_ && value_ + n > initial_) {
    runtime_->record(OpKind::kRelease, id_);
    runtime_->end_with(FindingKind::kMisuse,
                       "release of semaphore " + runtime_->object_name(id_) + " would raise its value to " +
                           std::to_string(value_ + n) + ", above its initial value " + std::to_string(initial_) +
                           " (Python raises ValueError: Semaphore released too many times)");
    return;
  }
  value_ += n;
  const ThreadId me = runtime_->current_thread();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto held = std::find(holders_.begin(), holders_.end(), me);
    if (held == holders_.end()) break;
    holders_.erase(held);
  }
  runtime_->record(OpKind::kRelease, id_, value_, true);
}

bool Semaphore::ready(ThreadId) const { return value_ > 0; }

ThreadId Semaphore::blocker(ThreadId) const {
  if (holders_.empty()) return kNoThread;
  const bool one_holder = std::all_of(holders_.begin(), holders_.end(),
                                      [&](ThreadId t) { return t == holders_.front(); });
  return one_holder ? holders_.front() : kNoThread;
}

// "semaphore s (value 0; held by philosopher-2 and philosopher-3)".
std::string Semaphore::describe_wait(ThreadId) const {
  std::string text = "semaphore " + runtime_->object_name(id_) + " (value " + std::to_string(value_) + "; ";
  std::vector<ThreadId> distinct;
  for (ThreadId t : holders_) {
    if (std::find(distinct.begin(), distinct.end(), t) == distinct.end()) distinct.push_back(t);
  }
  if (distinct.empty()) return text + "nobody releases it anymore)";
  text += "held by ";
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    if (i > 0) text += i + 1 == distinct.size() ? " and " : ", ";
    text += runtime_->thread_name(distinct[i]);
    const auto permits = std::count(holders_.begin(), holders_.end(), distinct[i]);
    const bool finished = runtime_->is_finished(distinct[i]);
    if (permits > 1 || finished) {
      text += " (";
      if (permits > 1) text += std::to_string(permits) + " permits";
      if (permits > 1 && finished) text += ", ";
      if (finished) text += "finished without releasing";
      text += ")";
    }
  }
  return text + ")";
}

}  // namespace sim

#include "sim/futures_wait.hpp"

#include <algorithm>
#include <stdexcept>

namespace sim::detail {

namespace {

std::string_view when_name(ReturnWhen when) {
  switch (when) {
    case ReturnWhen::kFirstCompleted: return "FIRST_COMPLETED";
    case ReturnWhen::kFirstException: return "FIRST_EXCEPTION";
    case ReturnWhen::kAllCompleted: return "ALL_COMPLETED";
  }
  return "?";
}

}  // namespace

std::vector<std::size_t> unique_positions(const std::vector<FutureState*>& states) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < states.size(); ++i) {
    // Python would raise NameError for a future variable read before assignment.
    if (states[i] == nullptr) throw std::runtime_error("a future was used before it was assigned (Python: NameError)");
    const bool seen = std::any_of(kept.begin(), kept.end(), [&](std::size_t k) { return states[k] == states[i]; });
    if (!seen) kept.push_back(i);
  }
  return kept;
}

// --- CompletionWait ----------------------------------------------------------------

CompletionWait::CompletionWait(std::string_view call, ReturnWhen when, std::vector<FutureState*> futures, bool watch)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(call)),
      call_(call),
      when_(when),
      futures_(std::move(futures)),
      watch_(watch) {}

// The futures outlive their waiters (as_completed's caller holds them). Unwatching a
// future changes what its completion does (no kSet on this waiter's object), so the
// step records a read of each one: it depends on their completions, which partial-
// order reduction must otherwise think commute with it (an as_completed that timed
// out before a completion vs. one that saw it: tests/test_dpor_regressions.cpp).
CompletionWait::~CompletionWait() {
  if (watching_) {
    const bool recorded = !runtime_->cancelling();  // the execution is over: nothing to order
    for (FutureState* f : futures_) {
      f->remove_watcher(id_);
      if (recorded) runtime_->record(OpKind::kRead, f->id());
    }
  }
  runtime_->forget_waitable(*this);
}

void CompletionWait::wait_until(Nanos deadline) {
  runtime_->visible_until(OpKind::kWait, id_, this, deadline);
  const auto complete = std::count_if(futures_.begin(), futures_.end(), [](const FutureState* f) { return f->completed(); });
  runtime_->record(OpKind::kWait, id_, complete, true);
  if (watching_) return;  // each completion since the last step recorded a kSet on id_
  for (const FutureState* f : futures_) {
    runtime_->record(OpKind::kFutureDone, f->id(), static_cast<std::int64_t>(f->status()), true);
  }
  if (!watch_) return;
  for (FutureState* f : futures_) {
    if (!f->completed()) f->add_watcher(id_);
  }
  watching_ = true;
}

// CPython returns at once when every future is complete (also for an empty list);
// otherwise its waiter fires on the first completion (FIRST_COMPLETED, as_completed),
// the first exception (FIRST_EXCEPTION), or the last completion.
bool CompletionWait::ready(ThreadId) const {
  bool all = true;
  bool any = false;
  bool raised = false;
  for (const FutureState* f : futures_) {
    const bool complete = f->completed();
    all &= complete;
    any |= complete;
    raised |= f->failed();
  }
  switch (when_) {
    case ReturnWhen::kFirstCompleted: return all || any;
    case ReturnWhen::kFirstException: return all || raised;
    case ReturnWhen::kAllCompleted: return all;
  }
  return all;
}

// ALL_COMPLETED needs every future, so any one's blocker is needed; the others can be
// released by any of their futures, so only a blocker common to all of them counts.
ThreadId CompletionWait::blocker(ThreadId waiter) const {
  ThreadId common = kNoThread;
  bool first = true;
  for (const FutureState* f : futures_) {
    if (f->completed()) continue;
    const ThreadId b = f->progress_blocker(waiter);
    if (when_ == ReturnWhen::kAllCompleted && b != kNoThread) return b;
    if (first) common = b;
    else if (b != common) return kNoThread;
    first = false;
  }
  return common;
}

// "all futures of wait(ALL_COMPLETED): future a (t), which runs on worker-0; future b
// (t), which has not started: ...", listing the futures not complete yet.
std::string CompletionWait::describe_wait(ThreadId waiter) const {
  std::string text;
  if (call_ == "as_completed") {
    text = "the next future of as_completed: ";
  } else {
    const std::string call = call_ + "(" + std::string(when_name(when_)) + ")";
    switch (when_) {
      case ReturnWhen::kFirstCompleted: text = "any future of " + call + ": "; break;
      case ReturnWhen::kFirstException: text = "a failure or all futures of " + call + ": "; break;
      case ReturnWhen::kAllCompleted: text = "all futures of " + call + ": "; break;
    }
  }
  bool first = true;
  for (const FutureState* f : futures_) {
    if (f->completed()) continue;
    text += (first ? "" : "; ") + f->describe_wait(waiter);
    first = false;
  }
  return text;
}

// --- as_completed ------------------------------------------------------------------

AsCompletedCore::AsCompletedCore(std::vector<FutureState*> futures, double timeout)
    : all_(futures),
      waiter_("as_completed", ReturnWhen::kFirstCompleted, std::move(futures), true),
      timeout_(timeout) {}

std::size_t AsCompletedCore::next() {
  if (!started_) {  // the generator's body starts at the first next()
    started_ = true;
    deadline_ = waiter_.runtime().deadline_after(timeout_);
  }
  if (batch_.empty()) {
    std::vector<FutureState*>& pending = waiter_.futures();
    if (pending.empty()) return kEnd;
    // Completions the waiter does not watch are in no order partial-order reduction
    // knows of: those complete at the first wait come in the order given.
    const bool by_completion = waiter_.watching();
    waiter_.wait_until(deadline_);
    // Take every future completed by now.
    std::vector<FutureState*> done;
    for (FutureState* f : pending) {
      if (f->completed()) done.push_back(f);
    }
    if (done.empty()) {
      throw TimeoutError(std::to_string(pending.size()) + " (of " + std::to_string(all_.size()) +
                         ") futures unfinished");
    }
    std::erase_if(pending, [](const FutureState* f) { return f->completed(); });
    if (by_completion) {
      std::sort(done.begin(), done.end(), [](const FutureState* a, const FutureState* b) {
        return a->completion_order() > b->completion_order();  // latest first: popped from the back
      });
    } else {
      std::reverse(done.begin(), done.end());  // `pending` keeps the order given
    }
    for (const FutureState* f : done) {
      batch_.push_back(static_cast<std::size_t>(std::find(all_.begin(), all_.end(), f) - all_.begin()));
    }
  }
  const std::size_t position = batch_.back();
  batch_.pop_back();
  return position;
}

// --- wait --------------------------------------------------------------------------

std::vector<bool> wait_futures(std::vector<FutureState*> futures, double timeout, ReturnWhen when) {
  CompletionWait waiter("wait", when, std::move(futures));
  waiter.wait_until(waiter.runtime().deadline_after(timeout));
  std::vector<bool> done;
  for (const FutureState* f : waiter.futures()) done.push_back(f->completed());
  return done;
}

}  // namespace sim::detail

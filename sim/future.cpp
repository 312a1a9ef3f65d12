#include "sim/future.hpp"

namespace sim {

namespace {
// Orders completions across futures; only comparisons within one execution matter,
// so it never needs resetting (one runtime per OS thread, hence thread_local).
thread_local std::uint64_t g_completions = 0;
}  // namespace

FutureState::FutureState(std::string_view name, std::string_view task)
    : runtime_(&Runtime::current()), id_(runtime_->register_object(name)), task_(task) {}

void FutureState::mark_completed() { completion_order_ = ++g_completions; }

// After the completion's own event: a future completes once, so its waiters are done
// with it.
void FutureState::notify_watchers() {
  for (ObjectId waiter : watchers_) runtime_->record(OpKind::kSet, waiter);
  watchers_.clear();
}

bool FutureState::start_or_notify_cancel(ThreadId worker) {
  queue_ = nullptr;
  if (status_ == Status::kCancelled) {
    status_ = Status::kCancelledAndNotified;
    mark_completed();
    runtime_->record(OpKind::kWorkGet, id_);  // taken off the queue, not run
    notify_watchers();
    return false;
  }
  status_ = Status::kRunning;
  worker_ = worker;
  runtime_->record(OpKind::kTaskStart, id_);
  return true;
}

void FutureState::run() {
  try {
    invoke();
  } catch (const Cancelled&) {
    throw;
  } catch (...) {
    exception_ = std::current_exception();  // stored, re-raised by result()
  }
  runtime_->visible(OpKind::kTaskFinish, id_);
  status_ = Status::kFinished;
  mark_completed();
  runtime_->record(OpKind::kTaskFinish, id_);
  notify_watchers();
}

void FutureState::cancel_dropped() {
  queue_ = nullptr;
  dropped_ = true;
  if (status_ == Status::kPending) status_ = Status::kCancelled;
  runtime_->record(OpKind::kCancel, id_, 1, true);
}

std::exception_ptr FutureState::wait_done(Nanos deadline) {
  // A done future stays done: reading it needs no scheduling point.
  const bool timed = deadline != kNever;
  if (!is_done()) runtime_->visible_until(OpKind::kFutureResult, id_, this, deadline);
  runtime_->record(OpKind::kFutureResult, id_, is_done() ? 1 : 0, timed);
  if (status_ == Status::kCancelled || status_ == Status::kCancelledAndNotified) throw CancelledError();
  if (status_ != Status::kFinished) throw TimeoutError();
  return exception_;
}

FutureState::Status FutureState::observe() {
  runtime_->visible(OpKind::kFutureDone, id_);
  runtime_->record(OpKind::kFutureDone, id_, static_cast<std::int64_t>(status_), true);
  return status_;
}

// CPython's Future.cancel: RUNNING or FINISHED -> False; already cancelled -> True;
// PENDING -> CANCELLED (result() waiters wake up; wait()/as_completed() waiters do not).
bool FutureState::cancel_now() {
  if (status_ == Status::kRunning || status_ == Status::kFinished) return false;
  if (status_ == Status::kPending) status_ = Status::kCancelled;
  return true;
}

bool FutureState::cancel() {
  runtime_->visible(OpKind::kCancel, id_);
  const bool cancelled = cancel_now();
  runtime_->record(OpKind::kCancel, id_, cancelled ? 1 : 0, true);
  return cancelled;
}

void FutureState::cancel_at_scope_exit() noexcept {
  if (Runtime::current().cancelling()) return;
  // While an exception unwinds no fiber switch may happen: cancel within the current step.
  if (std::uncaught_exceptions() == 0 && !runtime_->try_visible(OpKind::kCancel, id_)) return;
  const bool cancelled = cancel_now();
  runtime_->record(OpKind::kCancel, id_, cancelled ? 1 : 0, true);
}

bool FutureState::ready(ThreadId) const { return is_done(); }

ThreadId FutureState::progress_blocker(ThreadId waiter) const {
  if (status_ == Status::kRunning) return worker_;
  if (status_ == Status::kPending && queue_ != nullptr) return queue_->not_started_blocker(*this, waiter);
  return kNoThread;
}

ThreadId FutureState::blocker(ThreadId waiter) const { return progress_blocker(waiter); }

std::string FutureState::describe_progress(ThreadId waiter) const {
  switch (status_) {
    case Status::kRunning:
      return "runs on " + runtime_->thread_name(worker_);
    case Status::kPending:
      if (queue_ != nullptr) return "has not started: " + queue_->why_not_started(*this, waiter);
      return "has not started, and no executor will run it";
    case Status::kCancelled:
      if (dropped_) {
        return "was cancelled by shutdown(cancel_futures=True), and CPython 3.11 never tells wait() "
               "or as_completed() (the future stays CANCELLED instead of CANCELLED_AND_NOTIFIED: "
               "gh-87893, gh-109934)";
      }
      return "was cancelled, which wait() and as_completed() see only once a worker takes it off "
             "the queue";
    case Status::kCancelledAndNotified:
      return "was cancelled";
    case Status::kFinished:
      return "is finished";
  }
  return "?";
}

std::string FutureState::describe_wait(ThreadId waiter) const {
  return "future " + name() + " (" + task_ + "), which " + describe_progress(waiter);
}

}  // namespace sim

#include "sim/asyncio/task_core.hpp"

#include "sim/asyncio/errors.hpp"
#include "sim/asyncio/loop.hpp"

#include <stdexcept>
#include <utility>

namespace sim::asyncio {

TaskCore::TaskCore(EventLoop& loop, std::string name)
    : FutureCore(loop, Runtime::current().register_object("task " + name), "task " + name + " to finish", ""),
      runtime_(&Runtime::current()),
      name_(std::move(name)) {}

TaskCore::~TaskCore() { runtime_->forget_waitable(*this); }

void TaskCore::start() {
  loop().call_soon_step(self());
  loop().add_task(self());
  // The thread keeps its task alive until it finishes. Tasks live and die with their
  // loop, so they are daemons exactly when the loop thread is.
  thread_ = runtime_->create_thread([task = self()] { task->thread_main(); }, name_,
                                    runtime_->is_daemon(loop().thread()));
  runtime_->start_thread(thread_);
}

// The coroutine, from its first step to its end.
void TaskCore::thread_main() {
  runtime_->visible(OpKind::kTaskStart, id(), this);  // waits for its first step
  runtime_->record(OpKind::kTaskStart, id());
  started_ = true;
  // A task cancelled before its first step never runs its body (coro.throw at the start).
  std::exception_ptr error = std::exchange(resume_error_, nullptr);
  if (!error) {
    try {
      invoke();
    } catch (const Cancelled&) {
      throw;  // the execution is over: unwind, touching nothing
    } catch (...) {
      error = std::current_exception();
    }
  }
  release_body();
  finish(std::move(error));
  loop().leave(*this);
}

// The end of Task.__step: the coroutine returned or raised.
void TaskCore::finish(std::exception_ptr error) {
  fut_waiter_.reset();
  if (!error) {
    if (must_cancel_) {  // cancelled right before the coroutine returned
      must_cancel_ = false;
      FutureCore::cancel();
    } else {
      set_finished();
    }
  } else if (is_cancelled_error(error)) {
    FutureCore::cancel();
  } else {
    set_exception(std::move(error));
  }
}

bool TaskCore::cancel() {
  if (done()) return false;
  ++cancel_requests_;
  // The awaited future may be a task that ignores the cancellation, so fut_waiter_ stays.
  if (fut_waiter_ != nullptr && fut_waiter_->cancel()) return true;
  must_cancel_ = true;  // the next step is already scheduled: it throws CancelledError
  return true;
}

int TaskCore::uncancel() {
  if (cancel_requests_ > 0) --cancel_requests_;
  return cancel_requests_;
}

ThreadId TaskCore::begin_step(std::exception_ptr error) {
  if (done()) return kNoThread;
  if (must_cancel_) {
    if (!is_cancelled_error(error)) error = std::make_exception_ptr(CancelledError{});
    must_cancel_ = false;
  }
  fut_waiter_.reset();
  resume_error_ = std::move(error);
  loop().enter(*this);
  return thread_;
}

ThreadId TaskCore::on_done(const std::shared_ptr<FutureCore>& future) { return begin_step(future->error()); }

void TaskCore::resume_or_throw() {
  if (resume_error_) std::rethrow_exception(std::exchange(resume_error_, nullptr));
}

void TaskCore::await_future(const std::shared_ptr<FutureCore>& future, OpKind kind) {
  if (future->done()) return;  // Future.__await__ does not yield for a done future
  if (future.get() == this) {
    // CPython's __step answers a task awaiting itself with a RuntimeError a turn later.
    loop().call_soon_step(self(), std::make_exception_ptr(
                                      std::runtime_error("Task cannot await on itself: " + name_)));
    loop().suspend(*this, kind, future->id());
    resume_or_throw();
    return;
  }
  future->add_done_callback(self());
  fut_waiter_ = future;
  if (must_cancel_ && fut_waiter_->cancel()) must_cancel_ = false;
  loop().suspend(*this, kind, future->id());
  resume_or_throw();
}

void TaskCore::yield_turn() {
  loop().call_soon_step(self());
  loop().suspend(*this, OpKind::kSleep, kNoObject);
  resume_or_throw();
}

void TaskCore::clear_links() {
  FutureCore::clear_links();
  fut_waiter_.reset();
}

std::string TaskCore::describe_pending() const {
  return "task " + name_ + " to finish";
}

// --- the task thread's wait ----------------------------------------------------------

bool TaskCore::ready(ThreadId) const { return loop().holder() == thread_; }

ThreadId TaskCore::blocker(ThreadId) const {
  if (fut_waiter_ != nullptr && !fut_waiter_->done()) return fut_waiter_->producer();
  return loop().holder();
}

std::string TaskCore::describe_wait(ThreadId) const {
  if (fut_waiter_ != nullptr && !fut_waiter_->done()) return fut_waiter_->describe_pending();
  // Its step is scheduled, but another thread holds the loop's baton.
  return std::string(started_ ? "its next turn" : "its first turn") + " on the event loop, which " +
         loop().holder_name() + " holds";
}

}  // namespace sim::asyncio

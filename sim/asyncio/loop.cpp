#include "sim/asyncio/loop.hpp"

#include "sim/asyncio/gather.hpp"
#include "sim/asyncio/task_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace sim::asyncio {

namespace {
// The loops alive on this OS thread (each execution runs on one OS thread).
thread_local std::vector<EventLoop*> t_loops;
}  // namespace

EventLoop::EventLoop()
    : runtime_(&Runtime::current()),
      thread_(runtime_->current_thread()),
      id_(kNoObject),
      running_(thread_) {
  if (running() != nullptr) throw std::runtime_error("asyncio.run() cannot be called from a running event loop");
  id_ = runtime_->register_object("event loop");
  t_loops.push_back(this);
}

// Normally every task is done here. When the execution ended early (a finding), the
// futures may still reference each other: drop those links so nothing leaks. When the
// loop thread was a daemon cut off at exit, its tasks' threads stay parked after the
// loop is gone: their waits are described now and never looked at again.
EventLoop::~EventLoop() {
  for (const std::shared_ptr<TaskCore>& task : tasks_) {
    if (task->thread() != kNoThread && !runtime_->is_finished(task->thread())) runtime_->forget_waitable(*task);
    task->clear_links();
  }
  ready_.clear();
  timers_ = {};
  std::erase(t_loops, this);
  runtime_->forget_waitable(*this);
}

EventLoop* EventLoop::running() {
  if (t_loops.empty()) return nullptr;
  const ThreadId self = Runtime::current().current_thread();
  for (EventLoop* loop : t_loops) {
    if (loop->running_ == self && loop->current_task_ != nullptr) return loop;
  }
  return nullptr;
}

EventLoop& EventLoop::get_running() {
  EventLoop* loop = running();
  // CPython: RuntimeError("no running event loop"), e.g. create_task outside a coroutine.
  if (loop == nullptr) throw std::runtime_error("no running event loop");
  return *loop;
}

Nanos EventLoop::time() const { return std::max(runtime_->now(), clock_floor_); }

void EventLoop::call_soon_step(std::shared_ptr<TaskCore> task, std::exception_ptr error) {
  Handle handle;
  handle.kind = Handle::Kind::kStep;
  handle.task = std::move(task);
  handle.error = std::move(error);
  ready_.push_back(std::move(handle));
}

void EventLoop::call_soon(std::shared_ptr<DoneCallback> callback, std::shared_ptr<FutureCore> future) {
  Handle handle;
  handle.kind = Handle::Kind::kDone;
  handle.callback = std::move(callback);
  handle.future = std::move(future);
  ready_.push_back(std::move(handle));
}

void EventLoop::call_at(Nanos when, std::shared_ptr<FutureCore> future) {
  timers_.push(Timer{when, timer_sequence_++, std::move(future)});
}

void EventLoop::add_task(std::shared_ptr<TaskCore> task) { tasks_.push_back(std::move(task)); }

std::string EventLoop::next_task_name() { return "Task-" + std::to_string(++task_counter_); }

// --- the baton ---------------------------------------------------------------------

void EventLoop::suspend(TaskCore& task, OpKind kind, ObjectId object) {
  current_task_ = nullptr;
  running_ = dispatch();
  runtime_->visible(kind, object, &task);
  runtime_->record(kind, object);
}

void EventLoop::leave(TaskCore&) {
  current_task_ = nullptr;
  running_ = dispatch();
}

void EventLoop::hand_over(ThreadId next) {
  running_ = next;
  runtime_->visible(OpKind::kAwait, id_, this);
  runtime_->record(OpKind::kAwait, id_);
}

// One step of BaseEventLoop._run_once at a time: at the start of an iteration the due
// timers join the ready queue and the iteration's callbacks are counted; callbacks run
// in FIFO order until one resumes a task. Returns that task's thread, or the loop
// thread when the iteration ended with nothing ready (or the loop is stopping).
ThreadId EventLoop::dispatch() {
  for (;;) {
    if (ntodo_ == 0) {
      if (stopping_) return thread_;
      move_due_timers();
      if (ready_.empty()) return thread_;
      ntodo_ = ready_.size();
    }
    Handle handle = std::move(ready_.front());
    ready_.pop_front();
    --ntodo_;
    const ThreadId next = run_handle(handle);
    if (next != kNoThread) return next;
  }
}

ThreadId EventLoop::run_handle(Handle& handle) {
  switch (handle.kind) {
    case Handle::Kind::kStep:
      return handle.task->begin_step(std::move(handle.error));
    case Handle::Kind::kDone:
      return handle.callback->on_done(handle.future);
    case Handle::Kind::kTimer:
      // futures._set_result_unless_cancelled
      if (!handle.future->done()) handle.future->set_finished();
      return kNoThread;
  }
  return kNoThread;
}

// A timer whose future is done was cancelled (its sleeping task was cancelled): CPython
// drops cancelled timers from the head of the heap before computing how long to sleep.
void EventLoop::drop_cancelled_timers() {
  while (!timers_.empty() && timers_.top().future->done()) timers_.pop();
}

void EventLoop::move_due_timers() {
  const Nanos now = time();
  drop_cancelled_timers();
  while (!timers_.empty() && timers_.top().when <= now) {
    Handle handle;
    handle.kind = Handle::Kind::kTimer;
    handle.future = timers_.top().future;
    timers_.pop();
    ready_.push_back(std::move(handle));
  }
}

// Nothing is ready: sleep until the earliest timer (the selector's timeout). With time
// ignored the runtime makes this a plain scheduling point and the loop's own clock
// jumps to the timer.
bool EventLoop::sleep_until_next_timer() {
  drop_cancelled_timers();
  if (timers_.empty()) return false;
  const Nanos when = timers_.top().when;
  const double seconds = static_cast<double>(when - time()) / 1e9;
  runtime_->visible_until(OpKind::kSleep, id_, nullptr, runtime_->deadline_after(seconds));
  runtime_->record(OpKind::kSleep, id_);
  clock_floor_ = std::max(clock_floor_, when);
  return true;
}

// No task is ready and no timer is pending: CPython's selector would wait forever. The
// loop thread waits on a condition that never holds, so the runtime reports the hang
// (with what every task awaits) once no other thread can run either.
void EventLoop::stall() {
  stalled_ = true;
  for (;;) runtime_->visible(OpKind::kAwait, id_, this);
}

void EventLoop::run_until_complete(const std::shared_ptr<FutureCore>& future) {
  const std::shared_ptr<DoneCallback> stopper(std::shared_ptr<DoneCallback>{}, &stopper_);
  future->add_done_callback(stopper);
  for (;;) {
    const ThreadId next = dispatch();
    if (next != thread_) {
      hand_over(next);
      continue;
    }
    if (stopping_) break;
    if (!sleep_until_next_timer()) stall();
  }
  stopping_ = false;
  future->remove_done_callback(&stopper_);
}

ThreadId EventLoop::Stopper::on_done(const std::shared_ptr<FutureCore>&) {
  loop_->stopping_ = true;  // loop.stop(): the current iteration still completes
  return kNoThread;
}

void EventLoop::cancel_all_tasks() {
  std::vector<std::shared_ptr<FutureCore>> to_cancel;
  for (const std::shared_ptr<TaskCore>& task : tasks_) {
    if (!task->done()) to_cancel.push_back(task);
  }
  if (to_cancel.empty()) return;
  for (const std::shared_ptr<FutureCore>& task : to_cancel) task->cancel();
  // loop.run_until_complete(gather(*to_cancel, return_exceptions=True))
  auto all = std::make_shared<GatherCore>(*this, std::move(to_cancel), true);
  all->start();
  run_until_complete(all);
}

// --- the loop thread's wait ----------------------------------------------------------

bool EventLoop::ready(ThreadId) const { return running_ == thread_ && !stalled_; }

ThreadId EventLoop::blocker(ThreadId) const { return stalled_ ? kNoThread : running_; }

std::string EventLoop::describe_wait(ThreadId) const {
  if (stalled_) {
    return "its event loop to have something to run: no task is ready and no timer is pending, "
           "so asyncio.run() never returns";
  }
  return "the event loop, which " + holder_name() +
         " holds: it is stuck in a blocking call, and no other task of the loop can run meanwhile";
}

std::string EventLoop::holder_name() const { return runtime_->thread_name(running_); }

}  // namespace sim::asyncio

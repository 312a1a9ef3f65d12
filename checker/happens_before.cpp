// The edge table of happens-before: for each recorded operation, whether it acquires
// (joins the clock of its object into the thread's clock, before the step) and/or
// releases (publishes the thread's clock into its object's clock, after the step).
//
//   start (parent)         child's clock := parent's clock        (start -> first step)
//   join that returned     joiner acquires the joined thread's clock (last step -> join)
//   acquire, try-acquire   acquire the lock/RLock/semaphore (a failed try: nothing)
//   release                release it (Condition.wait's release of its lock included)
//   notify, set, put,      release the condition / event / queue
//   task_done
//   wait                   acquire the object: a Condition wait that was notified, an
//                          Event wait, Queue.join. On an object nobody notifies, sets or
//                          puts to (a Barrier, futures.wait/as_completed) a wait also
//                          releases, and acquires every executor task finished so far:
//                          barrier arrivals then order before every departure, and a
//                          futures.wait that returned follows the tasks it saw finish.
//   get, read              acquire the queue / primitive whose state was read
//   submit / task-start    release / acquire the future      (submit -> task start)
//   task-finish            release the future                 (finish -> result, done?)
//   result (done), done?   acquire the future
//   take-work, shutdown    acquire / release the executor's work queue
//   cancel, abort          acquire and release
//
// Conservative choices (they may hide a race, never report a false one):
// - A get acquires every earlier put on its queue, not only the put of the item it
//   returned: the events cannot tell a failed put_nowait (Full) from a put of a
//   non-numeric item, so FIFO matching of puts to gets could go wrong.
// - A notified Condition wait acquires every earlier notify of the condition; the
//   condition's lock orders notifier and waiter anyway.
// - asyncio tasks run one at a time on their event loop's thread, so a loop's thread
//   and its tasks are one thread of the program: every step of the group acquires and
//   releases the group's clock. A task's thread is recognised by its first step,
//   task-start of a task no executor was given, and belongs to the group of the
//   thread that started it.
#include "checker/happens_before.hpp"

#include <algorithm>

namespace checker {

using sim::OpKind;

void HappensBefore::reset(std::span<const sim::Event> events, std::size_t threads, std::size_t objects) {
  threads_ = threads;
  objects_ = objects;
  thread_clocks_.assign(threads * threads, 0);
  for (std::size_t t = 0; t < threads; ++t) thread_clocks_[t * threads + t] = 1;
  object_clocks_.assign(objects * threads, 0);
  group_clocks_.assign(threads * threads, 0);
  completed_.assign(threads, 0);
  signalled_.assign(objects, 0);
  find_task_groups(events);
}

// A thread whose first step is the task-start of an asyncio task runs that task on the
// event loop its starter belongs to (the starter is the loop's thread or another
// task). An executor worker may also begin with task-start (taking its first work
// item is not recorded), but of a future that was submitted earlier: never grouped.
void HappensBefore::find_task_groups(std::span<const sim::Event> events) {
  group_.assign(threads_, sim::kNoThread);
  starter_.assign(threads_, sim::kNoThread);
  runs_task_.assign(threads_, 0);
  seen_.assign(threads_, 0);
  submitted_.assign(objects_, 0);
  for (const sim::Event& e : events) {
    if (e.kind == OpKind::kSubmit && e.object < objects_) submitted_[e.object] = 1;
    if (e.thread >= threads_) continue;
    if (!seen_[e.thread]) {
      seen_[e.thread] = 1;
      runs_task_[e.thread] = e.kind == OpKind::kTaskStart && e.object < objects_ && !submitted_[e.object];
    }
    if (e.kind == OpKind::kStart && e.object < threads_) starter_[e.object] = e.thread;
  }
  // A starter was created before the threads it starts, so increasing ids see it first.
  for (std::size_t t = 0; t < threads_; ++t) {
    const sim::ThreadId parent = starter_[t];
    if (!runs_task_[t] || parent == sim::kNoThread) continue;
    if (group_[parent] == sim::kNoThread) group_[parent] = parent;
    group_[t] = group_[parent];
  }
}

void HappensBefore::acquire_from(sim::ThreadId t, std::span<const Tick> from) {
  std::span<Tick> mine = clock(t);
  for (std::size_t u = 0; u < threads_; ++u) mine[u] = std::max(mine[u], from[u]);
}

void HappensBefore::release_into(sim::ThreadId t, std::span<Tick> into) {
  std::span<Tick> mine = clock(t);
  for (std::size_t u = 0; u < threads_; ++u) into[u] = std::max(into[u], mine[u]);
  ++mine[t];  // later steps of t are not covered by this release
}

void HappensBefore::before(const sim::Event& e) {
  const sim::ThreadId t = e.thread;
  if (t >= threads_) return;
  if (group_[t] != sim::kNoThread) acquire_from(t, group_clock(group_[t]));
  const bool has_object = e.object < objects_;
  switch (e.kind) {
    case OpKind::kJoin:
      // A join that returned because the thread finished (not a timed-out join).
      if ((!e.has_value || e.value == 1) && e.object < threads_) acquire_from(t, clock(e.object));
      break;
    case OpKind::kTryAcquire:
      if (e.value == 1 && has_object) acquire_from(t, object_clock(e.object));
      break;
    case OpKind::kFutureResult:
      if (e.value == 1 && has_object) acquire_from(t, object_clock(e.object));  // it was done
      break;
    case OpKind::kWait:
    case OpKind::kAwait:
      if (!has_object) break;
      acquire_from(t, object_clock(e.object));
      if (!signalled_[e.object]) acquire_from(t, completed_);
      break;
    case OpKind::kAcquire:
    case OpKind::kTaskStart:
    case OpKind::kFutureDone:
    case OpKind::kWorkGet:
    case OpKind::kGet:
    case OpKind::kRead:
    case OpKind::kCancel:
    case OpKind::kAbort:
      if (has_object) acquire_from(t, object_clock(e.object));
      break;
    default:
      break;
  }
}

void HappensBefore::after(const sim::Event& e) {
  const sim::ThreadId t = e.thread;
  if (t >= threads_) return;
  const bool has_object = e.object < objects_;
  switch (e.kind) {
    case OpKind::kStart:
      if (e.object < threads_) {
        acquire_from(e.object, clock(t));
        ++clock(t)[t];
      }
      break;
    case OpKind::kTaskFinish:
      if (!has_object) break;
      for (std::size_t u = 0; u < threads_; ++u) completed_[u] = std::max(completed_[u], clock(t)[u]);
      release_into(t, object_clock(e.object));
      break;
    case OpKind::kNotify:
    case OpKind::kSet:
    case OpKind::kPut:
    case OpKind::kTaskDone:
      if (!has_object) break;
      signalled_[e.object] = 1;
      release_into(t, object_clock(e.object));
      break;
    case OpKind::kWait:
    case OpKind::kAwait:
      if (has_object && !signalled_[e.object]) release_into(t, object_clock(e.object));
      break;
    case OpKind::kRelease:
    case OpKind::kSubmit:
    case OpKind::kShutdown:
    case OpKind::kCancel:
    case OpKind::kAbort:
      if (has_object) release_into(t, object_clock(e.object));
      break;
    default:
      break;
  }
  if (group_[t] != sim::kNoThread) release_into(t, group_clock(group_[t]));
}

}  // namespace checker

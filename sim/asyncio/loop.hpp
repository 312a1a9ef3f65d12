// The asyncio event loop, modeled on CPython 3.11's BaseEventLoop._run_once: a FIFO
// queue of ready callbacks (call_soon) and a heap of timers (call_at), processed in
// iterations — due timers join the ready queue, then the callbacks that were ready at
// the start of the iteration run, in order — until the future given to
// run_until_complete is done. The loop's own choices are therefore fixed, as in CPython:
// a model that only uses asyncio has exactly one schedule; other OS threads still
// interleave with it.
//
// Tasks are modeled threads, and the loop passes a *baton* among them: only the thread
// in `running_` may run (the task whose step the loop is executing, or the loop
// thread), so tasks switch only at awaits and run atomically in between. A task that
// reaches an await runs the loop's dispatch itself and hands the baton straight to the
// next task (one scheduling point per switch); the baton goes back to the loop thread
// (the thread that called asyncio.run) only when nothing is ready, and the loop thread
// then sleeps on the virtual clock until the earliest timer, or, with no timer left,
// waits forever, which the runtime reports as a hang.
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/ids.hpp"
#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <queue>
#include <string>
#include <vector>

namespace sim::asyncio {

class TaskCore;

class EventLoop final : public Waitable {
 public:
  // A new loop run by the calling modeled thread (asyncio.run's new_event_loop).
  // Throws std::runtime_error when called from a task of a running loop (CPython:
  // "asyncio.run() cannot be called from a running event loop").
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The loop whose task is running on the calling thread, or null (asyncio's
  // get_running_loop / current_task, seen from a task).
  static EventLoop* running();
  // The same, throwing std::runtime_error("no running event loop") when there is none.
  static EventLoop& get_running();
  // The task running now; null while the loop thread itself holds the baton.
  TaskCore* current_task() const { return current_task_; }

  // loop.time(): the virtual clock, in nanoseconds. With time ignored it is the loop's
  // own clock, moved by its timers only.
  Nanos time() const;
  // The loop thread waits forever: no task is ready and no timer is pending.
  bool stalled() const { return stalled_; }
  ThreadId thread() const { return thread_; }
  ObjectId id() const { return id_; }
  Runtime& runtime() const { return *runtime_; }

  // call_soon(task.__step, error): the task's next step, throwing `error` in if set.
  void call_soon_step(std::shared_ptr<TaskCore> task, std::exception_ptr error = nullptr);
  // call_soon(callback, future): a done callback of `future`.
  void call_soon(std::shared_ptr<DoneCallback> callback, std::shared_ptr<FutureCore> future);
  // call_at(when, _set_result_unless_cancelled, future): asyncio.sleep's timer. A timer
  // whose future is already done (cancelled) is skipped.
  void call_at(Nanos when, std::shared_ptr<FutureCore> future);

  void add_task(std::shared_ptr<TaskCore> task);
  // CPython's default task names, "Task-1", "Task-2", ...
  std::string next_task_name();

  // On the running task's thread, at an await whose wake-up is already arranged: runs
  // the loop until another task (or the loop thread) is due, hands it the baton and
  // waits for the baton to come back (a scheduling point recorded as `kind` on `object`).
  void suspend(TaskCore& task, OpKind kind, ObjectId object);
  // On a finishing task's thread: hands the baton on for good.
  void leave(TaskCore& task);
  // From a task's __step, during dispatch: `task` is the one to run next.
  void enter(TaskCore& task) { current_task_ = &task; }

  // loop.run_until_complete(future), on the loop thread: returns once `future` is done.
  void run_until_complete(const std::shared_ptr<FutureCore>& future);
  // asyncio.run's _cancel_all_tasks: cancels every unfinished task (in creation order)
  // and runs the loop until they are all done.
  void cancel_all_tasks();

  // The loop thread's wait: the baton, or (stalled) something that never happens.
  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;
  // Who holds the baton now, in words ("Task-2"), for the tasks' reports.
  std::string holder_name() const;
  ThreadId holder() const { return running_; }

 private:
  struct Handle {
    enum class Kind : std::uint8_t { kStep, kDone, kTimer };
    Kind kind = Kind::kStep;
    std::shared_ptr<TaskCore> task;          // kStep
    std::exception_ptr error;                // kStep: thrown into the task
    std::shared_ptr<DoneCallback> callback;  // kDone
    std::shared_ptr<FutureCore> future;      // kDone: the done future; kTimer: the one to complete
  };
  struct Timer {
    Nanos when = 0;
    std::uint64_t sequence = 0;  // ties fire in scheduling order
    std::shared_ptr<FutureCore> future;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
    }
  };
  // _run_until_complete_cb: stops the loop once the awaited future is done.
  class Stopper final : public DoneCallback {
   public:
    explicit Stopper(EventLoop& loop) : loop_(&loop) {}
    ThreadId on_done(const std::shared_ptr<FutureCore>&) override;

   private:
    EventLoop* loop_;
  };

  ThreadId dispatch();
  ThreadId run_handle(Handle& handle);
  void move_due_timers();
  void drop_cancelled_timers();
  void hand_over(ThreadId next);
  bool sleep_until_next_timer();
  [[noreturn]] void stall();

  Runtime* runtime_;
  ThreadId thread_;                 // the loop thread (the caller of asyncio.run)
  ObjectId id_;
  ThreadId running_;                // who holds the baton
  TaskCore* current_task_ = nullptr;
  std::deque<Handle> ready_;
  std::size_t ntodo_ = 0;           // callbacks left in the current iteration
  std::priority_queue<Timer, std::vector<Timer>, Later> timers_;
  std::uint64_t timer_sequence_ = 0;
  Nanos clock_floor_ = 0;           // loop.time() never goes below its last timer
  bool stopping_ = false;
  bool stalled_ = false;
  std::uint64_t task_counter_ = 0;
  std::vector<std::shared_ptr<TaskCore>> tasks_;  // every task, in creation order
  Stopper stopper_{*this};
};

}  // namespace sim::asyncio

#include "sim/executor.hpp"

#include <exception>

namespace sim {

ThreadPoolExecutor::ThreadPoolExecutor(int max_workers, std::string_view thread_name_prefix)
    : runtime_(&Runtime::current()),
      queue_id_(runtime_->register_object("work queue")),
      max_workers_(max_workers),
      prefix_(thread_name_prefix) {
  // CPython: ValueError("max_workers must be greater than 0").
  if (max_workers <= 0) throw std::invalid_argument("max_workers must be greater than 0");
  workers_.reserve(static_cast<std::size_t>(max_workers));
  running_.reserve(static_cast<std::size_t>(max_workers));
}

// Like the end of a `with` block (shutdown(wait=True), even after an earlier
// shutdown(wait=False)) or interpreter exit (which joins every worker): shut down and
// wait, without a throw (a destructor). A second shutdown changes nothing, so it is
// not a step of its own.
ThreadPoolExecutor::~ThreadPoolExecutor() {
  if (std::uncaught_exceptions() == 0 && !runtime_->cancelling()) {
    const bool stepped = shutdown_ || runtime_->try_visible(OpKind::kShutdown, queue_id_);
    if (stepped && !shutdown_) {
      shutdown_ = true;
      runtime_->record(OpKind::kShutdown, queue_id_);
    }
    if (stepped) {
      for (Thread& worker : workers_) {
        if (runtime_->cancelling()) break;  // the execution ended while we waited
        // A worker that already finished is joined without a scheduling point, but the
        // join is recorded: it orders the worker's tasks before what follows the `with`
        // block (happens-before for the race detector and partial-order reduction).
        if (runtime_->is_finished(worker.id())) {
          runtime_->record(OpKind::kJoin, worker.id());
        } else {
          runtime_->join_at_scope_exit(worker.id());
        }
      }
    }
  }
  // Items left (the execution ended early) outlive the executor in their futures.
  for (const std::shared_ptr<FutureState>& item : queue_) item->set_queue(nullptr);
  runtime_->forget_waitable(*this);
}

void ThreadPoolExecutor::begin_submit() {
  runtime_->visible(OpKind::kSubmit, queue_id_);
  if (shutdown_) {
    runtime_->record(OpKind::kSubmit, queue_id_);
    // CPython: RuntimeError, raised under the executor's shutdown lock.
    throw std::runtime_error("cannot schedule new futures after shutdown");
  }
}

void ThreadPoolExecutor::enqueue(std::shared_ptr<FutureState> item) {
  ++submitted_;
  runtime_->record(OpKind::kSubmit, item->id());
  item->set_queue(this);
  queue_.push_back(std::move(item));
  // _adjust_thread_count: reuse an idle worker if there is one, else add a worker.
  if (idle_ > 0) {
    --idle_;
  } else if (static_cast<int>(workers_.size()) < max_workers_) {
    const std::size_t index = workers_.size();
    const std::string name = prefix_ + "-" + std::to_string(index);
    running_.push_back(nullptr);
    workers_.emplace_back([this, index] { worker_loop(index); }, name, false);
    workers_.back().start();
  }
}

void ThreadPoolExecutor::worker_loop(std::size_t index) {
  const ThreadId self = runtime_->current_thread();
  for (;;) {
    runtime_->visible(OpKind::kWorkGet, queue_id_, this);
    if (queue_.empty()) {  // ready() held, so shutdown_ is set: the queue is drained
      runtime_->record(OpKind::kWorkGet, queue_id_);
      return;
    }
    std::shared_ptr<FutureState> item = std::move(queue_.front());
    queue_.pop_front();
    if (item->start_or_notify_cancel(self)) {
      running_[index] = item.get();
      item->run();
      running_[index] = nullptr;
    }
    ++idle_;  // CPython releases the idle semaphore after every item, cancelled or run
  }
}

void ThreadPoolExecutor::shutdown(bool wait, bool cancel_futures) {
  runtime_->visible(OpKind::kShutdown, queue_id_);
  shutdown_ = true;
  runtime_->record(OpKind::kShutdown, queue_id_);
  if (cancel_futures) {
    // CPython drains the queue and cancels each item's future, without notifying
    // wait()/as_completed() waiters (the items never reach a worker).
    for (const std::shared_ptr<FutureState>& item : queue_) item->cancel_dropped();
    queue_.clear();
  }
  if (wait) {
    for (Thread& worker : workers_) worker.join();
  }
}

bool ThreadPoolExecutor::ready(ThreadId) const { return !queue_.empty() || shutdown_; }
ThreadId ThreadPoolExecutor::blocker(ThreadId) const { return kNoThread; }

std::string ThreadPoolExecutor::describe_wait(ThreadId) const {
  return "work: the executor's queue is empty and it has not been shut down";
}

// What worker `index` is doing, as seen by `waiter`: "is the thread waiting for it",
// "runs future b (wait_on_a)", "is free".
std::string ThreadPoolExecutor::worker_doing(std::size_t index, ThreadId waiter) const {
  if (workers_[index].id() == waiter) return "is the thread waiting for it";
  if (const FutureState* item = running_[index]) return "runs future " + item->name() + " (" + item->task_name() + ")";
  return "is free";
}

std::string ThreadPoolExecutor::why_not_started(const FutureState& item, ThreadId waiter) const {
  std::size_t ahead = 0;
  while (ahead < queue_.size() && queue_[ahead].get() != &item) ++ahead;
  std::string text = "it waits in the queue";
  if (ahead > 0) text += " behind " + std::to_string(ahead) + (ahead == 1 ? " other task" : " other tasks");
  if (workers_.size() == 1 && max_workers_ == 1) {
    return text + ", and the only worker (" + runtime_->thread_name(workers_[0].id()) + ") " +
           worker_doing(0, waiter);
  }
  bool all_busy = true;
  std::string each;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    all_busy &= running_[i] != nullptr;
    each += (i == 0 ? "" : ", ") + runtime_->thread_name(workers_[i].id()) + " " + worker_doing(i, waiter);
  }
  if (static_cast<int>(workers_.size()) < max_workers_) {
    // CPython's idle-worker count said a worker was free, so submit() started none.
    return text + ", and the executor started only " + std::to_string(workers_.size()) + " of its " +
           std::to_string(max_workers_) + " workers: " + each;
  }
  if (!all_busy) return text + ": " + each;
  return text + ", and all " + std::to_string(workers_.size()) + " workers are busy: " + each;
}

ThreadId ThreadPoolExecutor::not_started_blocker(const FutureState&, ThreadId) const {
  // Only a single worker is to blame: with one, the item starts when that one is free.
  if (workers_.size() == 1 && max_workers_ == 1 && running_[0] != nullptr) return workers_[0].id();
  return kNoThread;
}

}  // namespace sim

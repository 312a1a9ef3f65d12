#include "sim/executor.hpp"

#include <exception>

namespace sim {

ThreadPoolExecutor::ThreadPoolExecutor(int max_workers, std::string_view thread_name_prefix)
    : runtime_(&Runtime::current()),
      queue_id_(runtime_->register_object("work queue")),
      max_workers_(max_workers),
      prefix_(thread_name_prefix) {
  if (max_workers <= 0) throw std::invalid_argument("max_workers must be greater than 0");
  workers_.reserve(static_cast<std::size_t>(max_workers));
}

// Like the end of a `with` block: shut down and wait, without a throw (a destructor).
ThreadPoolExecutor::~ThreadPoolExecutor() {
  if (!shutdown_ && std::uncaught_exceptions() == 0 &&
      runtime_->try_visible(OpKind::kShutdown, queue_id_)) {
    shutdown_ = true;
    runtime_->record(OpKind::kShutdown, queue_id_);
    for (Thread& worker : workers_) runtime_->join_at_scope_exit(worker.id());
  }
  runtime_->forget_waitable(*this);
}

void ThreadPoolExecutor::enqueue(std::shared_ptr<FutureState> item) {
  // CPython: "cannot schedule new futures after shutdown" (RuntimeError).
  if (shutdown_) throw std::runtime_error("cannot schedule new futures after shutdown");
  runtime_->visible(OpKind::kSubmit, queue_id_);
  ++submitted_;
  runtime_->record(OpKind::kSubmit, item->id());
  queue_.push_back(std::move(item));
  // _adjust_thread_count: reuse an idle worker if there is one, else add a worker.
  if (idle_ > 0) {
    --idle_;
  } else if (static_cast<int>(workers_.size()) < max_workers_) {
    const std::string name = prefix_ + "-" + std::to_string(workers_.size());
    workers_.emplace_back([this] { worker_loop(); }, name, false);
    workers_.back().start();
  }
}

void ThreadPoolExecutor::worker_loop() {
  const ThreadId self = runtime_->current_thread();
  for (;;) {
    runtime_->visible(OpKind::kWorkGet, queue_id_, this);
    if (queue_.empty()) {  // ready() held, so shutdown_ is set: the queue is drained
      runtime_->record(OpKind::kWorkGet, queue_id_);
      return;
    }
    std::shared_ptr<FutureState> item = std::move(queue_.front());
    queue_.pop_front();
    item->run_on(self);
    ++idle_;
  }
}

void ThreadPoolExecutor::shutdown(bool wait) {
  runtime_->visible(OpKind::kShutdown, queue_id_);
  shutdown_ = true;
  runtime_->record(OpKind::kShutdown, queue_id_);
  if (wait) {
    for (Thread& worker : workers_) worker.join();
  }
}

bool ThreadPoolExecutor::ready(ThreadId) const { return !queue_.empty() || shutdown_; }
ThreadId ThreadPoolExecutor::blocker(ThreadId) const { return kNoThread; }

std::string ThreadPoolExecutor::describe_wait(ThreadId) const {
  return "work: the executor's queue is empty and it has not been shut down";
}

std::string ThreadPoolExecutor::not_started_note() const {
  return "it waits in the queue for a free worker, and all " + std::to_string(max_workers_) +
         " of the executor's workers are busy";
}

}  // namespace sim

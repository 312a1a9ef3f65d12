#include "sim/future.hpp"

namespace sim {

FutureState::FutureState(std::string_view name, std::string_view task, std::string_view note)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(name)),
      task_(task),
      not_started_note_(note) {}

void FutureState::run_on(ThreadId worker) {
  status_ = Status::kRunning;
  worker_ = worker;
  runtime_->record(OpKind::kTaskStart, id_);
  try {
    invoke();
  } catch (const Cancelled&) {
    throw;
  } catch (...) {
    exception_ = std::current_exception();  // stored, re-raised by result()
  }
  runtime_->visible(OpKind::kTaskFinish, id_);
  status_ = Status::kFinished;
  runtime_->record(OpKind::kTaskFinish, id_);
}

void FutureState::wait_done() {
  if (status_ != Status::kFinished) runtime_->visible(OpKind::kFutureResult, id_, this);
  runtime_->record(OpKind::kFutureResult, id_);
  if (exception_) std::rethrow_exception(exception_);
}

FutureState::Status FutureState::observe() {
  runtime_->visible(OpKind::kFutureDone, id_);
  runtime_->record(OpKind::kFutureDone, id_, static_cast<std::int64_t>(status_), true);
  return status_;
}

bool FutureState::ready(ThreadId) const { return status_ == Status::kFinished; }
ThreadId FutureState::blocker(ThreadId) const { return worker_; }

std::string FutureState::describe_wait(ThreadId) const {
  const std::string& name = runtime_->object_name(id_);
  if (status_ == Status::kPending) return "future " + name + " (" + task_ + "), which has not started: " + not_started_note_;
  return "future " + name + " (" + task_ + "), which runs on " + runtime_->thread_name(worker_);
}

}  // namespace sim

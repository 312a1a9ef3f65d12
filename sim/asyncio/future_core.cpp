#include "sim/asyncio/future_core.hpp"

#include "sim/asyncio/errors.hpp"
#include "sim/asyncio/loop.hpp"

#include <algorithm>
#include <utility>

namespace sim::asyncio {

void raise_invalid_state(const char* what) { throw InvalidStateError(what); }

FutureCore::FutureCore(EventLoop& loop, ObjectId object, std::string label, std::string nobody)
    : loop_(&loop), id_(object), label_(std::move(label)), nobody_(std::move(nobody)) {}

bool FutureCore::cancel() {
  if (done()) return false;
  state_ = State::kCancelled;
  schedule_callbacks();
  return true;
}

void FutureCore::set_finished() {
  if (done()) raise_invalid_state("invalid state");
  state_ = State::kFinished;
  schedule_callbacks();
}

void FutureCore::set_exception(std::exception_ptr error) {
  if (done()) raise_invalid_state("invalid state");
  exception_ = std::move(error);
  state_ = State::kFinished;
  schedule_callbacks();
}

std::exception_ptr FutureCore::error() const {
  if (cancelled()) return std::make_exception_ptr(CancelledError{});
  return exception_;
}

void FutureCore::check_result() const {
  if (!done()) raise_invalid_state("Result is not set.");
  if (std::exception_ptr e = error()) std::rethrow_exception(e);
}

void FutureCore::add_done_callback(std::shared_ptr<DoneCallback> callback) {
  if (done()) {
    loop_->call_soon(std::move(callback), shared_from_this());
  } else {
    callbacks_.push_back(std::move(callback));
  }
}

void FutureCore::remove_done_callback(const DoneCallback* callback) {
  std::erase_if(callbacks_, [callback](const auto& c) { return c.get() == callback; });
}

// Future.__schedule_callbacks: each callback becomes its own ready handle, in order.
void FutureCore::schedule_callbacks() {
  std::vector<std::shared_ptr<DoneCallback>> callbacks = std::move(callbacks_);
  callbacks_.clear();
  const std::shared_ptr<FutureCore> self = shared_from_this();
  for (std::shared_ptr<DoneCallback>& callback : callbacks) loop_->call_soon(std::move(callback), self);
}

std::string FutureCore::describe_pending() const {
  if (loop_->stalled()) return label_ + ", " + nobody_;
  return label_ + " (not done yet)";
}

}  // namespace sim::asyncio

#include "sim/asyncio/gather.hpp"

#include "sim/asyncio/errors.hpp"
#include "sim/asyncio/loop.hpp"
#include "sim/asyncio/task_core.hpp"

#include <algorithm>
#include <utility>

namespace sim::asyncio {

GatherCore::GatherCore(EventLoop& loop, std::vector<std::shared_ptr<FutureCore>> children,
                       bool return_exceptions)
    : FutureCore(loop, loop.runtime().register_object("gather"), "gather", ""),
      children_(std::move(children)),
      return_exceptions_(return_exceptions) {}

void GatherCore::start() {
  const auto self = std::static_pointer_cast<GatherCore>(shared_from_this());
  for (std::size_t i = 0; i < children_.size(); ++i) {
    const auto first = std::find(children_.begin(), children_.end(), children_[i]);
    if (first != children_.begin() + static_cast<std::ptrdiff_t>(i)) continue;  // arg_to_fut dedup
    ++unique_;
    children_[i]->add_done_callback(self);
  }
  if (children_.empty()) set_finished();  // gather() of nothing: a done future, result []
}

ThreadId GatherCore::on_done(const std::shared_ptr<FutureCore>& child) {
  ++finished_;
  if (done()) return kNoThread;
  if (!return_exceptions_) {
    if (child->cancelled()) {
      set_exception(std::make_exception_ptr(CancelledError{}));
      return kNoThread;
    }
    if (child->exception()) {
      set_exception(child->exception());
      return kNoThread;
    }
  }
  if (finished_ == unique_) {
    // A cancelled gather raises CancelledError even with return_exceptions (bpo-32684).
    if (cancel_requested_) {
      set_exception(std::make_exception_ptr(CancelledError{}));
    } else {
      set_finished();
    }
  }
  return kNoThread;
}

bool GatherCore::cancel() {
  if (done()) return false;
  bool any = false;
  for (const std::shared_ptr<FutureCore>& child : children_) any |= child->cancel();
  if (any) cancel_requested_ = true;
  return any;
}

std::vector<std::exception_ptr> GatherCore::child_errors() const {
  std::vector<std::exception_ptr> errors;
  errors.reserve(children_.size());
  for (const std::shared_ptr<FutureCore>& child : children_) errors.push_back(child->error());
  return errors;
}

void GatherCore::clear_links() {
  FutureCore::clear_links();
  children_.clear();
}

std::string GatherCore::describe_pending() const {
  std::string all;
  std::string pending;
  for (const std::shared_ptr<FutureCore>& child : children_) {
    const std::string text = child->describe_pending();
    all += (all.empty() ? "" : ", ") + text;
    if (!child->done() && pending.empty()) pending = text;
  }
  return "asyncio.gather to finish, which waits for " + (pending.empty() ? all : pending);
}

ThreadId GatherCore::producer() const {
  for (const std::shared_ptr<FutureCore>& child : children_) {
    if (!child->done()) return child->producer();
  }
  return kNoThread;
}

std::shared_ptr<GatherCore> await_gather(std::vector<std::shared_ptr<FutureCore>> children,
                                         bool return_exceptions) {
  EventLoop& loop = EventLoop::get_running();
  auto outer = std::make_shared<GatherCore>(loop, std::move(children), return_exceptions);
  outer->start();
  loop.current_task()->await_future(outer);
  outer->check_result();  // done without suspending: raise its exception here
  return outer;
}

}  // namespace sim::asyncio

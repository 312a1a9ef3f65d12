#include "sim/asyncio/task_group.hpp"

#include "sim/asyncio/errors.hpp"
#include "sim/asyncio/loop.hpp"

#include <algorithm>
#include <stdexcept>

namespace sim::asyncio {

namespace {

// The future __aexit__ awaits until the group has no task left; it says so in reports.
class GroupExit final : public FutureCore {
 public:
  GroupExit(EventLoop& loop, ObjectId id, std::weak_ptr<const GroupCore> group)
      : FutureCore(loop, id, "", ""), group_(std::move(group)) {}
  std::string describe_pending() const override {
    const auto group = group_.lock();
    return group ? group->describe_pending() : "the tasks of its TaskGroup to finish";
  }
  ThreadId producer() const override {
    const auto group = group_.lock();
    return group ? group->producer() : kNoThread;
  }

 private:
  std::weak_ptr<const GroupCore> group_;
};

}  // namespace

GroupCore::GroupCore() {
  EventLoop* loop = EventLoop::running();
  if (loop == nullptr) throw std::runtime_error("TaskGroup cannot determine the parent task");
  parent_ = std::static_pointer_cast<TaskCore>(loop->current_task()->shared_from_this());
  id_ = loop->runtime().register_object("task group");
}

void GroupCore::check_open() const {
  if (exiting_ && tasks_.empty()) throw std::runtime_error("TaskGroup is finished");
  if (aborting_) throw std::runtime_error("TaskGroup is shutting down");
}

void GroupCore::adopt(const std::shared_ptr<TaskCore>& task) {
  task->add_done_callback(shared_from_this());
  tasks_.push_back(task);
}

void GroupCore::abort() {
  aborting_ = true;
  for (const std::shared_ptr<TaskCore>& task : tasks_) {
    if (!task->done()) task->cancel();
  }
}

void GroupCore::exit(std::exception_ptr body_error) {
  exiting_ = true;
  const bool body_cancelled = is_cancelled_error(body_error);
  std::exception_ptr propagate_cancellation = body_cancelled ? body_error : nullptr;
  if (parent_cancel_requested_ && parent_->uncancel() == 0) propagate_cancellation = nullptr;
  if (body_error && !aborting_) abort();

  // Awaited again if the parent is cancelled while it waits.
  while (!tasks_.empty()) {
    if (!on_completed_) {
      on_completed_ = std::make_shared<GroupExit>(parent_->loop(), id_, weak_from_this());
    }
    std::exception_ptr cancelled;
    try {
      parent_->await_future(on_completed_);
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
    if (cancelled && !aborting_) {  // the parent task itself is being cancelled
      propagate_cancellation = cancelled;
      abort();
    }
    on_completed_.reset();
  }

  // Other errors take priority over propagating a cancellation.
  if (propagate_cancellation && errors_.empty()) std::rethrow_exception(propagate_cancellation);
  if (body_error && !body_cancelled) errors_.push_back(body_error);
  if (!errors_.empty()) throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors_));
}

ThreadId GroupCore::on_done(const std::shared_ptr<FutureCore>& task) {
  std::erase_if(tasks_, [&task](const auto& t) { return t == task; });
  if (on_completed_ && tasks_.empty() && !on_completed_->done()) on_completed_->set_finished();
  if (task->cancelled() || !task->exception()) return kNoThread;
  errors_.push_back(task->exception());
  if (parent_->done()) return kNoThread;  // CPython only logs this case
  if (!aborting_ && !parent_cancel_requested_) {
    // Abort whatever the body is awaiting; __aexit__ withdraws the cancellation.
    abort();
    parent_cancel_requested_ = true;
    parent_->cancel();
  }
  return kNoThread;
}

std::string GroupCore::describe_pending() const {
  std::string names;
  for (const std::shared_ptr<TaskCore>& task : tasks_) names += (names.empty() ? "" : ", ") + task->name();
  return "the tasks of its TaskGroup to finish (" + names + ")";
}

ThreadId GroupCore::producer() const { return tasks_.empty() ? kNoThread : tasks_.front()->thread(); }

}  // namespace sim::asyncio

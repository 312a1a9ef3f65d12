#include "sim/asyncio/event.hpp"

#include "sim/asyncio/task.hpp"
#include "sim/runtime.hpp"

#include <algorithm>
#include <utility>

namespace sim::asyncio {

Event::Event(std::string_view name) : id_(Runtime::current().register_object(name)), name_(name) {}

void Event::wait() {
  if (value_) return;
  TaskCore& task = running_task();
  auto waiter = std::make_shared<FutureCore>(task.loop(), id_, "event " + name_ + " to be set", "which nobody does");
  waiters_.push_back(waiter);
  try {
    task.await_future(waiter);
  } catch (const Cancelled&) {
    throw;  // the execution is over: this Event may already be gone
  } catch (...) {
    std::erase(waiters_, waiter);  // finally: self._waiters.remove(fut)
    throw;
  }
  std::erase(waiters_, waiter);
}

void Event::set() {
  if (value_) return;
  value_ = true;
  for (const std::shared_ptr<FutureCore>& waiter : waiters_) {
    if (!waiter->done()) waiter->set_finished();
  }
}

}  // namespace sim::asyncio

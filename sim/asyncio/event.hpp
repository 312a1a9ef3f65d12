// asyncio.Event: wait() suspends the running task until set(); set() wakes every waiter
// (each through its own future, as CPython's locks.Event does); clear() and is_set().
// Not thread-safe, as in CPython: only tasks of one loop may use it. A task waiting
// for an event nobody sets hangs, and the runtime reports it.
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/ids.hpp"

#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace sim::asyncio {

class Event {
 public:
  explicit Event(std::string_view name = "event");
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // `await event.wait()`: returns at once if set.
  void wait();
  void set();
  void clear() { value_ = false; }
  bool is_set() const { return value_; }

 private:
  ObjectId id_;
  std::string name_;
  bool value_ = false;
  std::deque<std::shared_ptr<FutureCore>> waiters_;
};

}  // namespace sim::asyncio

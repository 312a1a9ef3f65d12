// threading.Event (CPython 3.11): a flag with set(), clear(), is_set() and wait().
// Named ThreadingEvent because sim::Event is a recorded step (sim/execution.hpp).
// As in CPython, set() wakes every thread waiting at that moment, and each of them
// returns True from wait() even if clear() runs before it gets to run again (Python's
// Event.wait returns what Condition.wait returned); a thread that starts waiting
// after the clear() waits for the next set().
//
// Steps: set (kSet), clear (kClear), is_set (kRead, value 1/0) are one step each.
// wait() looks at the flag in one step (kWait, value 1 if it was set and wait returns
// at once, no value if it goes on waiting) and, if it was not set, waits in a second
// step for a set() or the timeout (kWait, value 1 if set, 0 if timed out): the look and
// the wait are separate steps so that a set()/clear() pair can fall between them.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

class ThreadingEvent final : public Waitable {
 public:
  explicit ThreadingEvent(std::string_view name = "event");
  ~ThreadingEvent() { runtime_->forget_waitable(*this); }
  ThreadingEvent(const ThreadingEvent&) = delete;
  ThreadingEvent& operator=(const ThreadingEvent&) = delete;

  void set();
  void clear();
  bool is_set();
  // wait(timeout=None): returns true once the flag is set (at once if it is set now),
  // false if `timeout` seconds of virtual time pass first (a timeout <= 0 only checks).
  bool wait(std::optional<double> timeout = std::nullopt);

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  Runtime* runtime_;
  ObjectId id_;
  bool flag_ = false;
  std::uint64_t sets_ = 0;             // set() calls so far
  std::vector<std::uint64_t> seen_;    // by ThreadId: sets_ when its current wait began
};

}  // namespace sim

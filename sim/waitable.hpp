// What a blocking operation waits for. A primitive hands the runtime a Waitable with
// the pending operation; the runtime asks `ready` when it computes the enabled set,
// so enabledness always reflects the primitive's current state (no wake-up lists to
// get wrong). The other two methods exist only to explain deadlocks.
#pragma once

#include "sim/ids.hpp"

#include <string>

namespace sim {

class Waitable {
 public:
  // True when `waiter`'s pending operation on this object can proceed now.
  virtual bool ready(ThreadId waiter) const = 0;
  // The thread whose progress `waiter` needs (a lock's owner, the worker running a
  // future's task, the joined thread), or kNoThread when no single thread is to blame.
  virtual ThreadId blocker(ThreadId waiter) const = 0;
  // Plain words for a report, e.g. "fork-1, held by philosopher-1".
  virtual std::string describe_wait(ThreadId waiter) const = 0;

 protected:
  ~Waitable() = default;
};

}  // namespace sim

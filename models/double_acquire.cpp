// Acquiring a lock twice in the same thread (seed 000, "Locks"). A Lock is not
// reentrant: the second acquire waits for the lock the thread already holds, forever
// (the seed's notebook cell had to be stopped with KeyboardInterrupt). `--rlock` uses
// an RLock, which the owner may acquire again: the program prints all three lines.
//
//   l = threading.Lock()                 # --rlock: l = threading.RLock()
//   print("before first acquire")
//   l.acquire()
//   print("before second acquire")
//   l.acquire()
//   print("acquired lock twice")
#include "models/all.hpp"
#include "sim/lock.hpp"
#include "sim/output.hpp"
#include "sim/rlock.hpp"

namespace models {

namespace {

template <typename LockType>
void double_acquire_program() {
  LockType l("l");
  sim::print("before first acquire");
  l.acquire();
  sim::print("before second acquire");
  l.acquire();
  sim::print("acquired lock twice");
}

}  // namespace

ModelSpec double_acquire_spec() {
  return {
      "double-acquire",
      "one thread acquires the same Lock twice: it waits for itself forever (an RLock does not)",
      "seed 000: l.acquire(); l.acquire()",
      {
          {"rlock", true, 0, 0, 1, "use an RLock (reentrant): no deadlock"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        if (p.flag("rlock")) return double_acquire_program<sim::RLock>;
        return double_acquire_program<sim::Lock>;
      },
  };
}

}  // namespace models

// threading.Barrier (CPython 3.11's cyclic barrier): `parties` threads call wait();
// the last to arrive runs the optional action, then all of them pass, each wait()
// returning the thread's arrival index (0 for the first to arrive, parties - 1 for
// the last, as in CPython's implementation; the docs only promise distinct values in
// 0..parties-1). The barrier then fills again for the next round; threads that arrive
// while the previous round is still leaving wait for it to drain first.
//
// Broken state: abort(), a wait() that times out, or an action that throws breaks the
// barrier; the threads waiting in it and every later wait() throw BrokenBarrierError
// (the action's own exception propagates from the last thread's wait). reset() makes
// threads waiting now throw BrokenBarrierError and returns the barrier to the filling
// state once they have left (at once if none is waiting).
//
// Steps: wait() enters in one step (kWait, value = arrival index; it blocks while the
// barrier drains or resets; the last to arrive records it after running the action,
// in the step that releases the barrier) and, unless it is the last to arrive, passes in a second
// (kWait, value = arrival index) when the barrier is released, broken or reset, or
// its timeout expires (then it breaks the barrier: kAbort). A wait that finds the
// barrier broken records kWait without a value; so does a timeout that expires while
// the action runs, before the extra step that waits for the barrier's lock. abort (kAbort), reset (kClear),
// n_waiting and broken (kRead, with the value) are one step each. The action runs
// while CPython's barrier holds its internal lock, so barrier operations of other
// threads (not n_waiting/broken, which CPython reads without the lock) wait for it.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// threading.BrokenBarrierError (a RuntimeError in Python).
struct BrokenBarrierError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BarrierOptions {
  std::string_view name = "barrier";
  std::function<void()> action = {};        // run by the last thread to arrive
  std::optional<double> timeout = {};       // the default timeout of wait(); none: wait forever
};

class Barrier final : public Waitable {
 public:
  // Barrier(parties, action=None, timeout=None). Like CPython 3.11, parties < 1 is not
  // rejected (such a barrier never trips).
  explicit Barrier(std::int64_t parties, BarrierOptions options = {});
  ~Barrier() { runtime_->forget_waitable(*this); }
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  // wait(timeout=None): returns the arrival index once all parties have arrived;
  // throws BrokenBarrierError if the barrier is or gets broken or reset. No timeout
  // means the barrier's default; a timeout <= 0 gives up at once if the barrier does
  // not trip, and breaks it.
  std::int64_t wait(std::optional<double> timeout = std::nullopt);
  void reset();
  void abort();
  std::int64_t parties() const { return parties_; }
  // Threads waiting in the current round (0 while draining, resetting or broken).
  std::int64_t n_waiting();
  bool broken();

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  enum class State : std::uint8_t { kFilling, kDraining, kResetting, kBroken };
  // What a thread parked on the barrier waits for.
  enum class Role : std::uint8_t {
    kNone,
    kEnter,    // _enter: the barrier to be filling (or broken)
    kRelease,  // _wait: the barrier to leave the filling state
    kLock,     // the barrier's lock, held while the action runs
  };

  bool park(OpKind kind, Role role, Nanos deadline);
  void exit_round();
  [[noreturn]] void throw_broken();

  Runtime* runtime_;
  ObjectId id_;
  std::int64_t parties_;
  std::function<void()> action_;
  std::optional<double> default_timeout_;
  State state_ = State::kFilling;
  std::int64_t count_ = 0;                // threads inside wait() (CPython's _count)
  ThreadId action_runner_ = kNoThread;    // the thread running the action, if any
  std::vector<Role> roles_;               // by ThreadId
};

}  // namespace sim

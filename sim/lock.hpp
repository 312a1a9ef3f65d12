// threading.Lock: non-reentrant; a second acquire by the owner blocks forever (a
// self-deadlock, as in CPython). Any thread may release it (CPython allows that for
// Lock); releasing an unlocked lock is a misuse finding (CPython raises RuntimeError).
// lock()/unlock() make it usable with std::scoped_lock, the C++ spelling of `with lock:`.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <string_view>

namespace sim {

// The argument checks of Lock.acquire and RLock.acquire, as CPython 3.11's
// lock_acquire_parse_args (Modules/_threadmodule.c), which both use. The documented
// signature is acquire(blocking=True, timeout=-1): "A timeout argument of -1 specifies
// an unbounded wait. It is forbidden to specify a timeout when blocking is False."
// Throws std::invalid_argument where CPython raises ValueError: any timeout but -1 with
// blocking=false ("can't specify a timeout for a non-blocking call"), a negative
// timeout other than -1 ("timeout value must be positive"), and NaN.
void check_acquire_arguments(bool blocking, double timeout);

class Lock final : public Waitable {
 public:
  explicit Lock(std::string_view name = "lock");
  ~Lock() { runtime_->forget_waitable(*this); }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  void acquire();
  // acquire(blocking=False) and acquire(timeout=t): true if acquired. A timed acquire
  // waits until the lock is free or the virtual clock reaches the timeout (with time
  // ignored, the timeout may expire at any scheduling point while the lock is held);
  // timeout 0 only tries. Bad arguments throw (see check_acquire_arguments).
  bool acquire(bool blocking, double timeout = -1);
  void release();
  bool locked() const { return owner_ != kNoThread; }

  void lock() { acquire(); }
  void unlock() { release(); }

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  Runtime* runtime_;
  ObjectId id_;
  ThreadId owner_ = kNoThread;  // the last acquirer while locked; kNoThread when unlocked
};

}  // namespace sim

// threading.Lock: non-reentrant; a second acquire by the owner blocks forever (a
// self-deadlock, as in CPython). Any thread may release it (CPython allows that for
// Lock); releasing an unlocked lock is a misuse finding (CPython raises RuntimeError).
// lock()/unlock() make it usable with std::scoped_lock, the C++ spelling of `with lock:`.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <string_view>

namespace sim {

class Lock final : public Waitable {
 public:
  explicit Lock(std::string_view name = "lock");
  ~Lock() { runtime_->forget_waitable(*this); }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  void acquire();
  // acquire(blocking=False) and acquire(timeout=t): true if acquired. A timed acquire
  // waits until the lock is free or the virtual clock reaches the timeout (with time
  // ignored, the timeout may expire at any scheduling point while the lock is held).
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

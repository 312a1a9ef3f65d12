// threading.RLock: a re-entrant lock with an owner and a recursion count, as in
// CPython 3.11 (_thread.RLock). The owner may acquire it again (the count goes up);
// it is free again once the owner has released it as many times as it acquired it.
// Releasing it from a thread that does not own it, or releasing it while unowned, is a
// misuse finding (CPython raises RuntimeError: cannot release un-acquired lock).
// lock()/unlock() make it usable with std::scoped_lock, the C++ spelling of `with r:`.
//
// Steps: every acquire and release is one visible step, nested ones included (kAcquire
// and kRelease record the count after the step; kTryAcquire records 1/0 for success).
// Condition uses the private release_save/acquire_restore pair, as CPython's Condition
// uses RLock._release_save/_acquire_restore, to release it fully while waiting.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sim {

class RLock final : public Waitable {
 public:
  explicit RLock(std::string_view name = "rlock");
  ~RLock() { runtime_->forget_waitable(*this); }
  RLock(const RLock&) = delete;
  RLock& operator=(const RLock&) = delete;

  // acquire(): blocks until the lock is free or already owned by the caller; then the
  // caller owns it and the count goes up by one.
  void acquire();
  // acquire(blocking, timeout), CPython's signature: timeout -1 means none. Returns
  // whether the lock was acquired (always true for the owner). Bad arguments throw
  // std::invalid_argument, as for Lock (see check_acquire_arguments in lock.hpp).
  bool acquire(bool blocking, double timeout = -1);
  // release(): the count goes down by one; at zero the lock is free. A release by a
  // thread that does not own it ends the execution with a misuse finding. Safe from
  // destructors (std::scoped_lock): it never throws.
  void release();

  void lock() { acquire(); }
  void unlock() { release(); }

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  friend class Condition;

  // RLock._is_owned(): whether `thread` owns the lock (no step).
  bool is_owned_by(ThreadId thread) const { return owner_ == thread && count_ > 0; }
  // RLock._release_save(): one visible release step that frees the lock whatever the
  // count; returns the count to restore. Precondition: the caller owns it.
  std::uint32_t release_save();
  // RLock._acquire_restore(count): blocks like acquire(), then owns it with `count`.
  void acquire_restore(std::uint32_t count);

  Runtime* runtime_;
  ObjectId id_;
  ThreadId owner_ = kNoThread;  // kNoThread exactly when count_ == 0
  std::uint32_t count_ = 0;     // acquisitions by owner_ not yet released
};

}  // namespace sim

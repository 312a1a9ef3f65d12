// threading.Condition over a Lock or an RLock (CPython 3.11 semantics): wait releases
// the lock (fully, for an RLock, restoring its count afterwards), waits for a notify
// or the timeout, and re-acquires the lock; notify(n) wakes at most n of the threads
// waiting *at that moment* (a notify with nobody waiting is lost, as in Python);
// wait/notify without holding the lock is a misuse finding (CPython: RuntimeError).
//
// Which waiter a notify wakes is a scheduling choice. CPython wakes the oldest waiters
// (FIFO), but its documentation promises no order, so the checker explores every
// choice. It does so lazily: notify(n) only grants k = min(n, waiters not yet woken)
// wake-ups, each usable by any thread that was already waiting when notify ran; a
// waiter's wait is enabled while such a wake-up is left, so the scheduler picks who
// wakes by picking which waiter runs. A waiter takes a wake-up from the oldest notify
// it may use: the waiters eligible for successive notifies are nested sets, so this
// greedy rule never strands a wake-up, and the runs are exactly those of some choice
// of woken threads at each notify (no more, no fewer).
//
// Steps of wait(): (1) the release of the lock (kRelease on the lock; the thread
// becomes a waiter within the same step, as CPython appends the waiter before
// releasing while holding the lock); (2) the wake-up or the timeout (kWait on the
// condition, value 1 if notified, 0 if timed out); (3) the re-acquire (kAcquire on the
// lock), which blocks like any acquire. notify is one step (kNotify, value = how many
// waiters it woke; over a Lock, preceded by a kRead of the Lock: whether it is locked,
// the ownership check, which another thread's release could change).
#pragma once

#include "sim/lock.hpp"
#include "sim/rlock.hpp"
#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

class Condition final : public Waitable {
 public:
  // Condition(): uses an RLock of its own, named "lock of <name>", as CPython's
  // Condition() creates an RLock.
  explicit Condition(std::string_view name = "condition");
  // Condition(lock): uses the caller's Lock or RLock, which must outlive it.
  explicit Condition(Lock& lock, std::string_view name = "condition");
  explicit Condition(RLock& lock, std::string_view name = "condition");
  ~Condition();
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;

  // The underlying lock's acquire and release (Condition.acquire/release, `with c:`);
  // release() never throws, so ~scoped_lock may call it.
  void acquire();
  bool acquire(bool blocking, double timeout = -1);
  void release();
  void lock() { acquire(); }
  void unlock() { release(); }

  // wait(timeout=None): releases the lock, waits until notified or until `timeout`
  // seconds of virtual time have passed (a timeout <= 0 only checks for a pending
  // notify), re-acquires the lock. Returns false if it timed out. Precondition (else a
  // misuse finding): the caller holds the lock (for a Lock: the Lock is locked, which
  // is all CPython can check).
  bool wait(std::optional<double> timeout = std::nullopt);
  // wait_for(predicate, timeout=None): CPython's loop: while the predicate is false,
  // wait, up to `timeout` in total; returns the predicate's last value. With time
  // ignored (RunOptions::ignore_time) a timed wait_for waits at most once.
  template <typename Predicate>
  bool wait_for(Predicate predicate, std::optional<double> timeout = std::nullopt);
  // notify(n=1): wakes up to n of the threads waiting now (see the top of the file).
  // notify_all(): all of them. Precondition as for wait().
  void notify(std::int64_t n = 1);
  void notify_all();

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  struct WaiterSlot {
    std::uint64_t seq = 0;  // order in which the thread started its current wait
    bool waiting = false;
  };
  // The wake-ups granted by one notify, usable by waiters with seq < cutoff.
  struct WakeGroup {
    std::uint64_t cutoff = 0;
    std::uint64_t left = 0;  // invariant: > 0 while in groups_
  };

  Nanos deadline_for(double timeout) const;
  bool wait_until(Nanos deadline);
  bool is_owned() const;
  void check_owned_for_notify();
  [[noreturn]] void misuse(OpKind op, const char* python_error);
  void notify_up_to(std::uint64_t n);
  const std::string& lock_name() const;

  Runtime* runtime_;
  ObjectId id_;
  std::unique_ptr<RLock> own_lock_;  // Condition() only
  Lock* lock_ = nullptr;             // exactly one of lock_ and rlock_ is set
  RLock* rlock_ = nullptr;
  std::vector<WaiterSlot> slots_;    // by ThreadId
  std::vector<WakeGroup> groups_;    // oldest first; cutoffs strictly increasing
  std::uint64_t next_seq_ = 0;
  std::uint64_t waiting_ = 0;        // threads in a wait, not yet woken or timed out
  std::uint64_t granted_ = 0;        // sum of groups_[i].left; invariant: <= waiting_
};

template <typename Predicate>
bool Condition::wait_for(Predicate predicate, std::optional<double> timeout) {
  bool result = static_cast<bool>(predicate());
  Nanos end = kNever;
  bool waited = false;
  while (!result) {
    if (timeout) {
      if (!waited) {
        end = deadline_for(*timeout);  // endtime = _time() + waittime
      } else if (runtime_->now() >= end) {
        break;                         // waittime = endtime - _time() <= 0
      }
    }
    waited = true;
    wait_until(end);
    result = static_cast<bool>(predicate());
  }
  return result;
}

}  // namespace sim

// threading.Semaphore and threading.BoundedSemaphore (CPython 3.11): a counter that
// acquire() decrements, blocking while it is 0, and release(n) increments. CPython
// builds them on a Condition over a Lock; every operation runs entirely under that
// lock, so each is modeled as one atomic step: acquire (kAcquire; kTryAcquire for the
// non-blocking and timed forms) and release (kRelease). kAcquire and kRelease record
// the counter's value after the step, kTryAcquire 1/0 for success. Which blocked
// acquirer gets a released permit is the scheduler's choice: CPython promises no order
// either (its acquire() docstring: "The implementation may pick one at random").
//
// Semaphore(value < 0) throws std::invalid_argument (CPython: ValueError). Releasing a
// BoundedSemaphore above its initial value is a misuse finding (CPython: ValueError
// "Semaphore released too many times"). For deadlock reports only, the semaphore
// remembers which threads acquired permits they have not released.
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

class Semaphore : public Waitable {
 public:
  explicit Semaphore(std::int64_t value = 1, std::string_view name = "semaphore");
  ~Semaphore() { runtime_->forget_waitable(*this); }
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // acquire(): blocks until the counter is above 0, then decrements it.
  void acquire();
  // acquire(blocking=True, timeout=None): returns whether a permit was taken.
  // blocking=false never blocks; a timeout (seconds of virtual time; <= 0 only checks)
  // gives up when it expires. Throws std::invalid_argument for a timeout given with
  // blocking=false (CPython: ValueError).
  bool acquire(bool blocking, std::optional<double> timeout = std::nullopt);
  // release(n=1): adds n permits. Throws std::invalid_argument for n < 1 (CPython:
  // ValueError). Safe from destructors (std::scoped_lock): it never throws there.
  void release(std::int64_t n = 1);

  // `with s:` through std::scoped_lock.
  void lock() { acquire(); }
  void unlock() { release(); }

  ObjectId id() const { return id_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 protected:
  Semaphore(std::int64_t value, std::string_view name, bool bounded);

 private:
  void take(ThreadId thread);

  Runtime* runtime_;
  ObjectId id_;
  std::int64_t value_;
  std::int64_t initial_;
  bool bounded_;
  std::vector<ThreadId> holders_;  // one entry per permit taken and not released by its taker
};

class BoundedSemaphore final : public Semaphore {
 public:
  explicit BoundedSemaphore(std::int64_t value = 1, std::string_view name = "semaphore")
      : Semaphore(value, name, true) {}
};

}  // namespace sim

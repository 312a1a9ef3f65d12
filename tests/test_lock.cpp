// The arguments of Lock.acquire and RLock.acquire against CPython 3.11, where both go
// through the same parser (lock_acquire_parse_args): -1 is the unbounded wait, 0 only
// tries, any other negative timeout and any timeout with blocking=False raise
// ValueError, and NaN is rejected. Lock and RLock must answer every case alike.
#include "support.hpp"

#include "sim/rlock.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

struct Call {
  bool blocking;
  double timeout;
  std::string expected;  // "acquired", "refused" or CPython's ValueError message
};

// What acquire(blocking, timeout) does on a lock nobody holds, then on one another
// thread holds (it gives the lock up after 1 s of virtual time), as CPython 3.11 does.
const std::vector<Call> kFreeLockCalls = {
    {true, -1, "acquired"},
    {true, 0, "acquired"},
    {true, 0.5, "acquired"},
    {false, -1, "acquired"},  // the default timeout, spelled out: allowed
    {false, 0, "can't specify a timeout for a non-blocking call"},
    {false, 0.5, "can't specify a timeout for a non-blocking call"},
    {false, -2, "can't specify a timeout for a non-blocking call"},  // checked first
    {true, -2, "timeout value must be positive"},
    {true, -0.5, "timeout value must be positive"},
    {true, std::nan(""), "Invalid value NaN (not a number)"},
};

// acquire(blocking, timeout) while another thread holds the lock for 1 s.
const std::vector<Call> kHeldLockCalls = {
    {true, -1, "acquired"},   // waits the whole second
    {true, 2, "acquired"},    // the holder lets go at 1 s, before the timeout
    {true, 0.5, "refused"},   // times out at 0.5 s
    {true, 0, "refused"},     // only tries
    {false, -1, "refused"},
};

template <typename AnyLock>
std::string attempt(AnyLock& lock, const Call& call) {
  try {
    const bool got = lock.acquire(call.blocking, call.timeout);
    if (got) lock.release();
    return got ? "acquired" : "refused";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

template <typename AnyLock>
std::vector<std::string> on_free_lock() {
  std::vector<std::string> results;
  const sim::ExecutionRecord record = test::run_once([&results] {
    AnyLock lock("L");
    for (const Call& call : kFreeLockCalls) results.push_back(attempt(lock, call));
  });
  CHECK_FALSE(record.finding.has_value());
  return results;
}

// Each call in a fresh execution, against a holder that sleeps 1 s with the lock.
template <typename AnyLock>
std::vector<std::string> on_held_lock() {
  std::vector<std::string> results;
  for (const Call& call : kHeldLockCalls) {
    const sim::ExecutionRecord record = test::run_once([&results, &call] {
      AnyLock lock("L");
      sim::Thread holder([&lock] {
        lock.acquire();
        sim::sleep(1);
        lock.release();
      });
      holder.start();
      sim::sleep(0.1);  // the holder has the lock by now
      results.push_back(attempt(lock, call));
      holder.join();
    });
    CHECK_FALSE(record.finding.has_value());
  }
  return results;
}

std::vector<std::string> expected_of(const std::vector<Call>& calls) {
  std::vector<std::string> expected;
  for (const Call& call : calls) expected.push_back(call.expected);
  return expected;
}

}  // namespace

TEST_SUITE("threading: Lock") {

TEST_CASE("acquire's arguments: Lock and RLock both follow CPython's parser") {
  CHECK(on_free_lock<sim::Lock>() == expected_of(kFreeLockCalls));
  CHECK(on_free_lock<sim::RLock>() == expected_of(kFreeLockCalls));
}

TEST_CASE("acquire's timeouts on a held lock: -1 waits, a timeout expires on the virtual clock, 0 only tries") {
  CHECK(on_held_lock<sim::Lock>() == expected_of(kHeldLockCalls));
  CHECK(on_held_lock<sim::RLock>() == expected_of(kHeldLockCalls));
}

TEST_CASE("a refused timed acquire returns at its deadline, a granted one when the holder lets go") {
  for (const auto& [timeout, acquired, at] :
       std::vector<std::tuple<double, bool, sim::Nanos>>{{0.5, false, 600'000'000}, {2, true, 1'000'000'000}}) {
    CAPTURE(timeout);
    const sim::ExecutionRecord record = test::run_once([timeout] {
      sim::Lock lock("L");
      sim::Thread holder([&lock] {
        lock.acquire();
        sim::sleep(1);
        lock.release();
      });
      holder.start();
      sim::sleep(0.1);
      const bool got = lock.acquire(true, timeout);
      if (got) lock.release();
      holder.join();
    });
    const sim::Event* tried = nullptr;
    for (const sim::Event& e : record.events) {
      if (e.kind == sim::OpKind::kTryAcquire) tried = &e;
    }
    REQUIRE(tried != nullptr);
    CHECK(tried->thread == sim::kMainThread);
    CHECK(tried->value == (acquired ? 1 : 0));
    CHECK(tried->time == at);  // 0.1 s + 0.5 s, or the holder's release at 1 s
  }
}

}  // TEST_SUITE

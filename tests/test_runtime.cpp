// Per-primitive behaviour of the runtime, against the Python semantics models rely on:
// Lock (non-reentrant, try/timed acquire, release misuse), Thread (start/join/is_alive,
// names, daemons, joins at exit), findings raised by the runtime itself (uncaught
// exceptions, the step bound, misuse), and the executor with its futures.
#include "support.hpp"

#include "sim/executor.hpp"
#include "sim/future.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::size_t count_events(const sim::ExecutionRecord& record, sim::ThreadId thread, sim::OpKind kind) {
  std::size_t n = 0;
  for (const sim::Event& e : record.events) n += e.thread == thread && e.kind == kind;
  return n;
}

// Every execution of `model` (exhaustive DFS), which must find nothing.
checker::ExploreResult explore_clean(bool ignore_time, const std::function<void()>& main) {
  checker::ExploreOptions options = test::dfs_all();
  options.ignore_time = ignore_time;
  const checker::ExploreResult result = checker::explore(test::inline_model("inline", main), options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  return result;
}

checker::ExploreResult explore_clean(const std::function<void()>& main) { return explore_clean(false, main); }

}  // namespace

TEST_SUITE("runtime: Lock") {

TEST_CASE("a second acquire by the owner deadlocks (Lock is not reentrant)") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Lock lock("L");
    lock.acquire();
    lock.acquire();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(record.finding->message == "no thread can run, and 1 thread has not finished");
  REQUIRE(record.finding->blocked.size() == 1);
  const sim::BlockedThread& b = record.finding->blocked[0];
  CHECK(b.thread == sim::kMainThread);
  CHECK(b.op == sim::OpKind::kAcquire);
  CHECK(record.object_names.at(b.object) == "L");
  CHECK(b.blocker == sim::kMainThread);
  CHECK(b.waits_for == "L, which it already holds itself (Lock is not reentrant)");
}

TEST_CASE("acquire(blocking=false) and acquire(timeout) return whether the lock was taken") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Lock lock("L");
    std::string r;
    const auto note = [&r](bool ok) { r += ok ? 'T' : 'F'; };
    note(lock.acquire(false));       // free: taken
    note(lock.acquire(false));       // held (by us): not taken, no deadlock
    note(lock.acquire(true, 0.5));   // held: times out
    note(lock.locked());
    lock.release();
    note(lock.locked());
    note(lock.acquire(true, 0.5));   // free: taken
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("TFFTFT")});

  // try-acquire steps record their result as the value 1/0.
  std::string values;
  for (const sim::Event& e : record.events) {
    if (e.kind != sim::OpKind::kTryAcquire) continue;
    CHECK(e.has_value);
    values += e.value == 1 ? 'T' : 'F';
  }
  CHECK(values == "TFFT");
}

TEST_CASE("try-acquire results over every schedule with a competing thread") {
  for (const bool ignore_time : {true, false}) {
  for (const double timeout : {-1.0, 0.25}) {
    CAPTURE(timeout);
    CAPTURE(ignore_time);
    const bool blocking = timeout >= 0;  // acquire(false) or acquire(true, timeout)
    const checker::ExploreResult result = explore_clean(ignore_time, [blocking, timeout] {
      sim::Lock lock("L");
      sim::Thread holder([&lock] {
        lock.acquire();
        lock.release();
      });
      holder.start();
      const bool got = lock.acquire(blocking, timeout);
      if (got) lock.release();
      holder.join();
      sim::outcome(std::int64_t{got});
    });
    if (blocking && !ignore_time) {
      // The holder never sleeps, so the clock cannot reach the timeout before it releases.
      CHECK(test::int_outcomes(result) == std::set<std::int64_t>{1});
    } else {
      // Taken when the holder is before or after its critical section, refused inside it.
      CHECK(test::int_outcomes(result) == std::set<std::int64_t>{0, 1});
    }
  }
  }
}

TEST_CASE("a timed acquire times out at its deadline on the virtual clock") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Lock lock("L");
    sim::Thread holder([&lock] {
      lock.acquire();
      sim::sleep(1.0);
      lock.release();
    });
    holder.start();
    sim::sleep(0.1);  // let the holder take the lock first
    const bool got = lock.acquire(true, 0.25);
    sim::outcome(std::int64_t{got});
    holder.join();
  });
  CHECK(record.outcome == sim::Outcome{std::int64_t{0}});
  CHECK(record.duration == 1'000'000'000);  // the holder's sleep ends last, at 1 s
  // The failed acquire happened at 0.1 + 0.25 s.
  bool seen = false;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kTryAcquire) {
      CHECK(e.time == 350'000'000);
      seen = true;
    }
  }
  CHECK(seen);
}

TEST_CASE("releasing an unlocked lock is a misuse finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Lock lock("L");
    lock.acquire();
    lock.release();
    lock.release();
    sim::outcome("after the second release");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kMisuse);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message ==
        "release of L, which is not locked (Python raises RuntimeError: release unlocked lock)");
  CHECK_FALSE(record.outcome.has_value());  // the execution ended at the misuse
}

TEST_CASE("any thread may release a Lock (CPython allows it for Lock)") {
  const checker::ExploreResult result = explore_clean([] {
    sim::Lock lock("L");
    sim::Thread t([&lock] { lock.acquire(); });
    t.start();
    t.join();
    lock.release();
    sim::outcome(std::int64_t{lock.locked()});
  });
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{0});
}

TEST_CASE("a lock makes a critical section atomic with std::scoped_lock") {
  const checker::ExploreResult result = explore_clean([] {
    sim::Lock lock("L");
    sim::Shared<std::int64_t> x("x", 0);
    auto bump = [&] {
      std::scoped_lock with(lock);
      x.store(x.load() + 1);
    };
    sim::Thread a(bump), b(bump);
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(x.load());
  });
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

}  // TEST_SUITE

TEST_SUITE("runtime: Thread") {

TEST_CASE("default names are Thread-N, given names are kept") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread a([] {});
    sim::Thread b([] {});
    sim::Thread named([] {}, "worker");
    std::string names = a.name() + "," + b.name() + "," + named.name();
    sim::outcome(names);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("Thread-1,Thread-2,worker")});
  CHECK(record.thread_names == std::vector<std::string>{"main", "Thread-1", "Thread-2", "worker"});
}

TEST_CASE("default names count unnamed threads only, as CPython's _newname does") {
  // CPython: Thread(name="worker") does not consume a number, so the next unnamed
  // thread is Thread-1 (Python 3.10+ also appends " (target)" to the default name).
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread named([] {}, "worker");
    sim::Thread a([] {});
    sim::outcome(a.name());
  });
  CHECK(record.outcome == sim::Outcome{std::string("Thread-1")});
}

TEST_CASE("start, is_alive, join") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread t([&x] { x.store(1); });
    std::string alive;
    const auto note = [&] { alive += t.is_alive() ? 'A' : '-'; };
    note();        // not started
    t.start();
    note();        // started, parked at its store
    t.join();
    note();        // finished
    sim::outcome(alive + std::to_string(x.load()));
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("-A-1")});
  CHECK(count_events(record, 1, sim::OpKind::kFinish) == 1);
  CHECK(count_events(record, sim::kMainThread, sim::OpKind::kStart) == 1);
  CHECK(count_events(record, sim::kMainThread, sim::OpKind::kJoin) == 1);
}

// Runs the highest-numbered enabled thread, checking the enabled set is in id order.
class LastEnabled final : public sim::Scheduler {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) override {
    CHECK(std::is_sorted(enabled.begin(), enabled.end()));
    return enabled.back();
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
};

// decide() keeps threads 0..63 as bits and reads the statuses of the others: threads
// past 63 are offered, blocked and reported as deadlocked just the same.
TEST_CASE("threads numbered past 63 are scheduled like the others") {
  constexpr int kWorkers = 70;
  const auto program = [](bool release) {
    return [release] {
      sim::Shared<std::int64_t> x("x", 0);
      sim::Lock lock("lock");
      lock.acquire();
      std::vector<sim::Thread> workers;
      workers.reserve(kWorkers);
      for (int i = 0; i < kWorkers; ++i) {
        workers.emplace_back([&] {
          std::scoped_lock with_lock(lock);
          x.store(x.load() + 1);
        });
      }
      for (sim::Thread& t : workers) t.start();  // each parks waiting for the lock
      if (release) lock.release();
      for (sim::Thread& t : workers) t.join();
      sim::outcome(x.load());
    };
  };
  for (const bool last : {false, true}) {
    CAPTURE(last);
    sim::Runtime runtime;
    test::FirstEnabled first;
    LastEnabled highest;
    sim::Scheduler& scheduler = last ? static_cast<sim::Scheduler&>(highest) : first;
    const sim::ExecutionRecord& done = runtime.run(program(true), scheduler, {});
    CHECK_FALSE(done.finding.has_value());
    CHECK(done.outcome == sim::Outcome{std::int64_t{kWorkers}});
    const sim::ExecutionRecord& stuck = runtime.run(program(false), scheduler, {});
    REQUIRE(stuck.finding.has_value());
    CHECK(stuck.finding->kind == sim::FindingKind::kDeadlock);
    CHECK(stuck.finding->blocked.size() == kWorkers + 1);  // every worker, and main in its join
  }
}

TEST_CASE("daemon() reports the flag") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread d([] {}, "d", true);
    sim::Thread n([] {}, "n", false);
    sim::outcome(std::string(d.daemon() ? "D" : "-") + (n.daemon() ? "D" : "-"));
  });
  CHECK(record.outcome == sim::Outcome{std::string("D-")});
}

TEST_CASE("starting a thread twice is misuse") {
  for (const bool join_first : {false, true}) {
    CAPTURE(join_first);
    const sim::ExecutionRecord record = test::run_once([join_first] {
      sim::Thread t([] { sim::yield(); });
      t.start();
      if (join_first) t.join();
      t.start();
      sim::outcome("started twice");
    });
    REQUIRE(record.finding.has_value());
    CHECK(record.finding->kind == sim::FindingKind::kMisuse);
    CHECK(record.finding->thread == sim::kMainThread);
    CHECK(record.finding->message == "threads can only be started once");
    CHECK_FALSE(record.outcome.has_value());
  }
}

TEST_CASE("joining a thread that was never started, or oneself, is misuse") {
  const sim::ExecutionRecord not_started = test::run_once([] {
    sim::Thread t([] {});
    t.join();
  });
  REQUIRE(not_started.finding.has_value());
  CHECK(not_started.finding->kind == sim::FindingKind::kMisuse);
  CHECK(not_started.finding->message == "cannot join thread Thread-1 before it is started");

  const sim::ExecutionRecord self = test::run_once([] {
    sim::Thread* handle = nullptr;
    sim::Thread t([&handle] { handle->join(); });
    handle = &t;
    t.start();
    t.join();
  });
  REQUIRE(self.finding.has_value());
  CHECK(self.finding->kind == sim::FindingKind::kMisuse);
  CHECK(self.finding->thread == 1);
  CHECK(self.finding->message == "a thread cannot join itself (Python: RuntimeError)");
}

TEST_CASE("a daemon blocked on an object at main exit is cut off idle: reported, not a bug") {
  const auto model = [] {
    sim::Lock lock("L");
    lock.acquire();
    sim::Thread waiter([&lock] { lock.acquire(); }, "waiter", true);
    waiter.start();
  };
  const sim::ExecutionRecord record = test::run_once(model);
  CHECK_FALSE(record.finding.has_value());
  REQUIRE(record.cut_off_daemons.size() == 1);
  CHECK(record.cut_off_daemons[0].thread == 1);
  CHECK(record.cut_off_daemons[0].doing == "blocked waiting for L, held by main");
  CHECK(count_events(record, 1, sim::OpKind::kFinish) == 0);

  // The checker keeps the first execution that cut daemons off, and reports no bug.
  const checker::ExploreResult result = checker::explore(test::inline_model("daemons", model), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  REQUIRE(result.cut_off_example.has_value());
  CHECK(result.cut_off_example->cut_off_daemons.size() == 1);
  CHECK_FALSE(result.cut_off_example->finding.has_value());
}

TEST_CASE("a daemon that could still run at main exit is cut off mid-work: a finding") {
  // A daemon about to perform a step, and one blocked on a lock the main thread holds.
  const auto model = [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Lock lock("L");
    lock.acquire();
    sim::Thread spinner([&x] { for (int i = 0; i < 3; ++i) x.load(); }, "spinner", true);
    sim::Thread waiter([&lock] { lock.acquire(); }, "waiter", true);
    spinner.start();
    waiter.start();
  };
  const sim::ExecutionRecord record = test::run_once(model);
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDaemonCutOff);
  CHECK(record.finding->thread == 1);
  CHECK(record.finding->message ==
        "the main thread finished and Python killed daemon threads that still had work to do: "
        "spinner was about to load x");
  // Handles go away in reverse order of declaration: the waiter is cut off first.
  REQUIRE(record.cut_off_daemons.size() == 2);
  CHECK(record.cut_off_daemons[0].thread == 2);
  CHECK(record.cut_off_daemons[0].doing == "blocked waiting for L, held by main");
  CHECK_FALSE(record.cut_off_daemons[0].mid_work);
  CHECK(record.cut_off_daemons[1].thread == 1);
  CHECK(record.cut_off_daemons[1].doing == "about to load x");
  CHECK(record.cut_off_daemons[1].mid_work);

  // A sleeping daemon is mid-work too: it is only waiting for the clock.
  const sim::ExecutionRecord sleeping = test::run_once([] {
    sim::Thread napper([] { sim::sleep(1); }, "napper", true);
    napper.start();
  });
  REQUIRE(sleeping.finding.has_value());
  CHECK(sleeping.finding->kind == sim::FindingKind::kDaemonCutOff);
}

TEST_CASE("a daemon cut off while blocked on an object the main thread destroyed") {
  // The daemon waits on a heap-allocated lock that main's scope owns. By the time
  // main has returned, the lock is gone; describing the cut-off daemon must not touch it.
  const sim::ExecutionRecord record = test::run_once([] {
    auto lock = std::make_unique<sim::Lock>("L");
    lock->acquire();
    sim::Thread waiter([&lock] { lock->acquire(); }, "waiter", true);
    waiter.start();
  });
  CHECK_FALSE(record.finding.has_value());
  REQUIRE(record.cut_off_daemons.size() == 1);
  CHECK(record.cut_off_daemons[0].doing == "blocked waiting for L, held by main");
}

TEST_CASE("a daemon that finishes before main exits is not cut off") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread d([] {}, "d", true);
    d.start();  // no visible step: it runs to the end at once
  });
  CHECK(record.cut_off_daemons.empty());
  CHECK(count_events(record, 1, sim::OpKind::kFinish) == 1);
}

// Runs the lowest-numbered enabled thread and notes the thread each decision is for.
class FirstEnabledNotingCurrent final : public sim::Scheduler {
 public:
  std::vector<sim::ThreadId> currents;
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current, std::uint32_t) override {
    currents.push_back(current);
    return enabled.front();
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
};

// The joiner of a finishing thread makes that thread's decision at its own next
// visible operation (the runtime saves switching back): the scheduler and the record
// must still see the finished thread's scheduling point.
TEST_CASE("the decision after a thread finishes is its own, even when its joiner makes it") {
  sim::Runtime runtime;
  FirstEnabledNotingCurrent scheduler;
  const sim::ExecutionRecord& record = runtime.run(
      [] {
        sim::Shared<std::int64_t> x("x", 0);
        sim::Thread t([&x] { x.store(1); });
        t.start();  // t parks at its store
        t.join();   // main blocks: t stores and finishes; main is woken and loads
        sim::outcome(x.load());
      },
      scheduler, {});
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  CHECK(record.choices == std::vector<sim::ThreadId>{1, 0});
  CHECK(record.reasons == std::vector<sim::SwitchReason>{sim::SwitchReason::kBlocked, sim::SwitchReason::kFinished});
  CHECK(scheduler.currents == std::vector<sim::ThreadId>{sim::kMainThread, 1});
}

TEST_CASE("non-daemon threads are joined when main exits") {
  // The handle outlives the main thread (placement new, never destroyed), so the
  // runtime's own exit join, not the handle's destructor, must finish the thread.
  alignas(sim::Thread) unsigned char storage[sizeof(sim::Thread)];
  const auto model = [&storage] {
    auto* t = new (storage) sim::Thread([] {
      sim::yield();
      sim::yield();
      sim::outcome("worker finished");
    });
    t->start();
  };
  const sim::ExecutionRecord record = test::run_once(model);
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.cut_off_daemons.empty());
  CHECK(record.outcome == sim::Outcome{std::string("worker finished")});
  CHECK(count_events(record, 1, sim::OpKind::kYield) == 2);
  CHECK(count_events(record, sim::kMainThread, sim::OpKind::kJoin) == 1);

  const checker::ExploreResult result = checker::explore(test::inline_model("exit-join", model), test::dfs_all());
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) == std::set<std::string>{"worker finished"});
  CHECK_FALSE(result.cut_off_example.has_value());
}

TEST_CASE("a Thread handle going out of scope on main joins its thread") {
  const checker::ExploreResult result = explore_clean([] {
    sim::Shared<std::int64_t> x("x", 0);
    {
      sim::Thread t([&x] { x.store(x.load() + 1); });
      t.start();
    }  // joined here, so x outlives the thread
    sim::outcome(x.load());
  });
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{1});
}

TEST_CASE("an uncaught exception in a thread is a finding naming the thread") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread t([] {
      sim::yield();
      throw std::runtime_error("boom");
    }, "thrower");
    t.start();
    t.join();
    sim::outcome("main went on");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(record.finding->thread == 1);
  CHECK(record.finding->message == "boom");
  CHECK_FALSE(record.outcome.has_value());

  const sim::ExecutionRecord odd = test::run_once([] { throw 42; });
  REQUIRE(odd.finding.has_value());
  CHECK(odd.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(odd.finding->thread == sim::kMainThread);
  CHECK(odd.finding->message == "an exception of unknown type");
}

// C++ exception state is per OS thread, and every modeled thread is a fiber on one OS
// thread: the runtime swaps it at each switch (sim/exception_state.hpp). Each thread
// reaches a scheduling point inside its catch block, so in most interleavings both are
// handling an exception at once; `throw;` must rethrow the thread's own exception.
TEST_CASE("a thread that switches inside a catch block rethrows its own exception") {
  const checker::ExploreResult result = explore_clean(true, [] {
    std::string seen[2];
    const auto worker = [&seen](int me) {
      try {
        throw std::runtime_error(me == 0 ? "first" : "second");
      } catch (...) {
        sim::yield();  // the other thread may enter its own catch block here
        try {
          throw;
        } catch (const std::runtime_error& error) {
          seen[me] = error.what();
        }
        sim::yield();
      }
    };
    sim::Thread a([&] { worker(0); });
    sim::Thread b([&] { worker(1); });
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(seen[0] + "," + seen[1]);
  });
  CHECK(result.executions > 1);  // the catch blocks do overlap in some
  CHECK(test::string_outcomes(result) == std::set<std::string>{"first,second"});
}

// std::uncaught_exceptions() counts exceptions in flight on the running thread only: a
// thread parked in a destructor during unwinding must not make another thread's count
// non-zero (std::scoped_lock-like guards and transactions test it to commit or roll back).
TEST_CASE("a thread parked while unwinding does not count as in flight for other threads") {
  struct CheckOnUnwind {
    int& in_flight;
    ~CheckOnUnwind() {
      if (!sim::Runtime::current().try_visible(sim::OpKind::kYield, sim::kNoObject)) return;
      in_flight = std::uncaught_exceptions();
    }
  };
  const checker::ExploreResult result = explore_clean(true, [] {
    int unwinding = -1;
    int calm = -1;
    sim::Thread a([&unwinding] {
      try {
        CheckOnUnwind check{unwinding};
        throw std::runtime_error("unwind");
      } catch (const std::runtime_error&) {
      }
    });
    sim::Thread b([&calm] {
      sim::yield();
      calm = std::uncaught_exceptions();
      sim::yield();
    });
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(std::to_string(unwinding) + "," + std::to_string(calm));
  });
  CHECK(result.executions > 1);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"1,0"});
}

TEST_CASE("a failing check is an assertion finding with the model's message") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::outcome(std::int64_t{7});
    sim::check(true, "fine");
    sim::check(false, "seven is not allowed");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kAssertion);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message == "seven is not allowed");
  CHECK(record.outcome == sim::Outcome{std::int64_t{7}});
}

TEST_CASE("after a failed check the thread stops at its next visible operation") {
  // Like a Python assert: code up to the next visible step still runs (it is part of
  // the same atomic step), but nothing it does is observed: no outcome, no step.
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::check(false, "first");
    sim::outcome("after the check");
    x.store(1);
    sim::check(false, "second");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->message == "first");  // the first finding wins
  CHECK_FALSE(record.outcome.has_value());
  CHECK(count_events(record, sim::kMainThread, sim::OpKind::kStore) == 0);
}

TEST_CASE("a failed check in a thread names that thread and ends the execution") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread t([&x] {
      sim::check(x.load() == 1, "x is not 1 yet");
      x.store(2);
    }, "checker");
    t.start();
    t.join();
    sim::outcome(x.load());
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kAssertion);
  CHECK(record.finding->thread == 1);
  CHECK(record.finding->message == "x is not 1 yet");
  CHECK(count_events(record, 1, sim::OpKind::kStore) == 0);
  CHECK_FALSE(record.outcome.has_value());
}

TEST_CASE("an endless loop of visible steps hits the step bound") {
  constexpr std::uint32_t kBound = 100;
  const sim::ExecutionRecord record = test::run_once(
      [] {
        sim::Shared<std::int64_t> flag("flag", 0);
        while (flag.load() == 0) {
        }
      },
      kBound);
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kStepBound);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message ==
        "the execution went over the bound of " + std::to_string(kBound) +
            " scheduling points: a loop that never finishes (a spin loop without a blocking "
            "operation, or a livelock)?");
  // Every scheduling point was one load; the one over the bound never ran.
  CHECK(record.choices.size() == kBound);
  CHECK(count_events(record, sim::kMainThread, sim::OpKind::kLoad) == kBound);

  // Through the checker: a spin-wait on a flag nobody sets, in two threads.
  checker::ExploreOptions options = test::dfs_first_bug();
  options.max_steps = kBound;
  const checker::ExploreResult result = checker::explore(test::inline_model("spin", [] {
    sim::Shared<std::int64_t> flag("flag", 0);
    sim::Thread t([&flag] { while (flag.load() == 0) {} });
    t.start();
    while (flag.load() == 0) {
    }
  }), options);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].trace.finding->kind == sim::FindingKind::kStepBound);
  CHECK(result.bugs[0].trace.choices.size() == kBound);
}

TEST_CASE("shared loads and stores record their values") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Shared<std::int64_t> x("x", 5);
    x.store(x.load() * 2);
    sim::outcome(x.load());
  });
  REQUIRE(record.events.size() >= 3);
  std::vector<std::pair<sim::OpKind, std::int64_t>> seen;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kLoad || e.kind == sim::OpKind::kStore) {
      CHECK(e.has_value);
      CHECK(record.object_names.at(e.object) == "x");
      seen.emplace_back(e.kind, e.value);
    }
  }
  CHECK(seen == std::vector<std::pair<sim::OpKind, std::int64_t>>{
                    {sim::OpKind::kLoad, 5}, {sim::OpKind::kStore, 10}, {sim::OpKind::kLoad, 10}});
}

TEST_CASE("primitives used outside a model run are a usage error") {
  CHECK_THROWS_AS(sim::Lock("outside"), sim::UsageError);
  CHECK_THROWS_AS(sim::Thread([] {}), sim::UsageError);
  CHECK_THROWS_AS(sim::yield(), sim::UsageError);
}

}  // TEST_SUITE

TEST_SUITE("runtime: executor") {

TEST_CASE("futures give their tasks' results on every schedule") {
  const checker::ExploreResult result = explore_clean([] {
    sim::ThreadPoolExecutor pool(2);
    sim::Future<int> a = pool.submit([] { return 20; });
    sim::Future<int> b = pool.submit([] {
      sim::yield();
      return 22;
    });
    // A task returning nothing (Future<void>) does not compile yet: sim/future.hpp's
    // TypedFutureState<void>::value() forms `const void&`. Reported to the lead.
    sim::outcome(std::int64_t{a.result() + b.result()});
  });
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{42});
}

TEST_CASE("done() is true once result() has returned; shutdown(wait) finishes every task") {
  const checker::ExploreResult result = explore_clean([] {
    sim::ThreadPoolExecutor pool(2);
    sim::Future<int> a = pool.submit([] { return 1; });
    sim::Future<int> b = pool.submit([] { return 2; });
    a.result();
    const bool a_done = a.done();
    pool.shutdown(true);
    sim::outcome(std::string(a_done ? "a" : "-") + (b.done() ? "b" : "-") + (b.running() ? "r" : "-"));
  });
  CHECK(test::string_outcomes(result) == std::set<std::string>{"ab-"});
}

TEST_CASE("a task's exception is stored and re-thrown by result()") {
  const checker::ExploreResult result = explore_clean([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
    try {
      f.result();
      sim::outcome("no exception");
    } catch (const std::runtime_error& e) {
      sim::outcome(std::string("caught: ") + e.what());
    }
  });
  CHECK(test::string_outcomes(result) == std::set<std::string>{"caught: task failed"});
}

TEST_CASE("a task's exception nobody asks for is not a finding") {
  const checker::ExploreResult result = explore_clean([] {
    sim::ThreadPoolExecutor pool(1);
    pool.submit([]() -> int { throw std::runtime_error("ignored"); });
    sim::outcome("done");
  });
  CHECK(test::string_outcomes(result) == std::set<std::string>{"done"});
}

TEST_CASE("a re-thrown task exception left uncaught is an uncaught-exception finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f = pool.submit([]() -> int { throw std::runtime_error("task failed"); });
    f.result();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message == "task failed");
}

TEST_CASE("submit after shutdown raises RuntimeError") {
  const checker::ExploreResult caught = explore_clean([] {
    sim::ThreadPoolExecutor pool(1);
    pool.shutdown();
    try {
      pool.submit([] { return 1; });
      sim::outcome("accepted");
    } catch (const std::runtime_error& e) {
      sim::outcome(std::string("caught: ") + e.what());
    }
  });
  CHECK(test::string_outcomes(caught) ==
        std::set<std::string>{"caught: cannot schedule new futures after shutdown"});

  const sim::ExecutionRecord uncaught = test::run_once([] {
    sim::ThreadPoolExecutor pool(1);
    pool.submit([] { return 1; }).result();
    pool.shutdown();
    pool.submit([] { return 2; });
  });
  REQUIRE(uncaught.finding.has_value());
  CHECK(uncaught.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(uncaught.finding->message == "cannot schedule new futures after shutdown");
}

TEST_CASE("workers are named by the prefix and created lazily, up to max_workers") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadPoolExecutor pool(3, "pool");
    // Sequential submits that each wait for their result reuse the idle worker.
    pool.submit([] { return 1; }).result();
    pool.submit([] { return 2; }).result();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.thread_names == std::vector<std::string>{"main", "pool-0"});
}

}  // TEST_SUITE

TEST_SUITE("runtime: cancellation") {

// When an execution ends (a finding, the step bound, a replay divergence, daemons cut
// off at exit), every parked thread is unwound from its scheduling point. A thread can
// be parked at the release inside std::scoped_lock's destructor (the `with lock:`
// idiom of sim/lock.hpp); unwinding it must neither throw out of that destructor
// (std::terminate) nor touch objects already destroyed. Each case runs in a child
// process so that a crash fails only this test.

TEST_CASE("a daemon cut off inside a `with lock:` block") {
  // In some schedules the daemon is parked at its release when main returns; main's
  // scope has destroyed L and x by the time the daemon is unwound.
  const std::string how = test::in_child([] {
    const checker::ExploreResult result = checker::explore(test::inline_model("daemon-with", [] {
      auto lock = std::make_unique<sim::Lock>("L");
      auto x = std::make_unique<sim::Shared<std::int64_t>>("x", 0);
      sim::Thread d([&lock, &x] {
        std::scoped_lock with(*lock);
        x->load();
      }, "d", true);
      d.start();
      sim::yield();
    }), test::dfs_all());
    // Parked at its load or its release, the daemon could still run: a finding.
    return result.exhaustive && result.cut_off_example.has_value() && !result.bugs.empty() &&
           result.bugs[0].trace.finding->kind == sim::FindingKind::kDaemonCutOff;
  });
  CHECK(how == "ok");
}

TEST_CASE("a daemon cut off while holding a lock through scoped_lock, parked at a load") {
  // Schedule: the daemon takes L (choice 1), main then returns (choice 0) while the
  // daemon is parked at its load. Unwinding the daemon runs ~scoped_lock, which releases
  // L after main's scope destroyed it: a heap use-after-free that only AddressSanitizer
  // sees (the child then exits with ASan's exit code).
  const std::string how = test::in_child([] {
    const auto model = test::inline_model("daemon-holds", [] {
      auto lock = std::make_unique<sim::Lock>("L");
      auto x = std::make_unique<sim::Shared<std::int64_t>>("x", 0);
      sim::Thread d([&lock, &x] {
        std::scoped_lock with(*lock);
        x->load();
      }, "d", true);
      d.start();
      sim::yield();
    });
    const std::vector<sim::ThreadId> choices = {1, 0};
    const checker::ReplayResult replayed = checker::replay(model, choices);
    return !replayed.divergence && replayed.trace.cut_off_daemons.size() == 1 &&
           replayed.trace.cut_off_daemons[0].doing == "about to load x";
  });
  CHECK(how == "ok");
}

TEST_CASE("the execution ends while main is parked in a Thread destructor inside a std::vector") {
  // The threads are not joined explicitly: the vector's (noexcept) destructor destroys
  // the handles, and ~Thread joins. While main is parked at that join, Thread-1's check
  // fails and the execution ends; main must be unwound without an exception escaping
  // the vector's destructor (std::terminate).
  const std::string how = test::in_child([] {
    const sim::ExecutionRecord record = test::run_once([] {
      sim::Shared<std::int64_t> x("x", 0);
      std::vector<sim::Thread> threads;
      threads.emplace_back([&x] { sim::check(x.load() == 1, "x is still 0"); });
      threads.front().start();
    });
    return record.finding.has_value() && record.finding->message == "x is still 0";
  });
  CHECK(how == "ok");
}

TEST_CASE("a replay that stops while a thread is parked at a scoped_lock release") {
  // Locked counter 2x1: Thread-1 acquires, loads, stores, then parks at the release in
  // ~scoped_lock, where the three-step schedule runs out.
  const std::string how = test::in_child([] {
    const std::vector<sim::ThreadId> choices = {1, 1, 1};
    const checker::ReplayResult replayed = checker::replay(test::counter(2, 1, true), choices);
    return replayed.divergence ==
           std::optional<std::string>("the schedule ends after 3 steps, but the execution goes on (runnable: Thread-1)");
  });
  CHECK(how == "ok");
}

TEST_CASE("the step bound while another thread is parked at a scoped_lock release") {
  const std::string how = test::in_child([] {
    checker::ExploreOptions options = test::dfs_all();
    options.max_steps = 8;
    options.max_executions = 200;
    const checker::ExploreResult result = checker::explore(test::inline_model("spin-with", [] {
      sim::Lock lock("L");
      sim::Shared<std::int64_t> x("x", 0);
      sim::Thread t([&] {
        std::scoped_lock with(lock);
        x.load();
      });
      t.start();
      while (x.load() == 0) {
      }
    }), options);
    return !result.bugs.empty() && result.bugs[0].trace.finding->kind == sim::FindingKind::kStepBound;
  });
  CHECK(how == "ok");
}

TEST_CASE("a failed check while another thread is parked at a scoped_lock release") {
  const std::string how = test::in_child([] {
    const checker::ExploreResult result = checker::explore(test::inline_model("check-with", [] {
      sim::Lock lock("L");
      sim::Shared<std::int64_t> x("x", 0);
      sim::Thread t([&] {
        std::scoped_lock with(lock);
        x.store(1);
      });
      t.start();
      sim::check(x.load() == 0, "main saw the write");
    }), test::dfs_all());
    return result.exhaustive && result.bugs.size() == 1 &&
           result.bugs[0].trace.finding->message == "main saw the write";
  });
  CHECK(how == "ok");
}

}  // TEST_SUITE

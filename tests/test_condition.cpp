// threading.Condition against CPython 3.11: wait releases and re-acquires the lock
// (fully, for an RLock, restoring its count), notify's choice of waiter is explored,
// a notify wakes only threads already waiting (a notify before the wait is lost and
// the wait hangs, explained), notify(n)/notify_all counts, wait and wait_for timeouts
// at exact virtual times, and wait/notify without the lock as misuse.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/condition.hpp"
#include "sim/semaphore.hpp"
#include "sim/rlock.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace {

checker::ExploreResult explore_all(const std::function<void()>& main) {
  return checker::explore(test::inline_model("condition", main), test::dfs_all());
}

struct Step {
  std::int64_t value;
  sim::Nanos time;
  bool operator==(const Step&) const = default;
};

// The valued steps of `kind` on the object named `object`, in order.
std::vector<Step> steps_of(const sim::ExecutionRecord& record, sim::OpKind kind, const std::string& object) {
  std::vector<Step> steps;
  for (const sim::Event& e : record.events) {
    if (e.kind == kind && e.has_value && record.object_names.at(e.object) == object) {
      steps.push_back({e.value, e.time});
    }
  }
  return steps;
}

constexpr sim::Nanos kMs = 1'000'000;

}  // namespace

TEST_SUITE("threading: Condition") {

TEST_CASE("wait releases the lock, a notify wakes the waiter, which re-acquires it") {
  for (const bool use_lock : {false, true}) {
    CAPTURE(use_lock);
    const checker::ExploreResult result = explore_all([use_lock] {
      sim::Lock l("L");
      sim::RLock r("R");
      sim::Condition c = use_lock ? sim::Condition(l, "c") : sim::Condition(r, "c");
      bool ready = false;
      sim::Thread consumer([&] {
        std::scoped_lock with(c);
        while (!ready) c.wait();
        sim::outcome("consumed");
      });
      consumer.start();
      {
        std::scoped_lock with(c);  // only possible because the waiting consumer released it
        ready = true;
        c.notify();
      }
      consumer.join();
    });
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::string_outcomes(result) == std::set<std::string>{"consumed"});
  }
}

TEST_CASE("which waiter notify(1) wakes is explored: both can be first") {
  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    std::string order;
    auto waiter = [&](const char* name) {
      std::scoped_lock with(c);
      c.wait();
      order += name;
    };
    sim::Thread a([&] { waiter("A"); }, "A");
    sim::Thread b([&] { waiter("B"); }, "B");
    a.start();
    b.start();
    sim::sleep(1);  // the clock moves only once both are waiting
    {
      std::scoped_lock with(c);
      c.notify();
    }
    sim::sleep(1);  // the woken one has finished by now; the other still waits
    const std::string first = order;
    {
      std::scoped_lock with(c);
      c.notify();
    }
    a.join();
    b.join();
    sim::outcome(first + "|" + order);
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) == std::set<std::string>{"A|AB", "B|BA"});
}

TEST_CASE("notify(n) wakes min(n, waiting) threads; notify_all wakes all") {
  for (const int n : {0, 1, 2, 3, -1}) {  // -1: notify_all
    CAPTURE(n);
    const sim::ExecutionRecord record = test::run_once([n] {
      sim::Condition c("c");
      int woken = 0;
      std::vector<sim::Thread> threads;
      for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&] {
          std::scoped_lock with(c);
          if (c.wait(5)) ++woken;
        });
      }
      for (sim::Thread& t : threads) t.start();
      sim::sleep(1);
      {
        std::scoped_lock with(c);
        if (n < 0) {
          c.notify_all();
        } else {
          c.notify(n);
        }
      }
      for (sim::Thread& t : threads) t.join();
      sim::outcome(std::int64_t{woken});
    });
    CHECK_FALSE(record.finding.has_value());
    const std::int64_t expected = n < 0 ? 3 : n;
    CHECK(record.outcome == sim::Outcome{expected});
    // The notify step records how many it woke; the others time out at 5 s.
    CHECK(steps_of(record, sim::OpKind::kNotify, "c") == std::vector<Step>{{expected, 1000 * kMs}});
    CHECK(record.duration == (expected == 3 ? 1000 * kMs : 5000 * kMs));
  }
}

TEST_CASE("a notify before anyone waits is lost: the wait hangs, and the report names the condition") {
  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    sim::Thread t([&c] {
      sim::sleep(1);
      std::scoped_lock with(c);
      c.wait();
    }, "waiter");
    t.start();
    {
      std::scoped_lock with(c);
      c.notify();  // at 0 s: nobody waits yet
    }
    t.join();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(trace.finding->blocked.size() == 2);
  const sim::BlockedThread* w = test::blocked_entry(trace, test::thread_named(trace, "waiter"));
  REQUIRE(w != nullptr);
  CHECK(w->op == sim::OpKind::kWait);
  CHECK(trace.object_names.at(w->object) == "c");
  CHECK(w->blocker == sim::kNoThread);
  CHECK(w->waits_for == "condition c (no notify will come)");
  const std::string explanation = checker::explain_finding(trace);
  CHECK(explanation.find("waiter waits for condition c (no notify will come)") != std::string::npos);
  CHECK(explanation.find("waiter holds") == std::string::npos);  // it released the lock to wait
}

TEST_CASE("a notify wakes only threads already waiting, not later ones") {
  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    sim::Thread a([&c] {
      std::scoped_lock with(c);
      c.wait();
    }, "A");
    sim::Thread b([&c] {
      sim::sleep(2);
      std::scoped_lock with(c);
      c.wait();
    }, "B");
    a.start();
    b.start();
    sim::sleep(1);
    {
      std::scoped_lock with(c);
      c.notify(2);  // only A waits: one wake-up, not a pending one for B
    }
    a.join();
    b.join();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(trace.finding->blocked.size() == 2);  // main (joining B) and B
  const sim::BlockedThread* b = test::blocked_entry(trace, test::thread_named(trace, "B"));
  REQUIRE(b != nullptr);
  CHECK(b->waits_for == "condition c (no notify will come)");
  bool notify_seen = false;
  for (const sim::Event& e : trace.events) {
    if (e.kind != sim::OpKind::kNotify) continue;
    notify_seen = true;
    CHECK(e.value == 1);
  }
  CHECK(notify_seen);
}

TEST_CASE("a waiter uses the oldest notify it may: later waiters are never stranded") {
  // A waits; notify 1 (only A may use it); B waits; notify 2 (A or B). In CPython
  // notify 1 wakes A and notify 2 wakes B. Whatever the order in which the woken
  // threads run, both must finish: if A used notify 2's wake-up, B would hang. (B may
  // also start waiting before notify 1; then either may use either.) The signals are
  // semaphores released while holding c's lock, so main can notify only once the
  // signalling thread's wait has released it.
  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    sim::Semaphore a_waits(0, "a_waits"), b_waits(0, "b_waits");
    std::string order;
    sim::Thread a([&] {
      std::scoped_lock with(c);
      a_waits.release();
      c.wait();
      order += "A";
    }, "A");
    sim::Thread b([&] {
      std::scoped_lock with(c);
      b_waits.release();
      c.wait();
      order += "B";
    }, "B");
    a.start();
    b.start();
    a_waits.acquire();
    {
      std::scoped_lock with(c);
      c.notify();
    }
    b_waits.acquire();
    {
      std::scoped_lock with(c);
      c.notify();
    }
    a.join();
    b.join();
    sim::outcome(order);
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) == std::set<std::string>{"AB", "BA"});
}

TEST_CASE("wait(timeout) returns false at its deadline, true when notified first") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Condition c("c");
    std::string r;
    sim::Thread notifier([&c] {
      sim::sleep(1.0);
      std::scoped_lock with(c);
      c.notify();
    }, "notifier");
    notifier.start();
    std::scoped_lock with(c);
    r += c.wait(0.25) ? 'T' : 'F';  // nobody notifies before 0.25 s
    r += c.wait(2.0) ? 'T' : 'F';   // notified at 1 s
    r += c.wait(0) ? 'T' : 'F';     // only checks
    r += c.wait(-1) ? 'T' : 'F';    // a negative timeout only checks too
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("FTFF")});
  CHECK(steps_of(record, sim::OpKind::kWait, "c") ==
        std::vector<Step>{{0, 250 * kMs}, {1, 1000 * kMs}, {0, 1000 * kMs}, {0, 1000 * kMs}});
  CHECK(record.duration == 1000 * kMs);
}

TEST_CASE("an RLock held twice is released fully while waiting, and its count restored") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::RLock r("R");
    sim::Condition c(r, "c");
    bool other_got_it = false;
    sim::Thread other([&] {
      sim::sleep(0.5);
      other_got_it = r.acquire(false);  // free: main's wait released both levels
      c.notify();
      r.release();
    }, "other");
    other.start();
    r.acquire();
    r.acquire();
    c.wait();
    r.release();
    r.release();  // the count came back as 2: two releases are fine
    sim::outcome(std::int64_t{other_got_it});
    other.join();
    r.release();  // a third one is not
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  CHECK(record.finding->kind == sim::FindingKind::kMisuse);
  CHECK(record.finding->message ==
        "release of R, which is not acquired (Python raises RuntimeError: cannot release un-acquired lock)");
  // main: acquire (1), acquire (2); the wait's release frees it (0); the re-acquire
  // restores 2.
  std::vector<std::int64_t> main_counts;
  for (const sim::Event& e : record.events) {
    if (e.thread == sim::kMainThread && e.object == 0 && e.has_value &&
        (e.kind == sim::OpKind::kAcquire || e.kind == sim::OpKind::kRelease)) {
      main_counts.push_back(e.value);
    }
  }
  CHECK(main_counts == std::vector<std::int64_t>{1, 2, 0, 2, 1, 0});
}

TEST_CASE("wait and notify without holding the lock are misuse") {
  const auto misuse_of = [](const std::function<void(sim::Condition&)>& call) {
    const sim::ExecutionRecord record = test::run_once([&call] {
      sim::Condition c("c");
      call(c);
      sim::outcome("went on");
    });
    REQUIRE(record.finding.has_value());
    CHECK(record.finding->kind == sim::FindingKind::kMisuse);
    CHECK_FALSE(record.outcome.has_value());
    return record.finding->message;
  };
  CHECK(misuse_of([](sim::Condition& c) { c.wait(); }) ==
        "wait on condition c without holding lock of c (Python raises RuntimeError: cannot wait on un-acquired lock)");
  CHECK(misuse_of([](sim::Condition& c) { c.wait(1.0); }) ==
        "wait on condition c without holding lock of c (Python raises RuntimeError: cannot wait on un-acquired lock)");
  CHECK(misuse_of([](sim::Condition& c) { c.wait_for([] { return false; }); }) ==
        "wait on condition c without holding lock of c (Python raises RuntimeError: cannot wait on un-acquired lock)");
  CHECK(misuse_of([](sim::Condition& c) { c.notify(); }) ==
        "notify on condition c without holding lock of c (Python raises RuntimeError: cannot notify on un-acquired lock)");
  CHECK(misuse_of([](sim::Condition& c) { c.notify_all(); }) ==
        "notify on condition c without holding lock of c (Python raises RuntimeError: cannot notify on un-acquired lock)");
  // Holding the RLock in another thread does not count as holding it.
  CHECK(misuse_of([](sim::Condition& c) {
          sim::Thread holder([&c] { c.acquire(); });
          holder.start();
          holder.join();
          c.notify();
        }) ==
        "notify on condition c without holding lock of c (Python raises RuntimeError: cannot notify on un-acquired lock)");
}

TEST_CASE("over a Lock, CPython can only check that the Lock is locked, by anyone") {
  // CPython's Condition._is_owned for a Lock tries acquire(False): a Lock held by
  // another thread passes the check, so this notify is allowed.
  const checker::ExploreResult result = explore_all([] {
    sim::Lock l("L");
    sim::Condition c(l, "c");
    std::scoped_lock with(l);
    sim::Thread t([&c] { c.notify(); });
    t.start();
    t.join();
    sim::outcome("allowed");
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) == std::set<std::string>{"allowed"});
}

TEST_CASE("wait_for: no wait when the predicate holds, else waits until it does") {
  const sim::ExecutionRecord at_once = test::run_once([] {
    sim::Condition c("c");
    std::scoped_lock with(c);
    sim::outcome(std::int64_t{c.wait_for([] { return true; })});
  });
  CHECK(at_once.outcome == sim::Outcome{std::int64_t{1}});
  CHECK(steps_of(at_once, sim::OpKind::kWait, "c").empty());

  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    int items = 0;
    sim::Thread producer([&] {
      for (int i = 0; i < 2; ++i) {
        std::scoped_lock with(c);
        ++items;
        c.notify_all();
      }
    }, "producer");
    producer.start();
    {
      std::scoped_lock with(c);
      sim::outcome(std::int64_t{c.wait_for([&] { return items == 2; }) ? items : -1});
    }
    producer.join();
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

TEST_CASE("wait_for(predicate, timeout): the timeout is for the whole loop") {
  // Notified at 0.5 s and 1 s with the predicate still false, then timed out at 1.5 s.
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Condition c("c");
    sim::Thread notifier([&c] {
      for (int i = 0; i < 2; ++i) {
        sim::sleep(0.5);
        std::scoped_lock with(c);
        c.notify();
      }
    }, "notifier");
    notifier.start();
    {
      std::scoped_lock with(c);
      sim::outcome(std::int64_t{c.wait_for([] { return false; }, 1.5)});
    }
    notifier.join();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{0}});
  CHECK(steps_of(record, sim::OpKind::kWait, "c") ==
        std::vector<Step>{{1, 500 * kMs}, {1, 1000 * kMs}, {0, 1500 * kMs}});
}

TEST_CASE("a woken waiter blocks re-acquiring a lock the notifier keeps: explained") {
  const checker::ExploreResult result = explore_all([] {
    sim::Condition c("c");
    sim::Thread t([&c] {
      std::scoped_lock with(c);
      c.wait();
    }, "waiter");
    t.start();
    sim::sleep(1);
    std::scoped_lock with(c);
    c.notify();
    t.join();  // while holding c's lock
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  const sim::BlockedThread* w = test::blocked_entry(trace, test::thread_named(trace, "waiter"));
  REQUIRE(w != nullptr);
  CHECK(w->op == sim::OpKind::kAcquire);
  CHECK(w->waits_for == "lock of c, held by main");
  CHECK(checker::finding_headline(trace) == "deadlock: main -> join waiter -> waiter -> lock of c -> main");
}

TEST_CASE("Condition() owns an RLock: `with c:` nests") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Condition c("c");
    std::scoped_lock outer(c);
    std::scoped_lock inner(c);
    sim::outcome("nested");
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("nested")});
  CHECK(record.object_names == std::vector<std::string>{"c", "lock of c"});
}

TEST_CASE("a daemon cut off inside `with c:` unwinds without a step and without throwing") {
  // At exit the daemon is parked somewhere in `with c: c.wait()` (acquiring, releasing
  // to wait, waiting, re-acquiring); cut off, it unwinds through ~scoped_lock, whose
  // release must neither take a step nor throw (std::terminate). The objects are on
  // the heap so that AddressSanitizer sees any access after main frees them. Run in a
  // child process so that a crash fails only this test.
  const std::string how = test::in_child([] {
    const checker::ExploreResult result = checker::explore(test::inline_model("daemon-in-condition", [] {
      auto c = std::make_unique<sim::Condition>("c");
      sim::Thread d([&c] {
        std::scoped_lock with(*c);
        c->wait();
      }, "d", true);
      d.start();
      sim::yield();
    }), test::dfs_all());
    // Parked at its acquire or release the daemon could still run (a finding); waiting
    // for a notify it is only idle.
    bool all_cut_offs = !result.bugs.empty();
    for (const checker::FoundBug& bug : result.bugs) all_cut_offs &= bug.trace.finding->kind == sim::FindingKind::kDaemonCutOff;
    return result.exhaustive && result.cut_off_example.has_value() && all_cut_offs;
  });
  CHECK(how == "ok");
}

}  // TEST_SUITE

// threading.Semaphore and BoundedSemaphore against CPython 3.11: at most `value`
// threads inside at once over every schedule, the non-blocking and timed acquires
// (times on the virtual clock), release(n), the ValueErrors, over-release of a
// BoundedSemaphore as misuse (and of a Semaphore as allowed), and the deadlock of a
// semaphore nobody releases, explained with the threads that hold its permits.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/semaphore.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

checker::ExploreResult explore_all(const std::function<void()>& main) {
  return checker::explore(test::inline_model("semaphore", main), test::dfs_all());
}

}  // namespace

TEST_SUITE("threading: Semaphore") {

TEST_CASE("at most `value` threads are inside at once, over every schedule") {
  // Three threads enter a `with s:` block; the outcome is the largest number inside
  // at once (each thread counts itself in, yields, counts itself out).
  for (const int value : {1, 2, 3}) {
    CAPTURE(value);
    const checker::ExploreResult result = explore_all([value] {
      sim::Semaphore s(value, "s");
      int inside = 0;
      int most = 0;
      auto worker = [&] {
        std::scoped_lock with(s);
        most = std::max(most, ++inside);
        sim::yield();
        --inside;
      };
      sim::Thread a(worker), b(worker), c(worker);
      a.start();
      b.start();
      c.start();
      a.join();
      b.join();
      c.join();
      sim::outcome(std::int64_t{most});
    });
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == test::range(1, value));
  }
}

TEST_CASE("acquire(false) and acquire(timeout) return whether a permit was taken") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Semaphore s(1, "s");
    std::string r;
    r += s.acquire(false) ? 'T' : 'F';       // 1 -> 0
    r += s.acquire(false) ? 'T' : 'F';       // refused
    r += s.acquire(true, 0.5) ? 'T' : 'F';   // times out at 0.5 s
    r += s.acquire(true, 0) ? 'T' : 'F';     // only checks
    r += s.acquire(true, -3) ? 'T' : 'F';    // a negative timeout only checks too
    s.release();
    r += s.acquire(true, 0.5) ? 'T' : 'F';   // free: at once
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("TFFFFT")});
  std::vector<std::pair<std::int64_t, sim::Nanos>> tries;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kTryAcquire) tries.emplace_back(e.value, e.time);
  }
  const sim::Nanos half = 500'000'000;
  CHECK(tries == std::vector<std::pair<std::int64_t, sim::Nanos>>{{1, 0}, {0, 0}, {0, half}, {0, half}, {0, half}, {1, half}});
  CHECK(record.duration == half);
}

TEST_CASE("a timed acquire gets a permit released before its deadline, at the release's time") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Semaphore s(0, "s");
    sim::Thread releaser([&s] {
      sim::sleep(0.75);
      s.release();
    });
    releaser.start();
    sim::outcome(std::int64_t{s.acquire(true, 2.0)});
    releaser.join();
  });
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  bool seen = false;
  for (const sim::Event& e : record.events) {
    if (e.kind != sim::OpKind::kTryAcquire) continue;
    seen = true;
    CHECK(e.value == 1);
    CHECK(e.time == 750'000'000);
  }
  CHECK(seen);
}

TEST_CASE("release(n) lets n blocked threads through") {
  const checker::ExploreResult result = explore_all([] {
    sim::Semaphore s(0, "s");
    int through = 0;
    std::vector<sim::Thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&] {
        if (s.acquire(true, 1.0)) ++through;
      });
    }
    for (sim::Thread& t : threads) t.start();
    s.release(2);
    for (sim::Thread& t : threads) t.join();
    sim::outcome(std::int64_t{through});
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

TEST_CASE("the ValueErrors of CPython") {
  const checker::ExploreResult result = explore_all([] {
    std::string caught;
    const auto attempt = [&caught](const std::function<void()>& f) {
      try {
        f();
        caught += "none|";
      } catch (const std::invalid_argument& e) {
        caught += std::string(e.what()) + "|";
      }
    };
    attempt([] { sim::Semaphore s(-1, "s"); });
    attempt([] { sim::BoundedSemaphore s(-1, "s"); });
    sim::Semaphore s(1, "s");
    attempt([&s] { s.acquire(false, 1.0); });
    attempt([&s] { s.release(0); });
    attempt([&s] { s.release(-2); });
    attempt([] { sim::Semaphore s(0, "zero"); });
    sim::outcome(caught);
  });
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{"semaphore initial value must be >= 0|semaphore initial value must be >= 0|"
                              "can't specify timeout for non-blocking acquire|n must be one or more|"
                              "n must be one or more|none|"});
}

TEST_CASE("a Semaphore may be released above its initial value; a BoundedSemaphore may not") {
  const sim::ExecutionRecord plain = test::run_once([] {
    sim::Semaphore s(1, "s");
    s.release();
    std::string r;
    r += s.acquire(false) ? 'T' : 'F';
    r += s.acquire(false) ? 'T' : 'F';
    r += s.acquire(false) ? 'T' : 'F';
    sim::outcome(r);
  });
  CHECK_FALSE(plain.finding.has_value());
  CHECK(plain.outcome == sim::Outcome{std::string("TTF")});

  const sim::ExecutionRecord bounded = test::run_once([] {
    sim::BoundedSemaphore s(2, "pool");
    s.acquire();
    s.release(1);  // back to 2: fine
    s.release(1);
    sim::outcome("went on");
  });
  REQUIRE(bounded.finding.has_value());
  CHECK(bounded.finding->kind == sim::FindingKind::kMisuse);
  CHECK(bounded.finding->thread == sim::kMainThread);
  CHECK(bounded.finding->message ==
        "release of semaphore pool would raise its value to 3, above its initial value 2 (Python raises "
        "ValueError: Semaphore released too many times)");
  CHECK_FALSE(bounded.outcome.has_value());
  CHECK(bounded.events.back().kind == sim::OpKind::kRelease);
}

TEST_CASE("kAcquire and kRelease record the value after the step") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Semaphore s(2, "s");
    s.acquire();
    s.acquire();
    s.release(2);
  });
  std::vector<std::int64_t> values;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kAcquire || e.kind == sim::OpKind::kRelease) values.push_back(e.value);
  }
  CHECK(values == std::vector<std::int64_t>{1, 0, 2});
}

TEST_CASE("a semaphore nobody releases: the deadlock names it and who holds its permits") {
  // Two workers take both permits and finish without releasing; a third waits forever.
  const checker::ExploreResult result = explore_all([] {
    sim::Semaphore s(2, "s");
    sim::Thread w1([&s] { s.acquire(); }, "w1");
    sim::Thread w2([&s] { s.acquire(); }, "w2");
    w1.start();
    w2.start();
    w1.join();
    w2.join();
    sim::Thread late([&s] { s.acquire(); }, "late");
    late.start();
    late.join();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::BlockedThread* late = test::blocked_entry(trace, test::thread_named(trace, "late"));
  REQUIRE(late != nullptr);
  CHECK(late->op == sim::OpKind::kAcquire);
  CHECK(trace.object_names.at(late->object) == "s");
  CHECK(late->blocker == sim::kNoThread);
  // The holders appear in the order they acquired, which depends on the schedule.
  const std::string w1_first =
      "semaphore s (value 0; held by w1 (finished without releasing) and w2 (finished without releasing))";
  const std::string w2_first =
      "semaphore s (value 0; held by w2 (finished without releasing) and w1 (finished without releasing))";
  CHECK((late->waits_for == w1_first || late->waits_for == w2_first));
  CHECK(checker::explain_finding(trace).find("late waits for semaphore s (value 0; held by") != std::string::npos);
}

TEST_CASE("a semaphore that starts at 0 and is never released") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Semaphore s(0, "s");
    s.acquire();
  });
  REQUIRE(record.finding.has_value());
  REQUIRE(record.finding->blocked.size() == 1);
  CHECK(record.finding->blocked[0].waits_for == "semaphore s (value 0; nobody releases it anymore)");
}

TEST_CASE("a thread that takes a permit twice from a Semaphore(2) and waits for a third waits for itself") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Semaphore s(2, "s");
    s.acquire();
    s.acquire();
    s.acquire();
  });
  REQUIRE(record.finding.has_value());
  REQUIRE(record.finding->blocked.size() == 1);
  const sim::BlockedThread& b = record.finding->blocked[0];
  CHECK(b.blocker == sim::kMainThread);
  CHECK(b.waits_for == "semaphore s (value 0; held by main (2 permits))");
}

TEST_CASE("a daemon cut off inside `with s:` unwinds without a step and without throwing") {
  // As for Condition: the daemon unwinds through ~scoped_lock, whose release must
  // neither take a step nor throw. Run in a child process so that a crash fails only
  // this test.
  const std::string how = test::in_child([] {
    const checker::ExploreResult result = checker::explore(test::inline_model("daemon-in-semaphore", [] {
      auto s = std::make_unique<sim::BoundedSemaphore>(1, "s");
      auto x = std::make_unique<sim::Shared<std::int64_t>>("x", 0);
      sim::Thread d([&s, &x] {
        std::scoped_lock with(*s);
        x->load();
      }, "d", true);
      d.start();
      sim::yield();
    }), test::dfs_all());
    return result.exhaustive && result.cut_off_example.has_value() && !result.bugs.empty() &&
           result.bugs[0].trace.finding->kind == sim::FindingKind::kDaemonCutOff;
  });
  CHECK(how == "ok");
}

}  // TEST_SUITE

// threading.RLock against CPython 3.11: re-entrant acquire by the owner (with the
// count recorded), mutual exclusion between threads over every schedule, the
// non-blocking and timed forms (times on the virtual clock), the ValueErrors of
// acquire's arguments, release by a non-owner or of an unowned RLock as misuse, and
// the deadlock an RLock held forever causes, explained.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/rlock.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

checker::ExploreResult explore_all(const std::function<void()>& main) {
  return checker::explore(test::inline_model("rlock", main), test::dfs_all());
}

// The values recorded by the steps of `kind` that have one, in order.
std::vector<std::int64_t> values_of(const sim::ExecutionRecord& record, sim::OpKind kind) {
  std::vector<std::int64_t> values;
  for (const sim::Event& e : record.events) {
    if (e.kind == kind && e.has_value) values.push_back(e.value);
  }
  return values;
}

}  // namespace

TEST_SUITE("threading: RLock") {

TEST_CASE("the owner acquires it again; it is free after as many releases") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::RLock r("R");
    r.acquire();
    r.acquire();
    CHECK(r.acquire(false));       // the owner never blocks
    CHECK(r.acquire(true, 0.5));
    r.release();
    r.release();
    r.release();
    r.release();
    // Free now: another thread takes it at once.
    bool other_got = false;
    sim::Thread t([&] { other_got = r.acquire(false); });
    t.start();
    t.join();
    sim::outcome(std::int64_t{other_got});
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  // kAcquire records the count after the step, kRelease the count left.
  CHECK(values_of(record, sim::OpKind::kAcquire) == std::vector<std::int64_t>{1, 2});
  CHECK(values_of(record, sim::OpKind::kTryAcquire) == std::vector<std::int64_t>{1, 1, 1});
  CHECK(values_of(record, sim::OpKind::kRelease) == std::vector<std::int64_t>{3, 2, 1, 0});
}

TEST_CASE("two threads never hold it at once, over every schedule") {
  // Each thread acquires twice (nested), increments inside, releases twice.
  const checker::ExploreResult result = explore_all([] {
    sim::RLock r("R");
    sim::Shared<std::int64_t> x("x", 0);
    auto bump = [&] {
      std::scoped_lock outer(r);
      std::scoped_lock inner(r);
      x.store(x.load() + 1);
    };
    sim::Thread a(bump), b(bump);
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(x.load());
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

TEST_CASE("acquire(false) and acquire(timeout) fail while another thread owns it") {
  for (const bool timed : {false, true}) {
    CAPTURE(timed);
    const checker::ExploreResult result = explore_all([timed] {
      sim::RLock r("R");
      sim::Thread holder([&r] {
        r.acquire();
        r.release();
      });
      holder.start();
      const bool got = timed ? r.acquire(true, 0.25) : r.acquire(false);
      if (got) r.release();
      holder.join();
      sim::outcome(std::int64_t{got});
    });
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    // Non-blocking: refused while the holder is inside. Timed: the holder never
    // sleeps, so the clock cannot reach the timeout before it releases.
    CHECK(test::int_outcomes(result) == (timed ? std::set<std::int64_t>{1} : std::set<std::int64_t>{0, 1}));
  }
}

TEST_CASE("a timed acquire gives up at its deadline on the virtual clock") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::RLock r("R");
    sim::Thread holder([&r] {
      r.acquire();
      sim::sleep(1.0);
      r.release();
    });
    holder.start();
    sim::sleep(0.1);
    sim::outcome(std::int64_t{r.acquire(true, 0.25)});
    holder.join();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{0}});
  CHECK(record.duration == 1'000'000'000);
  int seen = 0;
  for (const sim::Event& e : record.events) {
    if (e.kind != sim::OpKind::kTryAcquire) continue;
    ++seen;
    CHECK(e.value == 0);
    CHECK(e.time == 350'000'000);  // 0.1 s + 0.25 s
  }
  CHECK(seen == 1);
}

TEST_CASE("acquire's argument errors are CPython's ValueErrors") {
  const checker::ExploreResult result = explore_all([] {
    sim::RLock r("R");
    std::string caught;
    try {
      r.acquire(false, 1.0);
    } catch (const std::invalid_argument& e) {
      caught += std::string(e.what()) + "|";
    }
    try {
      r.acquire(true, -2.0);
    } catch (const std::invalid_argument& e) {
      caught += std::string(e.what()) + "|";
    }
    caught += r.acquire(false, -1) ? "ok" : "refused";  // -1 is "no timeout"
    r.release();
    sim::outcome(caught);
  });
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{"can't specify a timeout for a non-blocking call|timeout value must be positive|ok"});
}

TEST_CASE("release of an unowned RLock is misuse") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::RLock r("R");
    r.acquire();
    r.release();
    r.release();
    sim::outcome("after");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kMisuse);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message ==
        "release of R, which is not acquired (Python raises RuntimeError: cannot release un-acquired lock)");
  CHECK_FALSE(record.outcome.has_value());
  CHECK(record.events.back().kind == sim::OpKind::kRelease);
}

TEST_CASE("release by a thread that does not own it is misuse (unlike Lock)") {
  const checker::ExploreResult result = explore_all([] {
    sim::RLock r("R");
    r.acquire();
    sim::Thread t([&r] { r.release(); }, "intruder");
    t.start();
    t.join();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const sim::Finding& f = *result.bugs[0].trace.finding;
  CHECK(f.kind == sim::FindingKind::kMisuse);
  CHECK(f.thread == test::thread_named(result.bugs[0].trace, "intruder"));
  CHECK(f.message ==
        "release of R by intruder, which does not own it (it is held by main) (Python raises RuntimeError: "
        "cannot release un-acquired lock)");
}

TEST_CASE("an RLock its owner never releases: the deadlock names it and its owner") {
  const checker::ExploreResult result = explore_all([] {
    sim::RLock r("R");
    sim::Thread t([&r] {
      r.acquire();
      r.acquire();
      r.release();  // one release short
    }, "worker");
    t.start();
    t.join();
    r.acquire();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(trace.finding->blocked.size() == 1);
  const sim::BlockedThread& b = trace.finding->blocked[0];
  CHECK(b.thread == sim::kMainThread);
  CHECK(b.op == sim::OpKind::kAcquire);
  CHECK(trace.object_names.at(b.object) == "R");
  CHECK(b.blocker == test::thread_named(trace, "worker"));
  CHECK(b.waits_for == "R, held by worker, which finished without releasing it");
  CHECK(checker::explain_finding(trace).find("main waits for R, held by worker") != std::string::npos);
}

TEST_CASE("two RLocks taken in opposite orders deadlock, and the cycle is named") {
  const checker::ExploreResult result = explore_all([] {
    sim::RLock a("A"), b("B");
    sim::Thread t1([&] {
      std::scoped_lock first(a);
      std::scoped_lock second(b);
    }, "t1");
    sim::Thread t2([&] {
      std::scoped_lock first(b);
      std::scoped_lock second(a);
    }, "t2");
    t1.start();
    t2.start();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  const sim::BlockedThread* t1 = test::blocked_entry(trace, test::thread_named(trace, "t1"));
  const sim::BlockedThread* t2 = test::blocked_entry(trace, test::thread_named(trace, "t2"));
  REQUIRE(t1 != nullptr);
  REQUIRE(t2 != nullptr);
  CHECK(t1->waits_for == "B, held by t2");
  CHECK(t2->waits_for == "A, held by t1");
  // main joins t2 first (handles are destroyed in reverse order), so the cycle is
  // told from t2.
  CHECK(checker::finding_headline(trace) == "deadlock: t2 -> A -> t1 -> B -> t2");
}

}  // TEST_SUITE

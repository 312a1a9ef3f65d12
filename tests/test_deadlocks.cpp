// Deadlocks: found, and explained thread by thread (what each blocked thread waits for
// and who holds it), for lock cycles (dining philosophers), future cycles (the
// wait_on_a / wait_on_b executor), join cycles and a task starved of workers.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/executor.hpp"
#include "sim/future.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace {

std::string philosopher(int i) { return "philosopher-" + std::to_string(i); }
std::string fork(int i) { return "fork-" + std::to_string(i); }

// The deadlock of n philosophers: every philosopher-i holds fork-i and waits for
// fork-(i+1 mod n), held by philosopher-(i+1 mod n); main waits to join philosopher-0.
void require_philosophers_cycle(const checker::Trace& trace, int n) {
  REQUIRE(trace.finding.has_value());
  const sim::Finding& finding = *trace.finding;
  CHECK(finding.kind == sim::FindingKind::kDeadlock);
  CHECK(finding.thread == sim::kNoThread);
  CHECK(finding.message == "no thread can run, and " + std::to_string(n + 1) + " threads have not finished");
  REQUIRE(finding.blocked.size() == static_cast<std::size_t>(n + 1));

  const sim::BlockedThread* main = test::blocked_entry(trace, sim::kMainThread);
  REQUIRE(main != nullptr);
  CHECK(main->op == sim::OpKind::kJoin);
  CHECK(main->blocker == test::thread_named(trace, philosopher(0)));
  CHECK(main->waits_for == philosopher(0) + " to finish");

  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    const int next = (i + 1) % n;
    const sim::BlockedThread* b = test::blocked_entry(trace, test::thread_named(trace, philosopher(i)));
    REQUIRE(b != nullptr);
    CHECK(b->op == sim::OpKind::kAcquire);
    REQUIRE(b->object < trace.object_names.size());
    CHECK(trace.object_names[b->object] == fork(next));
    CHECK(b->blocker == test::thread_named(trace, philosopher(next)));
    CHECK(b->waits_for == fork(next) + ", held by " + philosopher(next));
  }

  // The report: the headline is the cycle, starting where main's wait leads
  // (philosopher-0); the explanation names every philosopher and fork of it.
  std::string cycle;
  for (int i = 0; i < n; ++i) cycle += philosopher(i) + " -> " + fork((i + 1) % n) + " -> ";
  cycle += philosopher(0);
  CHECK(checker::finding_headline(trace) == "deadlock: " + cycle);
  const std::string explanation = checker::explain_finding(trace);
  CHECK(explanation.find(cycle) != std::string::npos);
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(explanation.find(philosopher(i)) != std::string::npos);
    CHECK(explanation.find(fork(i)) != std::string::npos);
    // Each philosopher holds its left fork while it waits for the right one.
    CHECK(explanation.find(philosopher(i) + " holds " + fork(i)) != std::string::npos);
    CHECK(explanation.find(fork((i + 1) % n) + ", held by " + philosopher((i + 1) % n)) != std::string::npos);
  }
}

}  // namespace

TEST_SUITE("deadlocks") {

TEST_CASE("philosophers: DFS finds the deadlock and names the whole cycle") {
  // n = 5 is left to the default strategy below: plain DFS reaches the all-hold-left
  // state only after millions of executions (it backtracks from the deepest point).
  for (int n = 2; n <= 4; ++n) {
    CAPTURE(n);
    const checker::ExploreResult result = checker::explore(test::philosophers(n), test::dfs_first_bug());
    REQUIRE(result.bugs.size() == 1);
    CHECK_FALSE(result.exhaustive);
    require_philosophers_cycle(result.bugs[0].trace, n);
    CHECK(result.bugs[0].strategy == "DFS");
    CHECK(result.bugs[0].execution == result.executions);
  }
}

TEST_CASE("philosophers: the default strategy finds the deadlock") {
  for (int n = 2; n <= 5; ++n) {
    CAPTURE(n);
    const checker::ExploreResult result = checker::explore(test::philosophers(n), checker::ExploreOptions{});
    REQUIRE(result.bugs.size() == 1);
    require_philosophers_cycle(result.bugs[0].trace, n);
  }
}

TEST_CASE("philosophers: every deadlocking schedule is the same cycle") {
  // Exhaustively, the deadlock is one distinct finding; its every occurrence has the
  // same message, and the search still covers every schedule.
  const checker::ExploreResult result = checker::explore(test::philosophers(3), test::dfs_all());
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  require_philosophers_cycle(result.bugs[0].trace, 3);
  CHECK(result.bugs[0].occurrences >= 1);
  CHECK(result.bugs[0].occurrences < result.executions);
}

TEST_CASE("ordered philosophers never deadlock (exhaustive)") {
  // n = 5 has tens of millions of schedules without partial-order reduction: too slow
  // for a unit test, so it gets a bounded search below.
  for (int n = 2; n <= 4; ++n) {
    CAPTURE(n);
    const checker::ExploreResult result = checker::explore(test::philosophers(n, true), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
  }
}

TEST_CASE("ordered philosophers n=5: no deadlock in a bounded search") {
  checker::ExploreOptions options = test::random_first_bug(11, 2'000);
  const checker::ExploreResult random = checker::explore(test::philosophers(5, true), options);
  CHECK(random.bugs.empty());
  CHECK(random.executions == options.random_executions);

  options = test::dfs_first_bug();
  options.max_executions = 20'000;
  const checker::ExploreResult dfs = checker::explore(test::philosophers(5, true), options);
  CHECK(dfs.bugs.empty());
  CHECK(dfs.limit_hit);
  CHECK_FALSE(dfs.exhaustive);
}

TEST_CASE("executor deadlock: each worker waits on the future the other one runs") {
  const sim::ModelInstance model = test::model("executor-deadlock");
  for (const checker::ExploreOptions& options : {test::dfs_first_bug(), checker::ExploreOptions{}}) {
    const checker::ExploreResult result = checker::explore(model, options);
    REQUIRE(result.bugs.size() == 1);
    const checker::Trace& trace = result.bugs[0].trace;
    const sim::Finding& finding = *trace.finding;
    CHECK(finding.kind == sim::FindingKind::kDeadlock);
    // main (joining a worker at interpreter exit) and both workers.
    REQUIRE(finding.blocked.size() == 3);
    CHECK(finding.message == "no thread can run, and 3 threads have not finished");

    const sim::ThreadId w0 = test::thread_named(trace, "worker-0");
    const sim::ThreadId w1 = test::thread_named(trace, "worker-1");
    const sim::BlockedThread* main = test::blocked_entry(trace, sim::kMainThread);
    REQUIRE(main != nullptr);
    CHECK(main->op == sim::OpKind::kJoin);
    CHECK(main->waits_for == "worker-0 to finish");

    std::set<std::string> futures_waited;
    for (sim::ThreadId worker : {w0, w1}) {
      const sim::BlockedThread* b = test::blocked_entry(trace, worker);
      REQUIRE(b != nullptr);
      CHECK(b->op == sim::OpKind::kFutureResult);
      const sim::ThreadId other = worker == w0 ? w1 : w0;
      CHECK(b->blocker == other);  // the cycle: each waits on the other
      const std::string future = trace.object_names[b->object];
      futures_waited.insert(future);
      // wait_on_b waits for future b, whose task is wait_on_a, and vice versa.
      const std::string task = future == "b" ? "wait_on_a" : "wait_on_b";
      CHECK(b->waits_for == "future " + future + " (" + task + "), which runs on " + trace.thread_names[other]);
    }
    CHECK(futures_waited == std::set<std::string>{"a", "b"});

    // The report's cycle starts at worker-0 (main waits for it) and goes through both
    // futures and both workers.
    const std::string f0 = trace.object_names[test::blocked_entry(trace, w0)->object];
    const std::string f1 = trace.object_names[test::blocked_entry(trace, w1)->object];
    CHECK(checker::finding_headline(trace) ==
          "deadlock: worker-0 -> future " + f0 + " -> worker-1 -> future " + f1 + " -> worker-0");
    const std::string explanation = checker::explain_finding(trace);
    for (const std::string name : {"future a", "future b", "worker-0", "worker-1", "wait_on_a", "wait_on_b"}) {
      CAPTURE(name);
      CHECK(explanation.find(name) != std::string::npos);
    }
  }
}

TEST_CASE("nested submit on a one-worker pool waits for a task that never starts") {
  const auto model = test::inline_model("nested-submit", [] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> outer = pool.submit(
        [&pool] {
          sim::Future<int> inner = pool.submit([] { return 1; }, {.future = "inner", .task = "leaf"});
          return inner.result() + 1;
        },
        {.future = "outer", .task = "parent"});
    sim::outcome(std::int64_t{outer.result()});
  });
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.outcomes.empty());  // no schedule gets past outer.result()
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::ThreadId worker = test::thread_named(trace, "worker-0");
  const sim::BlockedThread* main = test::blocked_entry(trace, sim::kMainThread);
  const sim::BlockedThread* w = test::blocked_entry(trace, worker);
  REQUIRE(main != nullptr);
  REQUIRE(w != nullptr);
  CHECK(main->waits_for == "future outer (parent), which runs on worker-0");
  CHECK(main->blocker == worker);
  CHECK(w->waits_for ==
        "future inner (leaf), which has not started: it waits in the queue, and the only worker "
        "(worker-0) is the thread waiting for it");
  CHECK(w->blocker == worker);  // the worker waits for itself: a cycle of one
}

TEST_CASE("two threads joining each other") {
  const auto model = test::inline_model("join-cycle", [] {
    sim::Thread* a_handle = nullptr;
    sim::Thread* b_handle = nullptr;
    // Each yields first, so both are started before either joins the other.
    sim::Thread a([&] { sim::yield(); b_handle->join(); }, "a");
    sim::Thread b([&] { sim::yield(); a_handle->join(); }, "b");
    a_handle = &a;
    b_handle = &b;
    a.start();
    b.start();
    a.join();
  });
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  // The two yields interleave; every later step blocks, so there is nothing else to choose.
  CHECK(result.executions == test::multinomial({1, 1}));
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  const sim::ThreadId a = test::thread_named(trace, "a");
  const sim::ThreadId b = test::thread_named(trace, "b");
  REQUIRE(trace.finding->blocked.size() == 3);
  CHECK(test::blocked_entry(trace, sim::kMainThread)->waits_for == "a to finish");
  CHECK(test::blocked_entry(trace, a)->waits_for == "b to finish");
  CHECK(test::blocked_entry(trace, a)->blocker == b);
  CHECK(test::blocked_entry(trace, b)->waits_for == "a to finish");
  CHECK(test::blocked_entry(trace, b)->blocker == a);
}

TEST_CASE("a non-daemon thread blocked at main exit hangs the program") {
  // main returns holding L; CPython's shutdown (here: the handle going out of scope)
  // joins the thread, which waits for L forever.
  const auto model = test::inline_model("exit-hang", [] {
    sim::Lock lock("L");
    lock.acquire();
    sim::Thread t([&lock] { lock.acquire(); });
    t.start();
  });
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 1);
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::ThreadId t = test::thread_named(trace, "Thread-1");
  REQUIRE(trace.finding->blocked.size() == 2);
  CHECK(test::blocked_entry(trace, sim::kMainThread)->waits_for == "Thread-1 to finish");
  CHECK(test::blocked_entry(trace, sim::kMainThread)->blocker == t);
  CHECK(test::blocked_entry(trace, t)->waits_for == "L, held by main");
  CHECK(test::blocked_entry(trace, t)->blocker == sim::kMainThread);
  CHECK(checker::finding_headline(trace) == "deadlock: main -> join Thread-1 -> Thread-1 -> L -> main");
}

}  // TEST_SUITE

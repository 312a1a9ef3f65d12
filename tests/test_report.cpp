// The plain-words rendering of traces (checker/report.hpp), at the level the other
// suites rely on: one row per recorded event, outcome values as text, one line per
// cut-off daemon; what a deadlocked thread holds, by the effect of its steps (RLock
// levels, Semaphore permits, a Lock released by another thread), and executor workers
// named after the task they run. (Cycles are checked in test_deadlocks.)
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/rlock.hpp"
#include "sim/semaphore.hpp"
#include "sim/executor.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

std::size_t line_count(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

// The explanation of the deadlock one fixed execution of `main` ends in.
std::string deadlock_of(const std::function<void()>& main) {
  const checker::Trace trace = checker::to_trace(test::run_once(main));
  REQUIRE(trace.finding.has_value());
  REQUIRE(trace.finding->kind == sim::FindingKind::kDeadlock);
  return checker::explain_finding(trace);
}

// The line of the explanation about `thread` ("  main holds ... waits for ...").
std::string line_of(const std::string& explanation, const std::string& thread) {
  const std::size_t at = explanation.find("\n  " + thread + " ");
  REQUIRE(at != std::string::npos);
  const std::size_t begin = at + 3;
  return explanation.substr(begin, explanation.find('\n', begin) - begin);
}

// Main ends up joining a thread that waits for `blocker`, which main holds last.
template <typename Blocker>
void join_thread_blocked_on(Blocker& blocker) {
  sim::Thread t([&blocker] { blocker.acquire(); }, "T");
  t.start();
  t.join();
}

}  // namespace

TEST_SUITE("report") {

TEST_CASE("holdings: an RLock is held until its count is back to 0") {
  // Acquired twice, released once: main still holds it (count 1).
  CHECK(line_of(deadlock_of([] {
                  sim::RLock r("r");
                  r.acquire();
                  r.acquire();
                  r.release();
                  join_thread_blocked_on(r);
                }),
                "main") == "main holds r and waits for T to finish");
  // Acquired twice, not released: the count is shown.
  CHECK(line_of(deadlock_of([] {
                  sim::RLock r("r");
                  r.acquire();
                  r.acquire();
                  join_thread_blocked_on(r);
                }),
                "main") == "main holds r (acquired 2 times) and waits for T to finish");
  // Released as often as acquired: no longer held; only the Lock is.
  CHECK(line_of(deadlock_of([] {
                  sim::RLock r("r");
                  sim::Lock l("l");
                  r.acquire();
                  r.acquire();
                  r.release();
                  r.release();
                  l.acquire();
                  join_thread_blocked_on(l);
                }),
                "main") == "main holds l and waits for T to finish");
}

TEST_CASE("holdings: a Semaphore permit stays with the thread that took it") {
  // Main takes one of two permits; U takes and returns the other. Main still holds
  // its permit (the old owner-of-last-acquire view lost it when U released).
  CHECK(line_of(deadlock_of([] {
                  sim::Semaphore s(2, "s");
                  sim::Lock l("l");
                  s.acquire();
                  sim::Thread u([&s] {
                    s.acquire();
                    s.release();
                  }, "U");
                  u.start();
                  u.join();
                  l.acquire();
                  join_thread_blocked_on(l);
                }),
                "main") == "main holds s, l and waits for T to finish");
  // A release by a thread that took no permit (a signal) gives nobody a permit.
  CHECK(line_of(deadlock_of([] {
                  sim::Semaphore s(0, "s");
                  sim::Lock l("l");
                  s.release();
                  l.acquire();
                  join_thread_blocked_on(l);
                }),
                "main") == "main holds l and waits for T to finish");
}

TEST_CASE("holdings: a Lock released by another thread is held by nobody") {
  // CPython lets any thread release a Lock: main's l is free after U's release, and
  // T, which waits for l2, is the one that took l again.
  const std::string text = deadlock_of([] {
    sim::Lock l("l");
    sim::Lock l2("l2");
    l.acquire();
    l2.acquire();
    sim::Thread u([&l] { l.release(); }, "U");
    u.start();
    u.join();
    sim::Thread t([&l, &l2] {
      l.acquire();
      l2.acquire();
    }, "T");
    t.start();
    t.join();
  });
  CHECK(line_of(text, "main") == "main holds l2 and waits for T to finish");
  CHECK(line_of(text, "T") == "T holds l and waits for l2, held by main");
}

TEST_CASE("an executor worker is named after the task it runs") {
  const std::string text = deadlock_of([] {
    sim::Lock l("l");
    l.acquire();
    sim::ThreadPoolExecutor pool(1);
    pool.submit([&l] { l.acquire(); }, {.future = "saver", .task = "save"});
  });  // main holds l while the with-block's end joins the worker
  CHECK(line_of(text, "worker-0") == "worker-0 (running saver) waits for l, held by main");
}

TEST_CASE("outcome_text") {
  CHECK(checker::outcome_text(sim::Outcome{std::int64_t{-3}}) == "-3");
  CHECK(checker::outcome_text(sim::Outcome{std::string("a b")}) == "a b");
}

TEST_CASE("render_columns: a header, then one row per event, one column per thread") {
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  const std::string table = checker::render_columns(trace);
  CHECK(line_count(table) == trace.events.size() + 1);
  const std::string header = table.substr(0, table.find('\n'));
  for (const std::string& name : trace.thread_names) CHECK(header.find(name) != std::string::npos);
}

TEST_CASE("headline and explanation of non-deadlock findings name the thread and the message") {
  const checker::ExploreResult result = checker::explore(test::counter(2, 1), test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  const std::string headline = checker::finding_headline(trace);
  CHECK(headline.rfind("assertion", 0) == 0);
  CHECK(headline.find(trace.thread_names[trace.finding->thread]) != std::string::npos);
  CHECK(headline.find(trace.finding->message) != std::string::npos);
  CHECK(line_count(headline) == 0);
  CHECK(checker::explain_finding(trace).find(trace.finding->message) != std::string::npos);
}

TEST_CASE("explain_cut_off: one line per daemon, naming it and what it was doing") {
  const auto model = test::inline_model("daemons", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread a([&x] { x.load(); }, "daemon-a", true);
    sim::Thread b([&x] { x.store(1); }, "daemon-b", true);
    a.start();
    b.start();
  });
  const checker::ReplayResult run = checker::replay(model, {});
  REQUIRE_FALSE(run.divergence.has_value());
  REQUIRE(run.trace.cut_off_daemons.size() == 2);
  const std::string text = checker::explain_cut_off(run.trace);
  CHECK(line_count(text) == 2);
  for (const sim::CutOffDaemon& d : run.trace.cut_off_daemons) {
    CHECK(text.find(run.trace.thread_names[d.thread]) != std::string::npos);
    CHECK(text.find(d.doing) != std::string::npos);
  }
}

}  // TEST_SUITE

// The seed models built on the threading primitives, with their exact answers:
// double-acquire (a Lock acquired twice deadlocks on itself, explained; an RLock
// prints all three lines), philosophers --waiter (the Semaphore arbitrator removes the
// deadlock: exhaustively, by DFS for n = 2, 3 and by DPOR for n = 4, 5), and
// daemon-cutoff (without join the daemon is killed mid-work, a finding; with join its
// "finishing" line appears at 2 s). Every finding replays to the same trace.
#include "support.hpp"

#include "checker/report.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace {

std::vector<std::string> lines_of(const checker::Trace& trace) {
  std::vector<std::string> lines;
  for (const sim::OutputLine& line : trace.output) lines.push_back(line.text);
  return lines;
}

// The finding replays from its choices (and draws) to the same finding and events.
void require_replays(const sim::ModelInstance& model, const checker::FoundBug& bug) {
  const checker::ReplayResult replayed =
      checker::replay(model, bug.trace.choices, {.max_steps = checker::ExploreOptions{}.max_steps, .draws = bug.trace.draws});
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_trace(replayed.trace, bug.trace);
  CHECK(lines_of(replayed.trace) == lines_of(bug.trace));
}

// Exhaustive DPOR that keeps going after bugs.
checker::ExploreOptions dpor_all() {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.stop_at_first_bug = false;
  return options;
}

sim::ModelInstance waiter_philosophers(int n) {
  return test::model("philosophers", {{"n", std::to_string(n)}, {"waiter", "true"}});
}

}  // namespace

TEST_SUITE("models: threading") {

TEST_CASE("double-acquire: the Lock deadlocks on itself after two lines") {
  const sim::ModelInstance model = test::model("double-acquire");
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 1);  // one thread: one schedule
  CHECK(result.outcomes.empty());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  REQUIRE(trace.finding.has_value());
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(trace.finding->message == "no thread can run, and 1 thread has not finished");
  REQUIRE(trace.finding->blocked.size() == 1);
  const sim::BlockedThread& main = trace.finding->blocked[0];
  CHECK(main.thread == sim::kMainThread);
  CHECK(main.op == sim::OpKind::kAcquire);
  CHECK(trace.object_names.at(main.object) == "l");
  CHECK(main.blocker == sim::kMainThread);
  CHECK(main.waits_for == "l, which it already holds itself (Lock is not reentrant)");
  CHECK(checker::finding_headline(trace) == "deadlock: main -> l -> main");
  CHECK(checker::explain_finding(trace).find(
            "main holds l and waits for l, which it already holds itself (Lock is not reentrant)") !=
        std::string::npos);
  CHECK(lines_of(trace) == std::vector<std::string>{"before first acquire", "before second acquire"});
  require_replays(model, result.bugs[0]);
}

TEST_CASE("double-acquire --rlock: no finding, all three lines") {
  const sim::ModelInstance model = test::model("double-acquire", {{"rlock", "true"}});
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 1);
  CHECK(result.bugs.empty());
  const checker::Trace run = checker::to_trace(test::run_once(model.main));
  CHECK_FALSE(run.finding.has_value());
  CHECK(lines_of(run) ==
        std::vector<std::string>{"before first acquire", "before second acquire", "acquired lock twice"});
}

TEST_CASE("philosophers --waiter: no deadlock, exhaustively (DFS for n = 2, 3)") {
  // n = 2: the waiter has one permit, so the philosophers eat strictly one after the
  // other and the only choice is who goes first: 2 schedules.
  const checker::ExploreResult two = checker::explore(waiter_philosophers(2), test::dfs_all());
  CHECK(two.exhaustive);
  CHECK(two.bugs.empty());
  CHECK(two.executions == 2);
  const checker::ExploreResult three = checker::explore(waiter_philosophers(3), test::dfs_all());
  CHECK(three.exhaustive);
  CHECK(three.bugs.empty());
}

TEST_CASE("philosophers --n 5 --waiter: no deadlock, exhaustive under DPOR") {
  // Plain DFS cannot finish n = 4 within a unit test (over 5 million schedules);
  // partial-order reduction explores one execution per trace and finishes n = 5. The
  // same search without the waiter finds the deadlock.
  for (int n = 4; n <= 5; ++n) {
    CAPTURE(n);
    const checker::ExploreResult with_waiter = checker::explore(waiter_philosophers(n), dpor_all());
    CHECK(with_waiter.exhaustive);
    CHECK_FALSE(with_waiter.limit_hit);
    CHECK(with_waiter.bugs.empty());
    checker::ExploreOptions first_bug = dpor_all();
    first_bug.stop_at_first_bug = true;
    const checker::ExploreResult without = checker::explore(test::philosophers(n), first_bug);
    REQUIRE(without.bugs.size() == 1);
    CHECK(without.bugs[0].trace.finding->kind == sim::FindingKind::kDeadlock);
    require_replays(test::philosophers(n), without.bugs[0]);
  }
}

TEST_CASE("daemon-cutoff: main exits and Python kills the sleeping daemon mid-work") {
  const sim::ModelInstance model = test::model("daemon-cutoff");
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  // The daemon's first line comes before main's third, before its fourth, or never
  // (main ends before the daemon runs): three schedules, each cutting the daemon off.
  CHECK(result.executions == 3);
  REQUIRE(result.bugs.size() == 2);
  std::uint64_t occurrences = 0;
  std::set<std::string> messages;
  for (const checker::FoundBug& bug : result.bugs) {
    const checker::Trace& trace = bug.trace;
    REQUIRE(trace.finding.has_value());
    CHECK(trace.finding->kind == sim::FindingKind::kDaemonCutOff);
    CHECK(trace.finding->thread == test::thread_named(trace, "Thread-1"));
    messages.insert(trace.finding->message);
    occurrences += bug.occurrences;
    REQUIRE(trace.cut_off_daemons.size() == 1);
    CHECK(trace.cut_off_daemons[0].thread == test::thread_named(trace, "Thread-1"));
    CHECK(trace.cut_off_daemons[0].mid_work);
    // The daemon never gets to its "finishing" line; main's lines are all there.
    const std::vector<std::string> lines = lines_of(trace);
    std::vector<std::string> main_lines;
    for (const std::string& line : lines) {
      CHECK(line != "Thread 1: finishing");
      if (line.rfind("Main", 0) == 0) main_lines.push_back(line);
    }
    CHECK(main_lines == std::vector<std::string>{"Main : before creating thread", "Main : before running thread",
                                                 "Main : wait for the thread to finish", "Main : all done"});
    require_replays(model, bug);
  }
  CHECK(occurrences == result.executions);
  const std::string prefix = "the main thread finished and Python killed daemon threads that still had work to do: ";
  CHECK(messages == std::set<std::string>{prefix + "Thread-1 was sleeping (2.00 s of virtual time left)", prefix + "Thread-1 was about to write stdout"});
}

TEST_CASE("daemon-cutoff --join: the daemon finishes at 2 s and its lines appear") {
  const sim::ModelInstance model = test::model("daemon-cutoff", {{"join", "true"}});
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 2);  // the daemon's first line before or after main's third
  CHECK(result.bugs.empty());
  CHECK_FALSE(result.cut_off_example.has_value());

  // Main first whenever it can run: it writes its third line before the daemon's first.
  const checker::Trace run = checker::to_trace(test::run_once(model.main));
  CHECK_FALSE(run.finding.has_value());
  CHECK(lines_of(run) == std::vector<std::string>{"Main : before creating thread", "Main : before running thread",
                                                        "Main : wait for the thread to finish", "Thread 1: starting",
                                                        "Thread 1: finishing", "Main : all done"});
  const sim::Nanos two_seconds = 2'000'000'000;
  std::vector<sim::Nanos> times;
  for (const sim::OutputLine& line : run.output) times.push_back(line.time);
  CHECK(times == std::vector<sim::Nanos>{0, 0, 0, 0, two_seconds, two_seconds});
  CHECK(run.duration == two_seconds);
}

}  // TEST_SUITE

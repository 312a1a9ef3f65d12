// Replay round trips: for every bug kind, a finding found by DFS and one found by the
// random strategy replay through checker::replay to the same finding and the same
// events, also after a trip through the compact schedule string and the JSON trace
// file. And the divergences: a schedule that names a thread that cannot run, or is
// too short or too long, stops with a message saying where.
#include "support.hpp"

#include "checker/schedule.hpp"
#include "checker/trace_file.hpp"
#include "sim/output.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"
#include "sim/check.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <unistd.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr std::uint32_t kSmallStepBound = 60;

// A lost write read by another thread raises: the exception depends on the schedule.
sim::ModelInstance throwing_model() {
  return test::inline_model("throws", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread writer([&x] { x.store(1); }, "writer");
    sim::Thread reader([&x] {
      if (x.load() == 1) throw std::runtime_error("reader saw the write");
    }, "reader");
    writer.start();
    reader.start();
    writer.join();
    reader.join();
    // When the reader ran first, main raises instead: every schedule has the finding.
    throw std::runtime_error("main raised");
  });
}

// Two threads spin on a flag nobody sets: every execution goes over the step bound.
sim::ModelInstance spinning_model() {
  return test::inline_model("spins", [] {
    sim::Shared<std::int64_t> flag("flag", 0);
    sim::Thread t([&flag] {
      while (flag.load() == 0) {
      }
    }, "spinner");
    t.start();
    while (flag.load() == 0) {
    }
  });
}

// Two threads release one lock: whichever release comes second finds it unlocked.
sim::ModelInstance misuse_model() {
  return test::inline_model("double-release", [] {
    sim::Lock lock("L");
    sim::Thread a([&lock] {
      lock.acquire();
      lock.release();
    }, "a");
    sim::Thread b([&lock] {
      sim::yield();
      lock.release();
    }, "b");
    a.start();
    b.start();
  });
}

struct BugCase {
  const char* name;
  sim::ModelInstance model;
  sim::FindingKind kind;
  std::uint32_t max_steps;
};

std::vector<BugCase> bug_cases() {
  const std::uint32_t normal = checker::ExploreOptions{}.max_steps;
  return {
      {"deadlock", test::philosophers(3), sim::FindingKind::kDeadlock, normal},
      {"lost update", test::counter(2, 2), sim::FindingKind::kAssertion, normal},
      {"uncaught exception", throwing_model(), sim::FindingKind::kUncaughtException, normal},
      {"step bound", spinning_model(), sim::FindingKind::kStepBound, kSmallStepBound},
      {"misuse", misuse_model(), sim::FindingKind::kMisuse, normal},
      {"executor deadlock", test::model("executor-deadlock"), sim::FindingKind::kDeadlock, normal},
  };
}

std::vector<checker::ExploreOptions> finders(std::uint32_t max_steps) {
  std::vector<checker::ExploreOptions> all = {test::dfs_first_bug(), test::random_first_bug(7),
                                              test::random_first_bug(12345)};
  for (checker::ExploreOptions& options : all) options.max_steps = max_steps;
  return all;
}

std::string strategy_label(const checker::ExploreOptions& options) {
  return options.strategy == checker::StrategyKind::kDfs ? "DFS" : "random seed " + std::to_string(options.seed);
}

std::string fresh_temp_dir() {
  static int counter = 0;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("interleave-test-replay-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_SUITE("replay") {

TEST_CASE("every bug kind, found by DFS and by random, replays to the same finding and events") {
  for (const BugCase& c : bug_cases()) {
    for (const checker::ExploreOptions& options : finders(c.max_steps)) {
      const std::string case_name = c.name;
      CAPTURE(case_name);
      CAPTURE(strategy_label(options));
      const checker::ExploreResult result = checker::explore(c.model, options);
      REQUIRE(result.bugs.size() == 1);
      const checker::Trace& found = result.bugs[0].trace;
      REQUIRE(found.finding.has_value());
      CHECK(found.finding->kind == c.kind);
      CHECK(found.choices.size() <= c.max_steps);

      const checker::ReplayResult replayed = checker::replay(c.model, found.choices, {.max_steps = c.max_steps});
      CHECK_FALSE(replayed.divergence.has_value());
      test::require_same_trace(replayed.trace, found);
    }
  }
}

TEST_CASE("events line up with the choices that scheduled them") {
  // Event.decision counts the scheduling points passed before the step, so the first
  // event after choice k (1-based) has decision k and is a step of the chosen thread;
  // decisions never go down; one switch reason per choice.
  for (const BugCase& c : bug_cases()) {
    const std::string case_name = c.name;
      CAPTURE(case_name);
    checker::ExploreOptions options = test::random_first_bug(21);
    options.max_steps = c.max_steps;
    const checker::ExploreResult result = checker::explore(c.model, options);
    REQUIRE(result.bugs.size() == 1);
    const checker::Trace& trace = result.bugs[0].trace;
    CHECK(trace.reasons.size() == trace.choices.size());
    std::uint32_t last = 0;
    std::vector<bool> seen(trace.choices.size() + 1, false);
    for (const sim::Event& e : trace.events) {
      CHECK(e.decision >= last);
      REQUIRE(e.decision <= trace.choices.size());
      CHECK(e.thread < trace.thread_names.size());
      if (e.decision > 0 && !seen[e.decision]) {
        seen[e.decision] = true;
        CAPTURE(e.decision);
        CHECK(e.thread == trace.choices[e.decision - 1]);
      }
      last = e.decision;
    }
    // (The misuse case's last choice is checked on its own below.)
    const std::size_t checked = trace.choices.size() - (c.kind == sim::FindingKind::kMisuse ? 1 : 0);
    for (std::size_t k = 1; k <= checked; ++k) {
      CAPTURE(k);
      CHECK(seen[k]);
    }
  }
}

TEST_CASE("the operation that was misused is in the trace") {
  // The scheduler chose b's release; the release found L unlocked and ended the
  // execution. A report of the trace should show that release as the last step.
  const sim::ModelInstance model = misuse_model();
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  REQUIRE(trace.finding->kind == sim::FindingKind::kMisuse);
  REQUIRE_FALSE(trace.events.empty());
  const sim::Event& last = trace.events.back();
  CHECK(last.thread == trace.finding->thread);
  CHECK(last.kind == sim::OpKind::kRelease);
  CHECK(last.decision == trace.choices.size());
}

TEST_CASE("a replayed execution without a finding reproduces its outcome") {
  // The first DFS execution of the locked counter: no bug, outcome T*K.
  const sim::ModelInstance model = test::counter(2, 2, true);
  const sim::ExecutionRecord first = [&] {
    sim::Runtime runtime;
    test::FirstEnabled scheduler;
    return sim::ExecutionRecord(runtime.run(model.main, scheduler, {}));
  }();
  REQUIRE_FALSE(first.finding.has_value());
  const checker::ReplayResult replayed = checker::replay(model, first.choices);
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_trace(replayed.trace, checker::to_trace(first));
  CHECK(replayed.trace.outcome == sim::Outcome{std::int64_t{4}});
}

TEST_CASE("the step-bound finding replays only under the same bound") {
  const sim::ModelInstance model = spinning_model();
  checker::ExploreOptions options = test::dfs_first_bug();
  options.max_steps = kSmallStepBound;
  const checker::ExploreResult result = checker::explore(model, options);
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& found = result.bugs[0].trace;
  CHECK(found.choices.size() == kSmallStepBound);
  // A larger bound lets the execution go on where the schedule ends.
  const checker::ReplayResult longer = checker::replay(model, found.choices, {.max_steps = kSmallStepBound * 2});
  REQUIRE(longer.divergence.has_value());
  CHECK(longer.divergence->rfind("the schedule ends after " + std::to_string(kSmallStepBound) + " steps", 0) == 0);
}

TEST_CASE("round trip through the compact schedule string") {
  for (const BugCase& c : bug_cases()) {
    if (c.model.name != "philosophers" && c.model.name != "counter" && c.model.name != "executor-deadlock") {
      continue;  // registered models only: the string names the model to instantiate
    }
    const std::string case_name = c.name;
      CAPTURE(case_name);
    const checker::ExploreResult result = checker::explore(c.model, test::random_first_bug(3));
    REQUIRE(result.bugs.size() == 1);
    const checker::Trace& found = result.bugs[0].trace;
    const std::string text = checker::encode_schedule(c.model, {found.choices, found.draws, false});
    CAPTURE(text);
    const checker::ParsedSchedule parsed = checker::parse_schedule(text);
    CHECK(parsed.model == c.model.name);
    CHECK(parsed.params == c.model.params);
    CHECK(parsed.run.choices == found.choices);
    CHECK(parsed.run.draws == found.draws);
    CHECK_FALSE(parsed.run.ignore_time);

    const sim::ModelInstance again = models::instantiate(parsed.model, parsed.params);
    const checker::ReplayResult replayed = checker::replay(again, parsed.run.choices, {.max_steps = c.max_steps});
    CHECK_FALSE(replayed.divergence.has_value());
    test::require_same_trace(replayed.trace, found);
  }
}

TEST_CASE("round trip through a JSON trace file") {
  const std::string dir = fresh_temp_dir();
  for (const BugCase& c : bug_cases()) {
    if (c.model.name != "philosophers" && c.model.name != "counter" && c.model.name != "executor-deadlock") {
      continue;
    }
    const std::string case_name = c.name;
      CAPTURE(case_name);
    checker::ExploreOptions options = test::random_first_bug(5);
    options.max_steps = c.max_steps;
    const checker::ExploreResult result = checker::explore(c.model, options);
    REQUIRE(result.bugs.size() == 1);
    const checker::FoundBug& bug = result.bugs[0];
    const std::filesystem::path file = std::filesystem::path(dir) / (c.model.name + ".json");
    checker::write_trace_file(file, c.model, bug, options);

    const checker::LoadedTrace loaded = checker::read_trace_file(file);
    CHECK(loaded.model == c.model.name);
    CHECK(loaded.params == c.model.params);
    CHECK(loaded.run.choices == bug.trace.choices);
    CHECK(loaded.strategy == bug.strategy);
    CHECK(loaded.max_steps == c.max_steps);
    CHECK(loaded.finding_kind == std::string(sim::finding_kind_name(bug.trace.finding->kind)));
    CHECK(loaded.finding_message == bug.trace.finding->message);
    CHECK(loaded.steps.size() == loaded.run.choices.size());

    const checker::ReplayResult replayed =
        checker::replay(models::instantiate(loaded.model, loaded.params), loaded.run.choices, {.max_steps = c.max_steps});
    CHECK_FALSE(replayed.divergence.has_value());
    test::require_same_trace(replayed.trace, bug.trace);
    CHECK(checker::labelled_steps(replayed.trace).size() == loaded.steps.size());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("divergence: the schedule names a thread that is blocked") {
  // Locked counter, 2 threads x 1: at the first point Thread-1 takes the lock; at the
  // second only Thread-1 can run (Thread-2 waits for the lock, main for the join).
  const sim::ModelInstance model = test::counter(2, 1, true);
  const std::vector<sim::ThreadId> choices = {1, 2};
  const checker::ReplayResult replayed = checker::replay(model, choices);
  REQUIRE(replayed.divergence.has_value());
  CHECK(*replayed.divergence == "at step 2 the schedule runs Thread-2, which cannot run now (runnable: Thread-1)");
  CHECK(replayed.trace.choices == std::vector<sim::ThreadId>{1});
  CHECK_FALSE(replayed.trace.finding.has_value());
}

TEST_CASE("divergence: the schedule names a thread that does not exist") {
  const std::vector<sim::ThreadId> choices = {7};
  const checker::ReplayResult replayed = checker::replay(test::counter(2, 1), choices);
  REQUIRE(replayed.divergence.has_value());
  CHECK(*replayed.divergence == "at step 1 the schedule runs thread 7, which cannot run now (runnable: Thread-1, Thread-2)");
  CHECK(replayed.trace.choices.empty());
}

TEST_CASE("divergence: the schedule is too short") {
  const sim::ModelInstance model = test::counter(2, 2);
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  std::vector<sim::ThreadId> choices = result.bugs[0].trace.choices;
  // The counter's last scheduling point is main's final load, after every join: only
  // main can run there.
  REQUIRE(choices.back() == sim::kMainThread);
  choices.pop_back();
  const checker::ReplayResult replayed = checker::replay(model, choices);
  REQUIRE(replayed.divergence.has_value());
  CHECK(*replayed.divergence == "the schedule ends after " + std::to_string(choices.size()) +
                                    " steps, but the execution goes on (runnable: main)");
  CHECK(replayed.trace.choices == choices);
  CHECK_FALSE(replayed.trace.finding.has_value());

  const checker::ReplayResult empty = checker::replay(model, {});
  REQUIRE(empty.divergence.has_value());
  CHECK(*empty.divergence == "the schedule ends after 0 steps, but the execution goes on (runnable: Thread-1, Thread-2)");
}

TEST_CASE("divergence: the schedule is too long") {
  const sim::ModelInstance model = test::counter(2, 2);
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  std::vector<sim::ThreadId> choices = result.bugs[0].trace.choices;
  const std::size_t real = choices.size();
  choices.push_back(sim::kMainThread);
  const checker::ReplayResult replayed = checker::replay(model, choices);
  REQUIRE(replayed.divergence.has_value());
  CHECK(*replayed.divergence == "the execution ended after " + std::to_string(real) +
                                    " steps, but the schedule has " + std::to_string(real + 1));
  // The execution itself ran to its end, finding included.
  test::require_same_trace(replayed.trace, result.bugs[0].trace);
}

TEST_CASE("a schedule for a different model diverges instead of running wild") {
  const checker::ExploreResult result = checker::explore(test::philosophers(3), test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::ReplayResult replayed = checker::replay(test::philosophers(2), result.bugs[0].trace.choices);
  CHECK(replayed.divergence.has_value());
}

}  // TEST_SUITE

TEST_SUITE("replay: draws and time mode") {

TEST_CASE("the schedule string carries random() draws and the time mode, and parses back") {
  const sim::ModelInstance model = test::counter(2, 1);
  const checker::RunSchedule run{{1, 1, 2, 2, 0}, {41, 0, 18446744073709551615ull}, true};
  const std::string text = checker::encode_schedule(model, run);
  CHECK(text == "counter:threads=2,iters=1,locked=false:1x2.2x2.0:time=ignored,draws=41.0.18446744073709551615");
  const checker::ParsedSchedule parsed = checker::parse_schedule(text);
  CHECK(parsed.run.choices == run.choices);
  CHECK(parsed.run.draws == run.draws);
  CHECK(parsed.run.ignore_time);
  // Without extras the fourth field is absent, and virtual time is the default.
  CHECK(checker::encode_schedule(model, {{0}, {}, false}) == "counter:threads=2,iters=1,locked=false:0");
  CHECK_FALSE(checker::parse_schedule("counter::0:time=virtual").run.ignore_time);
  CHECK_THROWS_WITH_AS(checker::parse_schedule("counter::0:time=later"),
                       "malformed schedule: time must be 'ignored' or 'virtual' at character 17",
                       checker::InputError);
  CHECK_THROWS_WITH_AS(checker::parse_schedule("counter::0:draws=18446744073709551616"),
                       "malformed schedule: draw value too large at character 18", checker::InputError);
  CHECK_THROWS_WITH_AS(checker::parse_schedule("counter::0:colour=red"),
                       "malformed schedule: unknown schedule field 'colour' (expected time or draws) at character 12",
                       checker::InputError);
}

TEST_CASE("random() draws found by the random strategy replay exactly") {
  // Two threads each draw a number and store it; the last store wins. Which numbers
  // are drawn depends on the strategy's stream, so only the recorded draws reproduce it.
  const sim::ModelInstance model = test::inline_model("draws", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread a([&x] { x.store(sim::randint(1, 101)); });
    sim::Thread b([&x] { x.store(sim::randint(1, 101)); });
    a.start();
    b.start();
    a.join();
    b.join();
    const std::int64_t last = x.load();
    sim::outcome(last);
    sim::check(last != 0, "never");
  });
  const checker::Trace trace = checker::run_one(model, 7, {});
  REQUIRE(trace.draws.size() == 2);
  for (std::uint64_t d : trace.draws) CHECK(d < 101);
  const checker::ReplayResult replayed = checker::replay(model, trace.choices, {.draws = trace.draws});
  CHECK_FALSE(replayed.divergence.has_value());
  CHECK(replayed.trace.outcome == trace.outcome);
  CHECK(replayed.trace.draws == trace.draws);
  // Without the draws the replay stops at the first draw and says so.
  const checker::ReplayResult missing = checker::replay(model, trace.choices);
  REQUIRE(missing.divergence.has_value());
  CHECK(*missing.divergence == "random() draw 1 is missing from the recorded draws, or out of range");
}

}  // TEST_SUITE

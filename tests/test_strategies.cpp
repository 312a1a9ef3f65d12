// The strategy portfolio: preemption bounding, PCT, random walk and the default (DPOR,
// with bounded and PCT slices on trees too large for the budget). Each finds the seed
// programs' bugs and its schedules replay to the same finding; bounding finds the
// philosophers' deadlock with exactly the fewest preemptions it needs and covers
// exactly the schedules within its bound (counted here by an independent enumeration);
// same seed, same result; and every certificate says what was covered.
#include "support.hpp"

#include "checker/progress.hpp"

#include <algorithm>
#include <map>

namespace {

checker::ExploreOptions with_strategy(checker::StrategyKind kind) {
  checker::ExploreOptions options;
  options.strategy = kind;
  return options;
}

struct Named {
  const char* name;
  checker::ExploreOptions options;
};

std::vector<Named> new_strategies() {
  return {{"bounded", with_strategy(checker::StrategyKind::kBounded)},
          {"pct", with_strategy(checker::StrategyKind::kPct)},
          {"random", with_strategy(checker::StrategyKind::kRandom)},
          {"default", with_strategy(checker::StrategyKind::kDefault)}};
}

std::uint64_t preemptions(const checker::Trace& trace) {
  return static_cast<std::uint64_t>(
      std::count(trace.reasons.begin(), trace.reasons.end(), sim::SwitchReason::kPreempted));
}

// Replays a found bug's schedule and requires the same execution and finding.
void require_round_trip(const sim::ModelInstance& model, const checker::FoundBug& bug) {
  const checker::ReplayResult replayed =
      checker::replay(model, bug.trace.choices, {.draws = bug.trace.draws});
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_trace(replayed.trace, bug.trace);
}

// A stateless enumeration of every schedule, independent of the strategies: run a
// prefix, then always the lowest-numbered enabled thread; branch at every scheduling
// point past the prefix. Returns how many schedules have exactly p preemptions (as the
// runtime records them: a switch away from a thread that could have continued).
class PrefixThenFirst final : public sim::Scheduler {
 public:
  explicit PrefixThenFirst(std::vector<sim::ThreadId> prefix) : prefix_(std::move(prefix)) {}
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t decision) override {
    enabled_.emplace_back(enabled.begin(), enabled.end());
    return decision < prefix_.size() ? prefix_[decision] : enabled.front();
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
  std::vector<std::vector<sim::ThreadId>> enabled_;

 private:
  std::vector<sim::ThreadId> prefix_;
};

void enumerate(const sim::ModelInstance& model, const std::vector<sim::ThreadId>& prefix,
               std::map<std::uint64_t, std::uint64_t>& by_preemptions) {
  sim::Runtime runtime;
  PrefixThenFirst scheduler(prefix);
  const sim::ExecutionRecord& record = runtime.run(model.main, scheduler, {});
  const std::vector<sim::ThreadId> choices = record.choices;
  ++by_preemptions[static_cast<std::uint64_t>(
      std::count(record.reasons.begin(), record.reasons.end(), sim::SwitchReason::kPreempted))];
  const std::vector<std::vector<sim::ThreadId>> enabled = scheduler.enabled_;
  for (std::size_t d = prefix.size(); d < choices.size(); ++d) {
    for (std::size_t j = 1; j < enabled[d].size(); ++j) {
      std::vector<sim::ThreadId> next(choices.begin(), choices.begin() + static_cast<std::ptrdiff_t>(d));
      next.push_back(enabled[d][j]);
      enumerate(model, next, by_preemptions);
    }
  }
}

void require_same_result(const checker::ExploreResult& a, const checker::ExploreResult& b) {
  CHECK(a.certificate == b.certificate);
  CHECK(a.executions == b.executions);
  CHECK(a.sleep_set_blocked == b.sleep_set_blocked);
  CHECK(a.bounded_reruns == b.bounded_reruns);
  CHECK(a.outcomes.size() == b.outcomes.size());
  REQUIRE(a.bugs.size() == b.bugs.size());
  for (std::size_t i = 0; i < a.bugs.size(); ++i) {
    CHECK(a.bugs[i].strategy == b.bugs[i].strategy);
    CHECK(a.bugs[i].execution == b.bugs[i].execution);
    test::require_same_trace(a.bugs[i].trace, b.bugs[i].trace);
  }
}

// Forces the default search to interleave: DPOR alone for 100 executions, then the
// Knuth estimate of counter 3x2's 34,650 schedules exceeds the 1,836 left.
checker::ExploreOptions small_portfolio() {
  checker::ExploreOptions options;
  options.portfolio_probe = 100;
  options.max_executions = 2'000;
  options.stop_at_first_bug = false;
  return options;
}

}  // namespace

TEST_SUITE("strategies") {

TEST_CASE("each strategy finds the seed programs' bugs, and the schedules replay") {
  struct Subject {
    sim::ModelInstance model;
    sim::FindingKind kind;
  };
  const Subject subjects[] = {
      {test::philosophers(5), sim::FindingKind::kDeadlock},
      {test::model("executor-deadlock"), sim::FindingKind::kDeadlock},
      {test::model("producer-consumer-event"), sim::FindingKind::kDeadlock},
  };
  for (const Named& strategy : new_strategies()) {
    for (const Subject& s : subjects) {
      CAPTURE(strategy.name);
      CAPTURE(s.model.name);
      const checker::ExploreResult result = checker::explore(s.model, strategy.options);
      REQUIRE(result.bugs.size() == 1);
      CHECK(result.bugs[0].trace.finding->kind == s.kind);
      CHECK(result.certificate.rfind("stopped at the first bug, found by ", 0) == 0);
      require_round_trip(s.model, result.bugs[0]);
    }
  }
}

TEST_CASE("bounded: the philosophers' deadlock with exactly one preemption, none with zero") {
  // With no preemption a thread runs until it blocks or finishes; the first philosopher
  // to run then takes both forks (nobody holds any), so no one ever waits while holding
  // a fork, and there is no deadlock. One preemption suffices: philosopher n-1 takes its
  // left fork and is preempted; then philosophers n-2, ..., 0 each take their left fork
  // and block on the right one (held by the next), a free switch each time.
  for (int n = 2; n <= 6; ++n) {
    CAPTURE(n);
    checker::ExploreOptions options = with_strategy(checker::StrategyKind::kBounded);
    options.max_preemptions = 0;
    const checker::ExploreResult none = checker::explore(test::philosophers(n), options);
    CHECK(none.bugs.empty());
    CHECK_FALSE(none.exhaustive);
    CHECK(none.certificate == "all schedules with ≤ 0 preemptions (" + checker::with_commas(none.executions) +
                                  " executions): not exhaustive");

    options.max_preemptions = 3;
    const checker::ExploreResult found = checker::explore(test::philosophers(n), options);
    REQUIRE(found.bugs.size() == 1);
    CHECK(preemptions(found.bugs[0].trace) == 1);
    CHECK(found.bugs[0].strategy == "preemption bounding (bound 1)");
    // Iteration 1 starts after every 0-preemption schedule ran once.
    CHECK(found.bugs[0].execution > none.executions);
    CHECK(found.certificate == "stopped at the first bug, found by preemption-bounded execution " +
                                   checker::with_commas(found.executions) +
                                   ", with 1 preemption, after all schedules with ≤ 0 preemptions");
  }
}

TEST_CASE("bounded: exactly the schedules within the bound, each once; exhaustive at the largest count") {
  for (const sim::ModelInstance& model : {test::counter(2, 2), test::counter(3, 1), test::counter(2, 1, true)}) {
    CAPTURE(model.params);
    std::map<std::uint64_t, std::uint64_t> by_preemptions;
    enumerate(model, {}, by_preemptions);
    const std::uint64_t most = by_preemptions.rbegin()->first;
    std::uint64_t within = 0;
    for (std::uint32_t k = 0; k <= most; ++k) {
      CAPTURE(k);
      within += by_preemptions[k];
      checker::ExploreOptions options = with_strategy(checker::StrategyKind::kBounded);
      options.stop_at_first_bug = false;
      options.max_preemptions = k;
      const checker::ExploreResult result = checker::explore(model, options);
      CHECK(result.executions == within);
      CHECK(result.exhaustive == (k == most));
      if (k == most) {
        CHECK(result.certificate.rfind("exhaustive: all " + checker::with_commas(within) +
                                           " schedules explored (preemption bounding: none has more than " +
                                           std::to_string(most) + " preemption",
                                       0) == 0);
        // Exhaustive: each schedule counted once, as DFS counts them.
        const checker::ExploreResult dfs = checker::explore(model, test::dfs_all());
        CHECK(test::int_outcome_counts(result) == test::int_outcome_counts(dfs));
      } else {
        CHECK(result.certificate.rfind("all schedules with ≤ " + std::to_string(k) + " preemption", 0) == 0);
        CHECK(result.certificate.ends_with(": not exhaustive"));
      }
    }
  }
}

TEST_CASE("same seed, same result: bounded, PCT, random and the interleaving default") {
  std::vector<checker::ExploreOptions> all;
  for (const Named& strategy : new_strategies()) all.push_back(strategy.options);
  all.push_back(small_portfolio());
  for (checker::ExploreOptions options : all) {
    for (const std::uint64_t seed : {1ull, 7ull}) {
      options.seed = seed;
      options.random_executions = 300;
      options.max_executions = std::min<std::uint64_t>(options.max_executions, 5'000);
      for (const sim::ModelInstance& model : {test::counter(3, 2), test::philosophers(4)}) {
        CAPTURE(static_cast<int>(options.strategy));
        CAPTURE(seed);
        CAPTURE(model.name);
        require_same_result(checker::explore(model, options), checker::explore(model, options));
      }
    }
  }
}

TEST_CASE("PCT and random walk: different seeds, different executions") {
  for (const checker::StrategyKind kind : {checker::StrategyKind::kPct, checker::StrategyKind::kRandom}) {
    checker::ExploreOptions options = with_strategy(kind);
    options.seed = 1;
    const checker::ExploreResult one = checker::explore(test::philosophers(6), options);
    options.seed = 2;
    const checker::ExploreResult two = checker::explore(test::philosophers(6), options);
    REQUIRE(one.bugs.size() == 1);
    REQUIRE(two.bugs.size() == 1);
    CHECK(one.bugs[0].trace.choices != two.bugs[0].trace.choices);
  }
}

TEST_CASE("certificates say what was covered") {
  const sim::ModelInstance locked = test::counter(2, 1, true);
  checker::ExploreOptions options = with_strategy(checker::StrategyKind::kPct);
  options.stop_at_first_bug = false;
  options.random_executions = 25;
  options.seed = 9;
  CHECK(checker::explore(locked, options).certificate == "25 random executions (PCT d=3, seed 9): not exhaustive");
  options.pct_depth = 5;
  CHECK(checker::explore(locked, options).certificate == "25 random executions (PCT d=5, seed 9): not exhaustive");

  options.strategy = checker::StrategyKind::kRandom;
  CHECK(checker::explore(locked, options).certificate ==
        "25 random executions (random walk, seed 9): not exhaustive");

  // The default on a small model: DPOR alone, exhaustive. Racy counter 2x2 has 34 traces.
  options = checker::ExploreOptions{};
  options.stop_at_first_bug = false;
  const checker::ExploreResult dpor = checker::explore(test::counter(2, 2), options);
  CHECK(dpor.exhaustive);
  CHECK(dpor.executions == 34);
  CHECK(dpor.certificate == "exhaustive: all 34 traces explored (DPOR)");
}

TEST_CASE("the default interleaves bounded slices with DPOR when the tree exceeds the budget") {
  const checker::ExploreResult result = checker::explore(test::counter(3, 2), small_portfolio());
  CHECK(result.limit_hit);
  CHECK_FALSE(result.exhaustive);
  // 100 DPOR executions, 64 probes, then slices of 900 DPOR and 100 bounded executions
  // until the 2,000 executions are spent: 100 + 64 + 900 + 100 + 836.
  CHECK(result.executions + result.sleep_set_blocked + result.bounded_reruns == 2'000);
  // The bounded slice covered every schedule with <= 1 preemption, then went on with 2;
  // the counts by preemptions come from the independent enumeration.
  std::map<std::uint64_t, std::uint64_t> by_preemptions;
  enumerate(test::counter(3, 2), {}, by_preemptions);
  const std::uint64_t bounded_runs = 100 - result.bounded_reruns;
  REQUIRE(bounded_runs > by_preemptions[0] + by_preemptions[1]);
  CHECK(result.certificate ==
        "stopped at the 2,000-execution limit (" + checker::with_commas(1'836 - result.sleep_set_blocked) +
            " DPOR executions, 64 random-walk probes, all schedules with ≤ 1 preemption (" +
            std::to_string(bounded_runs) + " executions, " +
            std::to_string(bounded_runs - by_preemptions[0] - by_preemptions[1]) +
            " of them with 2 preemptions, besides " + std::to_string(result.bounded_reruns) +
            " reruns of schedules with fewer preemptions)): not exhaustive; Knuth's estimate of the DFS tree, "
            "an upper bound on DPOR's traces: ~" +
            result.certificate.substr(result.certificate.rfind('~') + 1));
  CHECK(result.certificate.ends_with(" schedules"));
  // Not exhaustive, so the outcomes are those seen so far, from every strategy.
  CHECK(test::int_outcomes(result) == test::range(2, 6));
}

TEST_CASE("the default's side slices: bounded up to its bound, then PCT up to its count, then DPOR alone") {
  checker::ExploreOptions options = small_portfolio();
  options.max_preemptions = 0;
  options.random_executions = 30;
  options.max_executions = 4'000;
  const checker::ExploreResult result = checker::explore(test::counter(3, 2), options);
  std::map<std::uint64_t, std::uint64_t> by_preemptions;
  enumerate(test::counter(3, 2), {}, by_preemptions);
  // 100 DPOR, 64 probes, then (900 DPOR + side) slices: the bounded iteration 0 and 30
  // PCT executions fit in the first two side slices; the rest of the budget is DPOR's.
  const std::uint64_t side = by_preemptions[0] + 30;
  CHECK(result.executions + result.sleep_set_blocked == 4'000);
  CHECK(result.certificate ==
        "stopped at the 4,000-execution limit (" + checker::with_commas(4'000 - 64 - side - result.sleep_set_blocked) +
            " DPOR executions, 64 random-walk probes, all schedules with ≤ 0 preemptions (" +
            std::to_string(by_preemptions[0]) +
            " executions), 30 random executions (PCT d=3, seed 1)): not exhaustive; Knuth's estimate of the DFS "
            "tree, an upper bound on DPOR's traces: ~" +
            result.certificate.substr(result.certificate.rfind('~') + 1));
}

TEST_CASE("the progress line: what it shows, and nothing when disabled") {
  checker::ExploreProgress progress;
  progress.executions = 1'000;
  progress.findings = 1;
  progress.remaining = 9'000;
  progress.basis = "DFS stack estimate";
  CHECK(checker::ProgressLine::render(progress, 2.0) ==
        "1,000 executions, 500/s, 2.0 s, 1 finding, ~9,000 left (DFS stack estimate)");
  progress.reruns = 24;
  progress.remaining = 12'345'678;
  CHECK(checker::ProgressLine::render(progress, 0.5) ==
        "1,000 executions (+24 reruns), 2,048/s, 0.5 s, 1 finding, ~12.3M left (DFS stack estimate)");
  checker::ProgressLine quiet(false);
  CHECK_FALSE(quiet.callback());
}

TEST_CASE("a progress callback does not change the search") {
  for (const checker::StrategyKind kind : {checker::StrategyKind::kDpor, checker::StrategyKind::kDfs,
                                           checker::StrategyKind::kBounded, checker::StrategyKind::kDefault}) {
    CAPTURE(static_cast<int>(kind));
    checker::ExploreOptions options = with_strategy(kind);
    options.stop_at_first_bug = false;
    options.max_executions = 3'000;
    const checker::ExploreResult plain = checker::explore(test::counter(3, 2), options);
    std::uint64_t calls = 0;
    options.progress = [&](const checker::ExploreProgress& p) {
      ++calls;
      CHECK(p.executions + p.reruns <= options.max_executions);
    };
    const checker::ExploreResult watched = checker::explore(test::counter(3, 2), options);
    require_same_result(plain, watched);
    // Every 256 executions, reruns included (the probes a display asks DPOR for are not).
    CHECK(calls == (watched.executions + watched.sleep_set_blocked + watched.bounded_reruns) / 256);
  }
}

}  // TEST_SUITE

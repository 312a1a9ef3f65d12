// The checker's library entry points: explore a model with a strategy and collect
// findings, outcomes and an honest certificate of what was covered; replay one
// recorded schedule.
#pragma once

#include "sim/execution.hpp"
#include "sim/model_instance.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace checker {

enum class StrategyKind {
  // DPOR; on a model whose tree (Knuth's estimate) exceeds the execution budget, with
  // preemption-bounded and PCT executions interleaved (checker/strategies/portfolio.hpp).
  kDefault,
  kDfs,
  // Dynamic partial-order reduction (checker/strategies/dpor.hpp): exhaustive like
  // DFS, with one execution per Mazurkiewicz trace as the goal.
  kDpor,
  // Iterative preemption bounding up to max_preemptions (checker/strategies/bounded.hpp).
  kBounded,
  kPct,     // random_executions PCT executions of depth pct_depth (strategies/pct.hpp)
  kRandom,  // random_executions random walks (strategies/random.hpp)
};

// What explore() tells a progress display now and then (every few hundred executions;
// never depends on time, so the search is the same with or without a display).
struct ExploreProgress {
  std::uint64_t executions = 0;  // counted so far
  std::uint64_t reruns = 0;      // repeats not counted: sleep-set blocked, bounded reruns
  std::uint64_t findings = 0;    // distinct bugs
  std::optional<double> remaining;  // estimated executions still to run, if known
  std::string basis;                // how `remaining` was estimated
};

struct ExploreOptions {
  StrategyKind strategy = StrategyKind::kDefault;
  std::uint64_t seed = 1;
  std::uint64_t max_executions = 5'000'000;  // over all strategies, reruns included
  std::uint64_t random_executions = 10'000;  // of kRandom and kPct
  std::uint32_t max_preemptions = 2;         // K of kBounded, and of kDefault's bounded slices
  std::uint32_t pct_depth = 3;               // d of kPct and of kDefault's PCT slices
  std::uint64_t portfolio_probe = 1'000;     // DPOR executions of kDefault before the estimate
  std::uint32_t max_steps = 10'000;          // scheduling points per execution
  bool ignore_time = false;                  // see sim::RunOptions
  bool stop_at_first_bug = true;
  // Check every execution without another finding for data races
  // (checker/race_detector.hpp): each distinct race is a bug, listed after the others,
  // that never stops the search.
  bool detect_races = false;
  // Optional: called every few hundred executions. Setting it also makes DPOR's search
  // estimate its tree (random-walk probes that are not counted), for the display.
  std::function<void(const ExploreProgress&)> progress;
};

// One execution, kept whole so it can be shown, saved and replayed.
struct Trace {
  std::vector<sim::ThreadId> choices;
  std::vector<sim::SwitchReason> reasons;
  std::vector<std::uint64_t> draws;
  std::vector<sim::Event> events;
  std::vector<std::string> thread_names;
  std::vector<std::string> object_names;
  std::optional<sim::Outcome> outcome;
  std::optional<sim::Finding> finding;
  std::vector<sim::CutOffDaemon> cut_off_daemons;
  std::vector<sim::OutputLine> output;
  sim::Nanos duration = 0;
};

Trace to_trace(const sim::ExecutionRecord& record);

struct FoundBug {
  Trace trace;               // trace.finding is set
  std::string strategy;      // what found it, e.g. "random walk (seed 1)"
  std::uint64_t execution;   // 1-based index of the execution that found it
  std::uint64_t occurrences; // executions that ended with the same finding
};

struct OutcomeCount {
  sim::Outcome value;
  std::uint64_t count;  // executions that produced it
};

struct ExploreResult {
  std::uint64_t executions = 0;
  bool exhaustive = false;      // every schedule was run: "no bug" is a proof
  bool limit_hit = false;       // stopped by max_executions
  std::string certificate;      // one line: what was proven or where the search stopped
  std::vector<FoundBug> bugs;   // distinct findings, in the order found
  std::vector<OutcomeCount> outcomes;  // sorted by value; exact when `exhaustive`
  std::optional<Trace> cut_off_example;  // first execution that cut off daemon threads
  // DPOR only: executions abandoned because every enabled thread was in the sleep set
  // (they repeat an explored trace); not counted in `executions`.
  std::uint64_t sleep_set_blocked = 0;
  // Preemption bounding only: schedules rerun by a deeper iteration to reach its
  // preemption points (an earlier iteration counted them); not counted in `executions`.
  std::uint64_t bounded_reruns = 0;
};

// Explores `model`. Throws std::runtime_error if the model is not deterministic
// apart from scheduling (a replayed prefix behaved differently).
ExploreResult explore(const sim::ModelInstance& model, const ExploreOptions& options);

struct ReplayResult {
  Trace trace;
  std::optional<std::string> divergence;  // where the execution left the schedule
};

// How to rerun a recorded execution: the run options it had and its random draws.
struct ReplayOptions {
  std::uint32_t max_steps = ExploreOptions{}.max_steps;
  bool ignore_time = false;
  std::vector<std::uint64_t> draws = {};
};

ReplayResult replay(const sim::ModelInstance& model, std::span<const sim::ThreadId> choices,
                    const ReplayOptions& options = {});

// One execution under the random strategy with `seed`: what a single run of the
// program could look like (`interleave run`).
Trace run_one(const sim::ModelInstance& model, std::uint64_t seed, const ExploreOptions& options);

// "34650" -> "34,650", for certificates and reports.
std::string with_commas(std::uint64_t number);

}  // namespace checker

// The checker's library entry points: explore a model with a strategy and collect
// findings, outcomes and an honest certificate of what was covered; replay one
// recorded schedule.
#pragma once

#include "sim/execution.hpp"
#include "sim/model_instance.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace checker {

enum class StrategyKind {
  // A short DFS probe (answers small models exactly), then seeded random executions
  // (fast on deep bugs DFS reaches late), then DFS resumes where the probe stopped.
  kDefault,
  kDfs,
  kRandom,
  // Dynamic partial-order reduction (checker/strategies/dpor.hpp): exhaustive like
  // DFS, with one execution per Mazurkiewicz trace as the goal.
  kDpor,
};

struct ExploreOptions {
  StrategyKind strategy = StrategyKind::kDefault;
  std::uint64_t seed = 1;
  std::uint64_t max_executions = 1'000'000;  // over all phases
  std::uint64_t dfs_probe_executions = 1'000;  // the first phase of kDefault
  std::uint64_t random_executions = 2'000;     // the random phase of kDefault; all of kRandom
  std::uint32_t max_steps = 10'000;          // scheduling points per execution
  bool ignore_time = false;                  // see sim::RunOptions
  bool stop_at_first_bug = true;
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
  std::string strategy;      // what found it, e.g. "random (seed 1)"
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

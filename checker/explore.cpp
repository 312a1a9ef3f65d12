#include "checker/explore.hpp"

#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "checker/strategies/random.hpp"
#include "checker/strategies/replay.hpp"
#include "sim/runtime.hpp"

#include <map>
#include <stdexcept>
#include <utility>

namespace checker {

std::string with_commas(std::uint64_t number) {
  const std::string digits = std::to_string(number);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

Trace to_trace(const sim::ExecutionRecord& record) {
  return Trace{record.choices,         record.reasons, record.draws,   record.events,
               record.thread_names,    record.object_names, record.outcome, record.finding,
               record.cut_off_daemons, record.output, record.duration};
}

namespace {

// Accumulates what the executions of one exploration found.
class Collector {
 public:
  explicit Collector(bool stop_at_first_bug) : stop_at_first_bug_(stop_at_first_bug) {}

  // Returns false when the search should stop. DFS runs every schedule once, so its
  // outcome counts are kept apart from those of random executions.
  bool add(const sim::ExecutionRecord& record, const Strategy& strategy, bool from_dfs) {
    ++result_.executions;
    if (record.outcome) ++(from_dfs ? dfs_outcomes_ : random_outcomes_)[*record.outcome];
    if (!record.cut_off_daemons.empty() && !result_.cut_off_example) {
      result_.cut_off_example = to_trace(record);
    }
    if (!record.finding) return true;
    for (FoundBug& bug : result_.bugs) {
      if (bug.trace.finding->kind == record.finding->kind &&
          bug.trace.finding->message == record.finding->message) {
        ++bug.occurrences;
        return !stop_at_first_bug_;
      }
    }
    result_.bugs.push_back({to_trace(record), strategy.describe(), result_.executions, 1});
    return !stop_at_first_bug_;
  }

  ExploreResult& result() { return result_; }

  // Exhaustive results count each schedule once; otherwise every execution counts.
  ExploreResult finish() {
    if (!result_.exhaustive) {
      for (const auto& [value, count] : random_outcomes_) dfs_outcomes_[value] += count;
    }
    for (const auto& [value, count] : dfs_outcomes_) result_.outcomes.push_back({value, count});
    return std::move(result_);
  }

 private:
  bool stop_at_first_bug_;
  ExploreResult result_;
  std::map<sim::Outcome, std::uint64_t> dfs_outcomes_;
  std::map<sim::Outcome, std::uint64_t> random_outcomes_;
};

enum class PhaseEnd { kDone, kStopped, kBudget, kLimit };

// Runs `strategy` until it is done, the collector says stop, `budget` executions of
// this phase have run, or the overall limit is reached. `prepared` says the strategy
// already has its next execution lined up (a phase that stopped on its budget leaves
// it so, since asking for the next execution is what reveals that none is left).
PhaseEnd run_phase(sim::Runtime& runtime, const sim::ModelInstance& model, Strategy& strategy,
                   bool is_dfs, std::uint64_t budget, bool& prepared,
                   const ExploreOptions& options, Collector& collector) {
  for (std::uint64_t ran = 0;; ++ran) {
    if (!std::exchange(prepared, true) && !strategy.next_execution()) return PhaseEnd::kDone;
    if (collector.result().executions == options.max_executions) return PhaseEnd::kLimit;
    if (ran == budget) return PhaseEnd::kBudget;
    prepared = false;
    const sim::ExecutionRecord& record =
        runtime.run(model.main, strategy, {options.max_steps, options.ignore_time});
    strategy.execution_finished(record);
    if (record.abandoned) {
      throw std::runtime_error(
          "model '" + model.name +
          "' is not deterministic: replaying a schedule prefix gave a different set of runnable "
          "threads (models may not use real time, real I/O or unseeded randomness)");
    }
    if (!collector.add(record, strategy, is_dfs)) return PhaseEnd::kStopped;
  }
}

std::string plural(std::uint64_t n, const char* word) {
  return with_commas(n) + " " + word + (n == 1 ? "" : "s");
}

// One exploration: the phases of the chosen strategy and the certificate they earn.
class Exploration {
 public:
  Exploration(const sim::ModelInstance& model, const ExploreOptions& options)
      : model_(model), options_(options), collector_(options.stop_at_first_bug),
        random_(options.seed, options.random_executions) {}

  ExploreResult run() {
    switch (options_.strategy) {
      case StrategyKind::kDfs:
        finish_dfs(run_dfs(kUnbounded));
        break;
      case StrategyKind::kRandom:
        finish_random(run_random());
        break;
      case StrategyKind::kDpor:
        finish_dpor(run_dpor());
        break;
      case StrategyKind::kDefault: {
        const PhaseEnd probe = run_dfs(options_.dfs_probe_executions);
        if (probe != PhaseEnd::kBudget) {
          finish_dfs(probe);
          break;
        }
        const PhaseEnd random = run_random();
        if (random != PhaseEnd::kDone) {
          finish_random(random);
          break;
        }
        finish_dfs(run_dfs(kUnbounded));
        break;
      }
    }
    return collector_.finish();
  }

 private:
  static constexpr std::uint64_t kUnbounded = UINT64_MAX;

  PhaseEnd run_dfs(std::uint64_t budget) {
    const std::uint64_t before = collector_.result().executions;
    const PhaseEnd end = run_phase(runtime_, model_, dfs_, true, budget, dfs_prepared_, options_, collector_);
    dfs_runs_ += collector_.result().executions - before;
    return end;
  }

  PhaseEnd run_random() {
    const std::uint64_t before = collector_.result().executions;
    bool prepared = false;
    const PhaseEnd end = run_phase(runtime_, model_, random_, false, kUnbounded, prepared, options_, collector_);
    random_runs_ = collector_.result().executions - before;
    return end;
  }

  // Like run_phase, but executions DPOR abandons as sleep-set blocked are counted apart.
  PhaseEnd run_dpor() {
    DporStrategy dpor;
    ExploreResult& result = collector_.result();
    for (;;) {
      if (!dpor.next_execution()) return PhaseEnd::kDone;
      if (result.executions + result.sleep_set_blocked >= options_.max_executions) return PhaseEnd::kLimit;
      const sim::ExecutionRecord& record =
          runtime_.run(model_.main, dpor, {options_.max_steps, options_.ignore_time});
      dpor.execution_finished(record);
      if (dpor.last_execution_diverged()) {
        throw std::runtime_error(
            "model '" + model_.name +
            "' is not deterministic: replaying a schedule prefix gave a different set of runnable "
            "threads (models may not use real time, real I/O or unseeded randomness)");
      }
      if (dpor.last_execution_blocked()) {
        ++result.sleep_set_blocked;
        continue;
      }
      ++dpor_runs_;
      if (!collector_.add(record, dpor, true)) return PhaseEnd::kStopped;
    }
  }

  void finish_dpor(PhaseEnd end) {
    ExploreResult& result = collector_.result();
    const std::string blocked =
        result.sleep_set_blocked == 0 ? "" : ", besides " + plural(result.sleep_set_blocked, "sleep-set-blocked execution");
    switch (end) {
      case PhaseEnd::kDone:
        result.exhaustive = true;
        result.certificate = "exhaustive: all " + plural(dpor_runs_, "trace") + " explored (DPOR)" + blocked;
        break;
      case PhaseEnd::kStopped:
        result.certificate = "stopped at the first bug, found by DPOR execution " + with_commas(dpor_runs_) + blocked;
        break;
      case PhaseEnd::kLimit:
      case PhaseEnd::kBudget:
        result.limit_hit = true;
        result.certificate = "stopped at the " + with_commas(options_.max_executions) + "-execution limit (" +
                             plural(dpor_runs_, "DPOR execution") + blocked + "): not exhaustive";
        break;
    }
  }

  std::string random_text() const {
    return plural(random_runs_, "random execution") + " (seed " + std::to_string(options_.seed) + ")";
  }
  std::string dfs_text() const { return plural(dfs_runs_, "DFS execution"); }
  // What the other phase did, if anything, as a trailing clause.
  std::string besides_random() const { return random_runs_ == 0 ? "" : ", besides " + random_text(); }
  std::string after_dfs() const { return dfs_runs_ == 0 ? "" : ", after " + dfs_text(); }

  void finish_dfs(PhaseEnd end) {
    ExploreResult& result = collector_.result();
    switch (end) {
      case PhaseEnd::kDone:
        result.exhaustive = true;
        result.certificate = "exhaustive: all " + plural(dfs_runs_, "schedule") + " explored (DFS)" + besides_random();
        break;
      case PhaseEnd::kStopped:
        result.certificate = "stopped at the first bug, found by DFS execution " +
                             with_commas(dfs_runs_) + besides_random();
        break;
      case PhaseEnd::kLimit:
      case PhaseEnd::kBudget:
        result.limit_hit = true;
        result.certificate = "stopped at the " + with_commas(options_.max_executions) +
                             "-execution limit (" + dfs_text() + besides_random() + "): not exhaustive";
        break;
    }
  }

  void finish_random(PhaseEnd end) {
    ExploreResult& result = collector_.result();
    switch (end) {
      case PhaseEnd::kDone:
        result.certificate = random_text() + after_dfs() + ": not exhaustive";
        break;
      case PhaseEnd::kStopped:
        result.certificate = "stopped at the first bug, found by random execution " +
                             with_commas(random_runs_) + " (seed " + std::to_string(options_.seed) + ")" + after_dfs();
        break;
      case PhaseEnd::kLimit:
      case PhaseEnd::kBudget:
        result.limit_hit = true;
        result.certificate = "stopped at the " + with_commas(options_.max_executions) +
                             "-execution limit (" + random_text() + after_dfs() + "): not exhaustive";
        break;
    }
  }

  const sim::ModelInstance& model_;
  const ExploreOptions& options_;
  Collector collector_;
  sim::Runtime runtime_;
  DfsStrategy dfs_;
  RandomStrategy random_;
  bool dfs_prepared_ = false;
  std::uint64_t dfs_runs_ = 0;
  std::uint64_t random_runs_ = 0;
  std::uint64_t dpor_runs_ = 0;
};

}  // namespace

ExploreResult explore(const sim::ModelInstance& model, const ExploreOptions& options) {
  return Exploration(model, options).run();
}

Trace run_one(const sim::ModelInstance& model, std::uint64_t seed, const ExploreOptions& options) {
  sim::Runtime runtime;
  RandomStrategy strategy(seed, 1);
  strategy.next_execution();
  return to_trace(runtime.run(model.main, strategy, {options.max_steps, options.ignore_time}));
}

ReplayResult replay(const sim::ModelInstance& model, std::span<const sim::ThreadId> choices,
                    const ReplayOptions& options) {
  sim::Runtime runtime;
  ReplayStrategy strategy({choices.begin(), choices.end()}, options.draws);
  strategy.next_execution();
  const sim::ExecutionRecord& record =
      runtime.run(model.main, strategy, {options.max_steps, options.ignore_time});
  ReplayResult result{to_trace(record), std::nullopt};
  const auto name = [&](sim::ThreadId id) {
    return id < record.thread_names.size() ? record.thread_names[id] : "thread " + std::to_string(id);
  };
  if (const auto& d = strategy.divergence(); d && d->at_draw) {
    result.divergence = "random() draw " + std::to_string(d->step + 1) +
                        " is missing from the recorded draws, or out of range";
  } else if (d) {
    std::string runnable;
    for (sim::ThreadId id : d->enabled) runnable += (runnable.empty() ? "" : ", ") + name(id);
    result.divergence =
        d->expected == sim::kNoThread
            ? "the schedule ends after " + std::to_string(choices.size()) +
                  " steps, but the execution goes on (runnable: " + runnable + ")"
            : "at step " + std::to_string(d->step + 1) + " the schedule runs " + name(d->expected) +
                  ", which cannot run now (runnable: " + runnable + ")";
  } else if (record.draws.size() < options.draws.size()) {
    result.divergence = "the execution made " + std::to_string(record.draws.size()) +
                        " random() draws, but " + std::to_string(options.draws.size()) + " were recorded";
  } else if (record.choices.size() < choices.size()) {
    result.divergence = "the execution ended after " + std::to_string(record.choices.size()) +
                        " steps, but the schedule has " + std::to_string(choices.size());
  }
  return result;
}

}  // namespace checker

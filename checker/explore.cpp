#include "checker/explore.hpp"

#include "checker/strategies/dfs.hpp"
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
  return Trace{record.choices,      record.reasons,      record.events,
               record.thread_names, record.object_names, record.outcome,
               record.finding,      record.cut_off_daemons};
}

namespace {

// Accumulates what the executions of one exploration found.
class Collector {
 public:
  explicit Collector(bool stop_at_first_bug) : stop_at_first_bug_(stop_at_first_bug) {}

  // Returns false when the search should stop.
  bool add(const sim::ExecutionRecord& record, const Strategy& strategy, std::uint64_t execution) {
    if (record.outcome) ++outcomes_[*record.outcome];
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
    result_.bugs.push_back({to_trace(record), strategy.describe(), execution, 1});
    return !stop_at_first_bug_;
  }

  void forget_outcomes() { outcomes_.clear(); }
  ExploreResult& result() { return result_; }

  ExploreResult finish() {
    for (auto& [value, count] : outcomes_) result_.outcomes.push_back({value, count});
    return std::move(result_);
  }

 private:
  bool stop_at_first_bug_;
  ExploreResult result_;
  std::map<sim::Outcome, std::uint64_t> outcomes_;
};

enum class PhaseEnd { kDone, kStopped, kLimit };

// Runs `strategy` until it is done, the collector says stop, or the budget is spent.
PhaseEnd run_phase(sim::Runtime& runtime, const sim::ModelInstance& model, Strategy& strategy,
                   const ExploreOptions& options, Collector& collector) {
  ExploreResult& result = collector.result();
  while (true) {
    if (!strategy.next_execution()) return PhaseEnd::kDone;
    if (result.executions == options.max_executions) return PhaseEnd::kLimit;
    const sim::ExecutionRecord& record = runtime.run(model.main, strategy, {options.max_steps});
    ++result.executions;
    if (record.abandoned) {
      throw std::runtime_error(
          "model '" + model.name +
          "' is not deterministic: replaying a schedule prefix gave a different set of runnable "
          "threads (models may not use real time, real I/O or unseeded randomness)");
    }
    if (!collector.add(record, strategy, result.executions)) return PhaseEnd::kStopped;
  }
}

std::string plural(std::uint64_t n, const char* word) {
  return with_commas(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

ExploreResult explore(const sim::ModelInstance& model, const ExploreOptions& options) {
  sim::Runtime runtime;
  Collector collector(options.stop_at_first_bug);
  ExploreResult& result = collector.result();
  std::string done_before;  // what an earlier phase did, for the certificate

  if (options.strategy != StrategyKind::kDfs) {
    RandomStrategy random(options.seed, options.random_executions);
    const PhaseEnd end = run_phase(runtime, model, random, options, collector);
    const std::string what = plural(result.executions, "random execution") + " (seed " +
                             std::to_string(options.seed) + ")";
    if (end == PhaseEnd::kStopped) {
      result.certificate = "stopped at the first bug, found by execution " +
                           with_commas(result.executions) + " of " + what;
      return collector.finish();
    }
    if (end == PhaseEnd::kLimit) {
      result.limit_hit = true;
      result.certificate = "stopped at the " + with_commas(options.max_executions) +
                           "-execution limit: " + what + ", not exhaustive";
      return collector.finish();
    }
    if (options.strategy == StrategyKind::kRandom) {
      result.certificate = what + ": not exhaustive";
      return collector.finish();
    }
    done_before = ", after " + what;
    collector.forget_outcomes();  // DFS counts every schedule once; random runs would double-count
  }

  const std::uint64_t before = result.executions;
  DfsStrategy dfs;
  const PhaseEnd end = run_phase(runtime, model, dfs, options, collector);
  const std::uint64_t dfs_runs = result.executions - before;
  switch (end) {
    case PhaseEnd::kDone:
      result.exhaustive = true;
      result.certificate = "exhaustive: all " + plural(dfs_runs, "schedule") + " explored (DFS)" + done_before;
      break;
    case PhaseEnd::kStopped:
      result.certificate = "stopped at the first bug, found by DFS execution " + with_commas(dfs_runs) + done_before;
      break;
    case PhaseEnd::kLimit:
      result.limit_hit = true;
      result.certificate = "stopped at the " + with_commas(options.max_executions) +
                           "-execution limit (" + plural(dfs_runs, "DFS execution") + done_before +
                           "): not exhaustive";
      break;
  }
  return collector.finish();
}

ReplayResult replay(const sim::ModelInstance& model, std::span<const sim::ThreadId> choices,
                    std::uint32_t max_steps) {
  sim::Runtime runtime;
  ReplayStrategy strategy({choices.begin(), choices.end()});
  strategy.next_execution();
  const sim::ExecutionRecord& record = runtime.run(model.main, strategy, {max_steps});
  ReplayResult result{to_trace(record), std::nullopt};
  const auto name = [&](sim::ThreadId id) {
    return id < record.thread_names.size() ? record.thread_names[id] : "thread " + std::to_string(id);
  };
  if (const auto& d = strategy.divergence()) {
    std::string runnable;
    for (sim::ThreadId id : d->enabled) runnable += (runnable.empty() ? "" : ", ") + name(id);
    result.divergence =
        d->expected == sim::kNoThread
            ? "the schedule ends after " + std::to_string(choices.size()) +
                  " steps, but the execution goes on (runnable: " + runnable + ")"
            : "at step " + std::to_string(d->step + 1) + " the schedule runs " + name(d->expected) +
                  ", which cannot run now (runnable: " + runnable + ")";
  } else if (record.choices.size() < choices.size()) {
    result.divergence = "the execution ended after " + std::to_string(record.choices.size()) +
                        " steps, but the schedule has " + std::to_string(choices.size());
  }
  return result;
}

}  // namespace checker

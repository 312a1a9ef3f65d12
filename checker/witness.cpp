#include "checker/witness.hpp"

#include "checker/strategies/dfs.hpp"
#include "sim/runtime.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace checker {

std::size_t preemptions(const std::vector<sim::SwitchReason>& reasons) {
  return static_cast<std::size_t>(std::count(reasons.begin(), reasons.end(), sim::SwitchReason::kPreempted));
}

std::size_t preemptions(const Trace& trace) { return preemptions(trace.reasons); }

WitnessResult find_witnesses(const sim::ModelInstance& model, const ExploreOptions& options) {
  WitnessResult result;
  std::map<sim::Outcome, Witness> best;
  sim::Runtime runtime;
  DfsStrategy dfs;
  for (;;) {
    if (result.executions == options.max_executions) break;  // limit reached: not exhaustive
    if (!dfs.next_execution()) {
      result.exhaustive = true;
      break;
    }
    const sim::ExecutionRecord& record = runtime.run(model.main, dfs, {options.max_steps, options.ignore_time});
    dfs.execution_finished(record);
    ++result.executions;
    if (!record.outcome) continue;
    const std::size_t steps = record.events.size();
    const std::size_t switches = preemptions(record.reasons);
    auto [it, fresh] = best.try_emplace(*record.outcome);
    Witness& w = it->second;
    ++w.executions;
    // Copy the record only when it beats the witness so far (rare after the first few).
    if (fresh || std::pair(steps, switches) < std::pair(w.steps, w.preemptions)) {
      w.outcome = *record.outcome;
      w.trace = to_trace(record);
      w.steps = steps;
      w.preemptions = switches;
    }
  }
  for (auto& [outcome, witness] : best) result.witnesses.push_back(std::move(witness));
  return result;
}

}  // namespace checker

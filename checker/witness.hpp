// Outcome witnesses: for each outcome a model can produce, the shortest execution
// that produces it — fewest steps (rows of the column view), and among those the
// fewest preemptions — found by running every schedule (DFS). A witness is an
// ordinary trace: show it with render_columns, replay its choices with replay().
#pragma once

#include "checker/explore.hpp"
#include "sim/model_instance.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace checker {

struct Witness {
  sim::Outcome outcome;
  Trace trace;               // its shortest execution
  std::size_t steps = 0;     // trace.events.size()
  std::size_t preemptions = 0;
  std::uint64_t executions = 0;  // how many executions produced this outcome
};

struct WitnessResult {
  std::vector<Witness> witnesses;  // sorted by outcome
  std::uint64_t executions = 0;
  // Every schedule ran: the outcome set is exact and each witness is a shortest one.
  // Otherwise the set and the witnesses are those of the executions that ran.
  bool exhaustive = false;
};

// Runs every schedule of `model` by DFS (up to options.max_executions, with its
// max_steps and ignore_time; the strategy option is not used) and keeps, for each
// outcome, the shortest execution producing it (as `outcomes` counts them, an
// execution that reported its outcome and then failed a check counts too).
WitnessResult find_witnesses(const sim::ModelInstance& model, const ExploreOptions& options);

// Scheduling points where a thread that could have continued was switched away from.
std::size_t preemptions(const Trace& trace);
std::size_t preemptions(const std::vector<sim::SwitchReason>& reasons);

}  // namespace checker

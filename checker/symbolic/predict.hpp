// Predictive analysis from one recorded execution: encode the feasible reorderings
// of the run (the maximal causal model, checker/symbolic/reordering.hpp) and ask Z3
// for one that shows a bug the run did not: a data race (two conflicting accesses,
// not ordered by happens-before or a common lock, that can run back to back), a lost
// update (a checked read that can see another value when read-modify-writes read
// stale values), or a deadlock (a lock cycle whose threads can all hold their first
// lock and wait for the next). Each solver answer becomes a schedule that is run on
// the fibers; a prediction is reported only when that run reproduces it. Long traces
// are cut into windows, as the maximal-causal-model tools do.
#pragma once

#include "checker/explore.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace checker::symbolic {

enum class PredictionKind { kRace, kLostUpdate, kDeadlock };
std::string_view prediction_kind_name(PredictionKind kind);  // "data race", "lost update", "deadlock"

struct Prediction {
  PredictionKind kind = PredictionKind::kRace;
  std::string what;          // what the solver predicted, in words
  std::string confirmation;  // what the replay showed
  Trace replayed;            // the confirming execution; replayed.choices replays it
  std::size_t context_switches = 0;  // in replayed.choices
};

// How one kind of query went.
struct QueryStats {
  std::size_t candidates = 0;   // candidates before the solver (pairs within a window, reads, cycles)
  std::size_t filtered = 0;     // dropped by the cheap happens-before / common-lock filters
  std::size_t queries = 0;      // solver calls
  std::size_t sat = 0;
  std::size_t unknown = 0;      // the solver gave up (timeout): neither SAT nor UNSAT
  std::size_t unconfirmed = 0;  // SAT answers whose replay did not show the bug
  double seconds = 0;           // solver wall time
};

struct PredictOptions {
  std::size_t window = 128;        // steps per window for races and deadlocks
  std::size_t value_window = 64;   // steps per window for lost updates (symbolic values)
  std::size_t max_queries = 64;    // solver calls per kind and run
};

struct PredictResult {
  std::size_t steps = 0;
  std::vector<Prediction> predictions;  // confirmed ones only: at most one per kind and object
  QueryStats race;
  QueryStats lost_update;
  QueryStats deadlock;
};

// Predicts from `observed`, a run of `model` under `options` (its max_steps and time
// mode are used for every confirming replay).
PredictResult predict_from(const sim::ModelInstance& model, const Trace& observed, const ExploreOptions& options,
                           const PredictOptions& predict_options = {});

}  // namespace checker::symbolic

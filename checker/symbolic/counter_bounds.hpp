// Exact bounds on the racy counter's final value over ALL interleavings, proven by
// Z3 instead of enumerated: the counter model (models/counter.cpp, unlocked) is T
// threads each doing K times `counter += 1`, a load then a store. The encoding orders
// the events with integer variables (each store's rank among the stores, and for each
// load the number of stores before it, which is its reads-from choice with no store
// in between), makes each store write the value its own thread just loaded plus one,
// and defines the final value as the value of the last store. A bound b is proven by
// two solver calls: the bound is reachable (SAT, with a model that becomes a witness
// schedule) and b -/+ 1 is not (UNSAT). Every witness is replayed on the fiber runtime
// and must produce the
// claimed value before it is reported.
#pragma once

#include "sim/ids.hpp"
#include "sim/model_instance.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace checker::symbolic {

// The shape of a counter instance, read from its parameters.
struct CounterShape {
  int threads = 0;
  int iters = 0;
};

// Reads threads/iters from a `counter` instance; throws checker::InputError for
// another model or for `--locked` (the encoding models the unlocked increments).
CounterShape counter_shape(const sim::ModelInstance& counter);

// A reachable final value with the schedule that reaches it, confirmed by replay.
struct Witness {
  std::int64_t value = 0;
  std::vector<sim::ThreadId> choices;  // one per scheduling point, ends with main's load
  bool replay_confirmed = false;       // the replay produced exactly `value`
  std::string replay_note;             // why not, when not confirmed
};

// One proven bound: `witness.value` is reachable and `beyond` (one past it) is not.
struct ProvenBound {
  Witness witness;
  std::int64_t beyond = 0;
  bool beyond_unsat = false;
  double solve_seconds = 0;  // wall time of all solver calls for this bound
};

struct CounterBounds {
  CounterShape shape;
  ProvenBound min;
  ProvenBound max;
};

// The exact minimum and maximum final value of `counter`, each proven and replayed.
CounterBounds counter_bounds(const sim::ModelInstance& counter);

struct ExactAnswer {
  std::int64_t value = 0;
  std::optional<Witness> witness;  // empty: UNSAT, no interleaving ends with `value`
  double solve_seconds = 0;
};

// "Can the final value be exactly `value`?", with a replayed witness when it can.
ExactAnswer counter_can_reach(const sim::ModelInstance& counter, std::int64_t value);

}  // namespace checker::symbolic

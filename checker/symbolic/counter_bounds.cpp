#include "checker/symbolic/counter_bounds.hpp"

#include "checker/explore.hpp"
#include "checker/schedule.hpp"
#include "checker/symbolic/stopwatch.hpp"

#include <z3++.h>

#include <algorithm>
#include <string>
#include <utility>

namespace checker::symbolic {

namespace {

std::string param(const sim::ModelInstance& model, const std::string& name) {
  for (const auto& [key, value] : model.params) {
    if (key == name) return value;
  }
  return "";
}

// All interleavings of T threads x K increments as one formula, over order variables
// that say only what matters for the values: `rank[s]`, the place of store s among
// all stores (distinct, 0..W-1), and `before[l]`, how many stores precede load l, so
// load l reads from the store ranked before[l] - 1 (the initial 0 when before[l] = 0)
// with no store in between by construction. Any assignment is an interleaving: the
// stores in rank order, each load just before the store ranked before[l]. This keeps
// the formula at O(W^2) instead of the O(W^3) "no store between" clauses of plain
// per-event order variables, which took minutes at 4 x 4.
class CounterEncoding {
 public:
  explicit CounterEncoding(CounterShape shape)
      : shape_(shape), increments_(shape.threads * shape.iters), solver_(context_),
        final_(context_.int_const("final")) {
    z3::expr_vector ranks(context_);
    for (int i = 0; i < increments_; ++i) {
      const std::string n = std::to_string(i);
      rank_.push_back(context_.int_const(("rank" + n).c_str()));
      before_.push_back(context_.int_const(("before" + n).c_str()));
      loaded_.push_back(context_.int_const(("loaded" + n).c_str()));
      at_rank_.push_back(context_.int_const(("at" + n).c_str()));
      ranks.push_back(rank_.back());
      solver_.add(rank_.back() >= 0 && rank_.back() < increments_);
      solver_.add(before_.back() >= 0 && before_.back() <= increments_);
    }
    solver_.add(z3::distinct(ranks));
    add_program_order();
    add_reads_from();
    solver_.add(final_ == at_rank_[increments_ - 1]);
    add_symmetry_breaking();
  }

  // Checks the encoding plus `query`; on SAT keeps the model for the witness.
  bool satisfiable(const z3::expr& query) {
    solver_.push();
    solver_.add(query);
    const bool sat = solver_.check() == z3::sat;
    if (sat) model_ = solver_.get_model();
    solver_.pop();
    return sat;
  }

  const z3::expr& final_value() const { return final_; }
  z3::expr value(std::int64_t v) { return context_.int_val(static_cast<int64_t>(v)); }

  // The last SAT model as a schedule of the counter model (Thread-t has ThreadId
  // t + 1): for each store rank j, the loads preceded by exactly j stores, then the
  // store ranked j; then the loads after every store; then main's final load.
  std::vector<sim::ThreadId> witness_choices() const {
    std::vector<std::vector<sim::ThreadId>> slots(static_cast<std::size_t>(2 * increments_ + 2));
    for (int i = 0; i < increments_; ++i) {
      const auto thread = static_cast<sim::ThreadId>(i / shape_.iters + 1);
      slots[static_cast<std::size_t>(2 * eval(before_[i]))].push_back(thread);
      slots[static_cast<std::size_t>(2 * eval(rank_[i]) + 1)].push_back(thread);
    }
    std::vector<sim::ThreadId> choices;
    for (const auto& slot : slots) choices.insert(choices.end(), slot.begin(), slot.end());
    choices.push_back(sim::kMainThread);
    return choices;
  }

  std::int64_t witness_value() const { return eval(final_); }

 private:
  std::int64_t eval(const z3::expr& e) const { return model_->eval(e, true).get_numeral_int64(); }
  int increment(int t, int k) const { return t * shape_.iters + k; }

  // Increment (t, k) loads, then stores; the store precedes the thread's next load.
  void add_program_order() {
    for (int t = 0; t < shape_.threads; ++t) {
      for (int k = 0; k < shape_.iters; ++k) {
        const int i = increment(t, k);
        solver_.add(before_[i] <= rank_[i]);
        solver_.add(before_[i] >= k);  // implied: its own k earlier stores precede it
        if (k + 1 < shape_.iters) solver_.add(rank_[i] < before_[i + 1]);
      }
    }
  }

  // at_rank[j] is the value the store ranked j writes: its load's value plus one.
  // A load preceded by j > 0 stores reads at_rank[j - 1], by none the initial 0.
  void add_reads_from() {
    for (int i = 0; i < increments_; ++i) {
      for (int j = 0; j < increments_; ++j) {
        solver_.add(z3::implies(rank_[i] == j, at_rank_[j] == loaded_[i] + 1));
        solver_.add(z3::implies(before_[i] == j + 1, loaded_[i] == at_rank_[j]));
      }
      solver_.add(z3::implies(before_[i] == 0, loaded_[i] == 0));
      // Implied, but stated for the solver: j stores have written at most j, and every
      // store writes at least 1. Without them proving "final > T*K" UNSAT takes seconds.
      solver_.add(loaded_[i] >= 0 && loaded_[i] <= before_[i]);
      solver_.add(z3::implies(before_[i] >= 1, loaded_[i] >= 1));
      solver_.add(at_rank_[i] >= 1 && at_rank_[i] <= i + 1);
    }
  }

  // The threads run the same code on the same variable, so permuting them maps every
  // interleaving to another with the same final value: fixing the order of their
  // first stores keeps one interleaving per permutation class.
  void add_symmetry_breaking() {
    for (int t = 0; t + 1 < shape_.threads; ++t) {
      solver_.add(rank_[increment(t, 0)] < rank_[increment(t + 1, 0)]);
    }
  }

  CounterShape shape_;
  int increments_;
  z3::context context_;
  z3::solver solver_;
  z3::expr final_;
  std::vector<z3::expr> rank_;     // by increment t * iters + k: its store's place among stores
  std::vector<z3::expr> before_;   // by increment: stores ordered before its load
  std::vector<z3::expr> loaded_;   // by increment: the value its load read
  std::vector<z3::expr> at_rank_;  // by rank: the value that store wrote
  std::optional<z3::model> model_;
};

// Replays `choices` on the fibers and records whether the final value is `value`.
Witness confirm(const sim::ModelInstance& counter, std::int64_t value, std::vector<sim::ThreadId> choices) {
  Witness witness{value, std::move(choices), false, ""};
  const ReplayResult replayed = replay(counter, witness.choices);
  if (replayed.divergence) {
    witness.replay_note = "replay diverged: " + *replayed.divergence;
  } else if (!replayed.trace.outcome || *replayed.trace.outcome != sim::Outcome{value}) {
    witness.replay_note = "the replay ended with a different final value";
  } else {
    witness.replay_confirmed = true;
  }
  return witness;
}

// The smallest (`lowest`) or largest reachable final value, by binary search on
// "final <= v" (or ">= v") over [1, T*K]: the answer's query is SAT and the next
// one UNSAT, which is the proof.
ProvenBound prove_bound(CounterEncoding& encoding, const sim::ModelInstance& counter, std::int64_t top, bool lowest) {
  const Stopwatch watch;
  const auto query = [&](std::int64_t v) {
    return lowest ? encoding.final_value() <= encoding.value(v) : encoding.final_value() >= encoding.value(v);
  };
  std::int64_t lo = 1;
  std::int64_t hi = top;
  std::optional<std::int64_t> proven_unsat;  // the search's last UNSAT point, if any
  while (lo < hi) {  // invariant: the answer lies in [lo, hi]
    const std::int64_t mid = lowest ? lo + (hi - lo) / 2 : lo + (hi - lo + 1) / 2;
    if (encoding.satisfiable(query(mid))) {
      (lowest ? hi : lo) = mid;
    } else {
      (lowest ? lo : hi) = lowest ? mid + 1 : mid - 1;
      proven_unsat = mid;
    }
  }
  ProvenBound bound;
  const bool reachable = encoding.satisfiable(query(lo));  // lo's model is the witness
  const std::int64_t value = reachable ? encoding.witness_value() : lo;
  std::vector<sim::ThreadId> choices = reachable ? encoding.witness_choices() : std::vector<sim::ThreadId>{};
  bound.beyond = lowest ? lo - 1 : lo + 1;
  bound.beyond_unsat = proven_unsat == bound.beyond || !encoding.satisfiable(query(bound.beyond));
  bound.solve_seconds = watch.seconds();
  if (reachable) bound.witness = confirm(counter, value, std::move(choices));
  return bound;
}

}  // namespace

CounterShape counter_shape(const sim::ModelInstance& counter) {
  if (counter.name != "counter") {
    throw InputError("bounds knows the racy counter only (model 'counter'), not '" + counter.name + "'");
  }
  if (param(counter, "locked") == "true") {
    throw InputError("bounds encodes the unlocked counter; with --locked every run ends at threads x iters");
  }
  return {std::stoi(param(counter, "threads")), std::stoi(param(counter, "iters"))};
}

CounterBounds counter_bounds(const sim::ModelInstance& counter) {
  const CounterShape shape = counter_shape(counter);
  CounterEncoding encoding(shape);
  const std::int64_t top = static_cast<std::int64_t>(shape.threads) * shape.iters;
  CounterBounds bounds{shape, prove_bound(encoding, counter, top, true), prove_bound(encoding, counter, top, false)};
  return bounds;
}

ExactAnswer counter_can_reach(const sim::ModelInstance& counter, std::int64_t value) {
  const CounterShape shape = counter_shape(counter);
  const Stopwatch watch;
  CounterEncoding encoding(shape);
  ExactAnswer answer{value, std::nullopt, 0};
  const bool reachable = encoding.satisfiable(encoding.final_value() == encoding.value(value));
  answer.solve_seconds = watch.seconds();
  if (reachable) answer.witness = confirm(counter, value, encoding.witness_choices());
  return answer;
}

}  // namespace checker::symbolic

// The maximal causal model of one window of a recorded execution as Z3 constraints
// (Huang, Meredith & Rosu, PLDI 2014): a distinct integer order variable per step of
// the window, so that a model is a reordering of the window's steps. The steps before the window stay where the run put them (a fixed
// prefix); the steps after it are left out. A `cut` expression says which steps the
// reordering actually executes (those ordered before it): only they must respect lock
// mutual exclusion, the order of other objects and, for loads, read a value the
// thread can continue from. Program order and start/join hold for every step.
#pragma once

#include "checker/symbolic/causal_trace.hpp"

#include <z3++.h>

#include <cstddef>
#include <optional>
#include <set>
#include <vector>

namespace checker::symbolic {

struct Window {
  std::size_t first = 0;  // steps [first, last)
  std::size_t last = 0;
};

// What loads before the cut must read.
struct ValueRule {
  // Loads whose value only feeds their thread's next store (`x = x + 1`) may read any
  // store: the store then writes `loaded + delta`, as the run did.
  bool free_read_modify_write = false;
  // A load that must read a value other than the one recorded (kNone: none).
  std::size_t differs = kNone;
  // With free_read_modify_write: encode a variable whose read-modify-writes all hold one
  // lock as sums of deltas (see keep_values_as_sums). The tests turn it off to check
  // that both encodings give the same answers.
  bool sums_when_locked = true;
};

class Reordering {
 public:
  Reordering(const CausalTrace& causal, Window window);

  bool contains(std::size_t step) const { return step >= window_.first && step < window_.last; }
  const z3::expr& order(std::size_t step) const { return order_[step - window_.first]; }
  z3::context& context() { return context_; }
  z3::expr number(std::int64_t v) { return context_.int_val(static_cast<int64_t>(v)); }

  // The feasibility constraints for the steps ordered before `cut`.
  void keep_feasible(const z3::expr& cut, const ValueRule& values);
  void require(const z3::expr& constraint) { hard_.push_back(constraint); }

  // Solves; on SAT returns the window's steps in model order, with as few context
  // switches as the optimizer finds within its time limit.
  std::optional<std::vector<std::size_t>> solve();
  // The value of `e` in the last model (after solve() returned steps).
  std::int64_t value(const z3::expr& e) const;
  // The value the last model gives load `step` (requires a symbolic load).
  std::optional<std::int64_t> loaded_value(std::size_t step) const;
  // The last solve() gave up (timeout) instead of answering UNSAT.
  bool unknown() const { return unknown_; }
  // How many of `ordered` (solve()'s result) come before position `cut` in the model.
  std::size_t count_before(const std::vector<std::size_t>& ordered, const z3::expr& cut) const;

 private:
  void keep_program_order();
  void keep_locks(const z3::expr& cut);
  void keep_values(const z3::expr& cut, const SharedVariable& var, const ValueRule& values);
  bool atomic_under_one_lock(const SharedVariable& var) const;
  void keep_values_as_sums(const z3::expr& cut, std::int64_t initial, const std::vector<const Access*>& loads,
                           const std::vector<const Access*>& stores, const ValueRule& values);
  z3::expr acquire_at(std::size_t step);
  z3::expr release_at(std::size_t step);

  const CausalTrace& causal_;
  Window window_;
  z3::context context_;
  z3::expr_vector hard_;
  std::vector<z3::expr> order_;
  std::vector<std::pair<std::size_t, z3::expr>> symbolic_loads_;
  std::optional<z3::model> model_;
  z3::expr before_all_;  // below every position: steps before the window
  z3::expr after_all_;   // above every position: releases after the window
  bool unknown_ = false;
};

}  // namespace checker::symbolic

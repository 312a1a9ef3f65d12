#include "checker/symbolic/reordering.hpp"

#include <algorithm>
#include <string>

namespace checker::symbolic {

namespace {

// The optimizer's budget for fewer context switches; a plain SAT model is used when
// it runs out (the witness is still valid, only possibly longer to read).
constexpr unsigned kOptimizeMilliseconds = 3000;
// A query the solver cannot settle in this time counts as unknown, not as UNSAT.
constexpr unsigned kSolveMilliseconds = 20000;

}  // namespace

Reordering::Reordering(const CausalTrace& causal, Window window)
    : causal_(causal), window_(window), hard_(context_), before_all_(context_.int_const("before_all")),
      after_all_(context_.int_const("after_all")) {
  const std::size_t n = window_.last - window_.first;
  z3::expr_vector all(context_);
  for (std::size_t i = 0; i < n; ++i) {
    order_.push_back(context_.int_const(("o" + std::to_string(window_.first + i)).c_str()));
    all.push_back(order_.back());
  }
  // Distinct but not dense: a dense range makes every UNSAT answer a pigeonhole proof
  // (minutes at 64 steps). Adjacency is still "differ by one": no integer between.
  if (n > 1) hard_.push_back(z3::distinct(all));
  for (const z3::expr& o : order_) hard_.push_back(before_all_ < o && o < after_all_);
  keep_program_order();
}

void Reordering::keep_program_order() {
  for (const Order& o : causal_.orders) {
    if (contains(o.before) && contains(o.after)) hard_.push_back(order(o.before) < order(o.after));
  }
}

z3::expr Reordering::acquire_at(std::size_t step) {
  return step == kNone || step < window_.first ? before_all_ : order(step);
}

z3::expr Reordering::release_at(std::size_t step) {
  return step == kNone || step >= window_.last ? after_all_ : order(step);
}

// Two regions of the same lock in different threads that both begin before the cut
// do not overlap: one is released before the other is acquired.
void Reordering::keep_locks(const z3::expr& cut) {
  std::vector<const LockRegion*> live;
  for (const LockRegion& r : causal_.regions) {
    const bool starts_in = contains(r.acquire);
    const bool spans_start = r.acquire < window_.first && (r.release == kNone || r.release >= window_.first);
    if (starts_in || spans_start) live.push_back(&r);
  }
  for (std::size_t i = 0; i < live.size(); ++i) {
    for (std::size_t j = i + 1; j < live.size(); ++j) {
      const LockRegion& a = *live[i];
      const LockRegion& b = *live[j];
      if (a.lock != b.lock || a.thread == b.thread) continue;
      hard_.push_back(z3::implies(acquire_at(a.acquire) < cut && acquire_at(b.acquire) < cut,
                                  release_at(a.release) < acquire_at(b.acquire) ||
                                      release_at(b.release) < acquire_at(a.acquire)));
    }
  }
}

void Reordering::keep_feasible(const z3::expr& cut, const ValueRule& values) {
  keep_locks(cut);
  for (const SharedVariable& var : causal_.variables) keep_values(cut, var, values);
}

// Loads before the cut read what the run read (or, for symbolic loads, whatever the
// latest store before them wrote): the value of the latest store ordered before them,
// or the variable's value at the window's start when no store is.
void Reordering::keep_values(const z3::expr& cut, const SharedVariable& var, const ValueRule& values) {
  std::optional<std::int64_t> initial = var.initial;
  std::vector<const Access*> loads;
  std::vector<const Access*> stores;
  for (const Access& a : var.accesses) {
    if (a.step < window_.first) initial = a.value;  // the value the window starts from
    if (!contains(a.step)) continue;
    (a.is_store ? stores : loads).push_back(&a);
  }
  if (loads.empty()) return;
  if (values.free_read_modify_write && values.sums_when_locked && initial && atomic_under_one_lock(var)) {
    keep_values_as_sums(cut, *initial, loads, stores, values);
    return;
  }

  std::vector<std::pair<std::size_t, z3::expr>> symbolic;  // load step -> its value
  const auto symbolic_value = [&](std::size_t step) -> const z3::expr* {
    for (const auto& [s, e] : symbolic) {
      if (s == step) return &e;
    }
    return nullptr;
  };
  for (const Access* r : loads) {
    if (r->step == values.differs || (values.free_read_modify_write && r->feeds_store)) {
      symbolic.emplace_back(r->step, context_.int_const(("v" + std::to_string(r->step)).c_str()));
      symbolic_loads_.push_back(symbolic.back());
    }
  }
  const auto stored = [&](const Access* w) -> z3::expr {
    if (w->source != kNone) {
      if (const z3::expr* loaded = symbolic_value(w->source)) return *loaded + number(w->delta);
    }
    return number(w->value);
  };

  for (const Access* r : loads) {
    const z3::expr& at = order(r->step);
    const z3::expr* sym = symbolic_value(r->step);
    const z3::expr read = sym ? *sym : number(r->value);
    z3::expr_vector rules(context_);
    z3::expr_vector none_before(context_);
    for (const Access* w : stores) {
      if (w->step == r->step) continue;
      none_before.push_back(order(w->step) > at);
      z3::expr_vector latest(context_);
      latest.push_back(order(w->step) < at);
      for (const Access* other : stores) {
        if (other != w) latest.push_back(order(other->step) < order(w->step) || order(other->step) > at);
      }
      rules.push_back(z3::implies(z3::mk_and(latest), read == stored(w)));
    }
    const z3::expr from_initial = initial ? read == number(*initial) : context_.bool_val(false);
    rules.push_back(z3::implies(z3::mk_and(none_before), from_initial));
    if (r->step == values.differs) rules.push_back(read != number(r->value));
    hard_.push_back(z3::implies(at < cut, z3::mk_and(rules)));
  }
}

// Every store of the window is the second half of a read-modify-write (`x = x + d`:
// the thread's previous access to the variable is the load it derives from) and one
// lock is held from that load to the store, the same lock for all of them. Then no
// store falls between another thread's load and store, and by induction over the
// stores in order, each writes the window's starting value plus the deltas of every
// store up to it.
bool Reordering::atomic_under_one_lock(const SharedVariable& var) const {
  std::optional<std::vector<sim::ObjectId>> common;  // locks held over every read-modify-write so far
  std::vector<std::pair<sim::ThreadId, const Access*>> previous;  // each thread's latest access
  const auto previous_of = [&](sim::ThreadId thread) -> const Access*& {
    for (auto& [t, a] : previous) {
      if (t == thread) return a;
    }
    return previous.emplace_back(thread, nullptr).second;
  };
  for (const Access& a : var.accesses) {
    if (a.step >= window_.last) break;
    const sim::ThreadId thread = causal_.steps[a.step].thread;
    const Access*& before = previous_of(thread);
    const Access* source = before;
    before = &a;
    if (!a.is_store || a.step < window_.first) continue;
    if (source == nullptr || source->is_store || source->step != a.source) return false;
    std::vector<sim::ObjectId> covering;
    for (const LockRegion& r : causal_.regions) {
      const bool from_before = r.acquire == kNone || r.acquire < source->step;
      const bool until_after = r.release == kNone || r.release > a.step;
      if (r.thread == thread && from_before && until_after) covering.push_back(r.lock);
    }
    if (common) {
      std::erase_if(*common, [&](sim::ObjectId lock) {
        return std::find(covering.begin(), covering.end(), lock) == covering.end();
      });
    } else {
      common = std::move(covering);
    }
    if (common->empty()) return false;
  }
  return true;
}

// The encoding of keep_values() for a variable that is atomic_under_one_lock(): a
// load reads the starting value plus the deltas of the stores ordered before it. Same
// meaning as "the value of the latest store before it" for such a variable, with one
// term per store instead of a disjunction over which store is the latest: this lets
// the solver prove a correctly locked counter exact in milliseconds, where the
// general encoding runs into its time limit on a few dozen steps.
void Reordering::keep_values_as_sums(const z3::expr& cut, std::int64_t initial, const std::vector<const Access*>& loads,
                                     const std::vector<const Access*>& stores, const ValueRule& values) {
  for (const Access* r : loads) {
    const z3::expr& at = order(r->step);
    z3::expr sum = number(initial);
    for (const Access* w : stores) sum = sum + z3::ite(order(w->step) < at, number(w->delta), number(0));
    z3::expr read = number(r->value);
    if (r->step == values.differs || r->feeds_store) {
      read = context_.int_const(("v" + std::to_string(r->step)).c_str());
      symbolic_loads_.emplace_back(r->step, read);
    }
    z3::expr rule = read == sum;
    if (r->step == values.differs) rule = rule && read != number(r->value);
    hard_.push_back(z3::implies(at < cut, rule));
  }
}

std::optional<std::vector<std::size_t>> Reordering::solve() {
  z3::solver solver(context_);
  z3::params limit(context_);
  limit.set("timeout", kSolveMilliseconds);
  solver.set(limit);
  solver.add(hard_);
  const z3::check_result answer = solver.check();
  unknown_ = answer == z3::unknown;
  if (answer != z3::sat) return std::nullopt;
  model_ = solver.get_model();

  // Fewest context switches: reward every pair of consecutive steps of a thread that
  // the reordering keeps adjacent.
  z3::optimize optimizer(context_);
  z3::params params(context_);
  params.set("timeout", kOptimizeMilliseconds);
  optimizer.set(params);
  for (const z3::expr& h : hard_) optimizer.add(h);
  for (const std::vector<std::size_t>& steps : causal_.by_thread) {
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
      if (contains(steps[i]) && contains(steps[i + 1])) {
        optimizer.add_soft(order(steps[i + 1]) == order(steps[i]) + 1, 1);
      }
    }
  }
  if (optimizer.check() == z3::sat) model_ = optimizer.get_model();

  std::vector<std::pair<std::int64_t, std::size_t>> placed;
  for (std::size_t step = window_.first; step < window_.last; ++step) placed.emplace_back(value(order(step)), step);
  std::sort(placed.begin(), placed.end());
  std::vector<std::size_t> steps;
  for (const auto& p : placed) steps.push_back(p.second);
  return steps;
}

std::int64_t Reordering::value(const z3::expr& e) const { return model_->eval(e, true).get_numeral_int64(); }

std::optional<std::int64_t> Reordering::loaded_value(std::size_t step) const {
  for (const auto& [s, e] : symbolic_loads_) {
    if (s == step) return value(e);
  }
  return std::nullopt;
}

std::size_t Reordering::count_before(const std::vector<std::size_t>& ordered, const z3::expr& cut) const {
  const std::int64_t limit = value(cut);
  std::size_t count = 0;
  while (count < ordered.size() && value(order(ordered[count])) < limit) ++count;
  return count;
}

}  // namespace checker::symbolic

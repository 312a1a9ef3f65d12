#include "checker/symbolic/predict.hpp"

#include "checker/symbolic/causal_trace.hpp"
#include "checker/symbolic/guided_replay.hpp"
#include "checker/symbolic/reordering.hpp"
#include "checker/symbolic/stopwatch.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace checker::symbolic {

std::string_view prediction_kind_name(PredictionKind kind) {
  switch (kind) {
    case PredictionKind::kRace: return "data race";
    case PredictionKind::kLostUpdate: return "lost update";
    case PredictionKind::kDeadlock: return "deadlock";
  }
  return "?";
}

namespace {

// The event choice k of `trace` performed, if it recorded one.
std::size_t event_of_choice(const Trace& trace, std::size_t k) {
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    if (trace.events[i].decision == k + 1 && trace.events[i].thread == trace.choices[k]) return i;
  }
  return kNone;
}

std::size_t context_switches(const std::vector<sim::ThreadId>& choices) {
  std::size_t switches = 0;
  for (std::size_t i = 1; i < choices.size(); ++i) switches += choices[i] != choices[i - 1];
  return switches;
}

// Happens-before over steps from the causal orders (program order, start/join, other
// objects), as vector clocks: the run itself is a topological order.
class HappensBefore {
 public:
  explicit HappensBefore(const CausalTrace& causal) : causal_(causal) {
    const std::size_t threads = causal.by_thread.size();
    std::vector<std::vector<std::size_t>> preds(causal.steps.size());
    for (const Order& o : causal.orders) preds[o.after].push_back(o.before);
    clocks_.assign(causal.steps.size(), std::vector<std::uint32_t>(threads, 0));
    std::vector<std::uint32_t> count(threads, 0);
    for (std::size_t k = 0; k < causal.steps.size(); ++k) {
      for (std::size_t p : preds[k]) {
        for (std::size_t t = 0; t < threads; ++t) clocks_[k][t] = std::max(clocks_[k][t], clocks_[p][t]);
      }
      clocks_[k][causal.steps[k].thread] = ++count[causal.steps[k].thread];
    }
  }
  bool ordered(std::size_t a, std::size_t b) const {  // a < b in the run
    const sim::ThreadId t = causal_.steps[a].thread;
    return clocks_[a][t] <= clocks_[b][t];
  }

 private:
  const CausalTrace& causal_;
  std::vector<std::vector<std::uint32_t>> clocks_;
};

class Predictor {
 public:
  Predictor(const sim::ModelInstance& model, const Trace& observed, const ExploreOptions& options,
            const PredictOptions& predict_options)
      : model_(model), observed_(observed), options_(options), limits_(predict_options),
        causal_(build_causal_trace(observed)), hb_(causal_) {
    result_.steps = causal_.steps.size();
  }

  PredictResult run() {
    find_races();
    find_lost_updates();
    find_deadlocks();
    return std::move(result_);
  }

 private:
  Window window_ending_at(std::size_t last_step, std::size_t size) const {
    return {last_step + 1 > size ? last_step + 1 - size : 0, last_step + 1};
  }

  // The observed choices before the window, then the window's first `count` steps in
  // solver order.
  std::vector<sim::ThreadId> prefix(const Window& w, const std::vector<std::size_t>& ordered, std::size_t count) const {
    std::vector<sim::ThreadId> choices(observed_.choices.begin(), observed_.choices.begin() + static_cast<std::ptrdiff_t>(w.first));
    for (std::size_t i = 0; i < count; ++i) choices.push_back(causal_.steps[ordered[i]].thread);
    return choices;
  }

  GuidedRun replay_prefix(const std::vector<sim::ThreadId>& choices) const {
    return run_guided(model_, choices, observed_.draws, options_);
  }

  bool same_operation(const Trace& replayed, std::size_t choice, std::size_t step) const {
    if (choice >= replayed.choices.size()) return false;
    const std::size_t got = event_of_choice(replayed, choice);
    const std::size_t want = causal_.steps[step].event;
    if (got == kNone || want == kNone) return false;
    const sim::Event& a = replayed.events[got];
    const sim::Event& b = observed_.events[want];
    return a.thread == b.thread && a.kind == b.kind && a.object == b.object;
  }

  void confirmed(PredictionKind kind, std::string what, std::string confirmation, Trace replayed) {
    const std::size_t switches = context_switches(replayed.choices);
    result_.predictions.push_back({kind, std::move(what), std::move(confirmation), std::move(replayed), switches});
  }

  // --- data races ----------------------------------------------------------------
  void find_races() {
    QueryStats& stats = result_.race;
    for (const SharedVariable& var : causal_.variables) {
      std::vector<std::pair<std::size_t, std::size_t>> pairs;
      for (std::size_t i = 0; i < var.accesses.size(); ++i) {
        // Accesses are in step order; pairs farther apart than a window are never asked.
        for (std::size_t j = i + 1; j < var.accesses.size(); ++j) {
          const Access& a = var.accesses[i];
          const Access& b = var.accesses[j];
          if (b.step - a.step >= limits_.window) break;
          if (causal_.steps[a.step].thread == causal_.steps[b.step].thread || (!a.is_store && !b.is_store)) continue;
          ++stats.candidates;
          if (hb_.ordered(a.step, b.step) || common_lock(a.step, b.step)) {
            ++stats.filtered;
            continue;
          }
          pairs.emplace_back(a.step, b.step);
        }
      }
      // Closest pairs first: the smallest windows, and the likeliest to be adjacent.
      std::stable_sort(pairs.begin(), pairs.end(),
                       [](const auto& x, const auto& y) { return x.second - x.first < y.second - y.first; });
      for (const auto& [a, b] : pairs) {
        if (stats.queries >= limits_.max_queries) return;
        if (race_query(a, b, var)) break;  // one confirmed race per variable
      }
    }
  }

  bool common_lock(std::size_t a, std::size_t b) const {
    for (sim::ObjectId lock : causal_.held[a]) {
      if (std::find(causal_.held[b].begin(), causal_.held[b].end(), lock) != causal_.held[b].end()) return true;
    }
    return false;
  }

  // Asks the solver, adding the call, its time and its answer to `stats`.
  static std::optional<std::vector<std::size_t>> solve_counted(Reordering& r, QueryStats& stats) {
    const Stopwatch watch;
    auto ordered = r.solve();
    stats.seconds += watch.seconds();
    ++stats.queries;
    stats.unknown += r.unknown();
    if (ordered) ++stats.sat;
    return ordered;
  }

  bool race_query(std::size_t a, std::size_t b, const SharedVariable& var) {
    QueryStats& stats = result_.race;
    const Window w = window_ending_at(b, limits_.window);
    Reordering r(causal_, w);
    const z3::expr cut = z3::min(r.order(a), r.order(b));
    r.keep_feasible(cut, {});
    r.require(r.order(a) - r.order(b) == 1 || r.order(b) - r.order(a) == 1);
    const auto ordered = solve_counted(r, stats);
    if (!ordered) return false;
    const std::size_t first_pos = r.count_before(*ordered, cut);
    const std::vector<sim::ThreadId> choices = prefix(w, *ordered, first_pos + 2);
    GuidedRun run = replay_prefix(choices);
    const std::size_t at = choices.size() - 2;
    const std::size_t x = (*ordered)[first_pos];
    const std::size_t y = (*ordered)[first_pos + 1];
    if (run.diverged || !same_operation(run.trace, at, x) || !same_operation(run.trace, at + 1, y)) {
      ++stats.unconfirmed;
      return false;
    }
    const std::string name = observed_.object_names[var.object];
    confirmed(PredictionKind::kRace,
              "data race on " + name + ": " + describe_step(causal_, x) + " and " + describe_step(causal_, y) +
                  " are not ordered by happens-before or a common lock",
              "they ran back to back at steps " + std::to_string(at + 1) + " and " + std::to_string(at + 2),
              std::move(run.trace));
    return true;
  }

  // --- lost updates --------------------------------------------------------------
  // Targets: loads that feed no store of their thread (the reads a check looks at),
  // latest first. Read-modify-write loads are symbolic; the target must read another
  // value than in the run; the replay must end in a failed check.
  void find_lost_updates() {
    QueryStats& stats = result_.lost_update;
    // A run whose check already failed shows its lost update itself; another value
    // for the checked read would only be the correct one.
    if (observed_.finding && observed_.finding->kind == sim::FindingKind::kAssertion) return;
    std::vector<std::pair<std::size_t, const SharedVariable*>> targets;
    for (const SharedVariable& var : causal_.variables) {
      bool has_rmw = false;
      for (const Access& a : var.accesses) has_rmw = has_rmw || a.feeds_store;
      if (!has_rmw) continue;
      for (const Access& a : var.accesses) {
        if (!a.is_store && !a.feeds_store) targets.emplace_back(a.step, &var);
      }
    }
    stats.candidates = targets.size();
    std::sort(targets.rbegin(), targets.rend());
    for (const auto& [target, var] : targets) {
      if (stats.queries >= limits_.max_queries) return;
      if (lost_update_query(target, *var)) return;
    }
  }

  bool lost_update_query(std::size_t target, const SharedVariable& var) {
    QueryStats& stats = result_.lost_update;
    const Window w = window_ending_at(target, limits_.value_window);
    Reordering r(causal_, w);
    r.keep_feasible(r.order(target) + 1, {.free_read_modify_write = true, .differs = target});
    const auto ordered = solve_counted(r, stats);
    if (!ordered) return false;
    const std::size_t position = r.count_before(*ordered, r.order(target));
    GuidedRun run = replay_prefix(prefix(w, *ordered, position + 1));
    const bool failed = run.trace.finding && (run.trace.finding->kind == sim::FindingKind::kAssertion ||
                                              run.trace.finding->kind == sim::FindingKind::kUncaughtException);
    if (run.diverged || !failed) {
      ++stats.unconfirmed;
      return false;
    }
    const Access* recorded = nullptr;
    for (const Access& a : var.accesses) {
      if (a.step == target) recorded = &a;
    }
    const std::optional<std::int64_t> predicted = r.loaded_value(target);
    // Built before the call: the trace is moved into it.
    std::string confirmation = std::string(sim::finding_kind_name(run.trace.finding->kind)) + " in " +
                               run.trace.thread_names[run.trace.finding->thread] + ": " + run.trace.finding->message;
    confirmed(PredictionKind::kLostUpdate,
              "lost update on " + observed_.object_names[var.object] + ": " + describe_step(causal_, target) +
                  " can read " + (predicted ? std::to_string(*predicted) : std::string("another value")) +
                  " (this run read " + std::to_string(recorded->value) + ")",
              std::move(confirmation), std::move(run.trace));
    return true;
  }

  // --- deadlocks -----------------------------------------------------------------
  struct LockEdge {
    sim::ObjectId held = sim::kNoObject;
    sim::ObjectId wanted = sim::kNoObject;
    sim::ThreadId thread = sim::kNoThread;
    std::size_t acquire = kNone;  // the step that took `held`
    std::size_t request = kNone;  // the step that takes `wanted` while holding it
  };

  std::vector<LockEdge> lock_edges() const {
    std::vector<LockEdge> edges;
    for (const LockRegion& inner : causal_.regions) {
      for (const LockRegion& outer : causal_.regions) {
        if (outer.thread != inner.thread || outer.lock == inner.lock || outer.acquire == kNone) continue;
        if (outer.acquire < inner.acquire && (outer.release == kNone || outer.release > inner.acquire)) {
          edges.push_back({outer.lock, inner.lock, inner.thread, outer.acquire, inner.acquire});
        }
      }
    }
    return edges;
  }

  // Cycles of the lock-order graph through distinct threads and locks, each found
  // once (starting from its lowest-numbered edge).
  void cycles_from(const std::vector<LockEdge>& edges, std::vector<std::size_t>& path,
                   std::vector<std::vector<std::size_t>>& out) const {
    constexpr std::size_t kMaxCycles = 32;
    const LockEdge& last = edges[path.back()];
    for (std::size_t e = path.front() + 1; e < edges.size() && out.size() < kMaxCycles; ++e) {
      const LockEdge& next = edges[e];
      if (next.held != last.wanted) continue;
      bool reused = false;
      for (std::size_t p : path) reused = reused || edges[p].thread == next.thread || edges[p].held == next.held;
      if (reused) continue;
      path.push_back(e);
      if (next.wanted == edges[path.front()].held) {
        out.push_back(path);
      } else {
        cycles_from(edges, path, out);
      }
      path.pop_back();
    }
  }

  void find_deadlocks() {
    QueryStats& stats = result_.deadlock;
    const std::vector<LockEdge> edges = lock_edges();
    std::vector<std::vector<std::size_t>> cycles;
    for (std::size_t e = 0; e < edges.size(); ++e) {
      std::vector<std::size_t> path{e};
      cycles_from(edges, path, cycles);
    }
    stats.candidates = cycles.size();
    for (const std::vector<std::size_t>& cycle : cycles) {
      if (stats.queries >= limits_.max_queries) return;
      std::vector<LockEdge> chosen;
      for (std::size_t e : cycle) chosen.push_back(edges[e]);
      if (guarded(chosen)) {
        ++stats.filtered;
        continue;
      }
      if (deadlock_query(chosen)) return;
    }
  }

  // A lock every thread of the cycle holds at its request (a gate lock) makes the
  // cycle impossible.
  bool guarded(const std::vector<LockEdge>& cycle) const {
    for (sim::ObjectId lock : causal_.held[cycle.front().request]) {
      bool everywhere = true;
      for (const LockEdge& e : cycle) {
        const auto& held = causal_.held[e.request];
        everywhere = everywhere && lock != e.held && std::find(held.begin(), held.end(), lock) != held.end();
      }
      if (everywhere) return true;
    }
    return false;
  }

  bool deadlock_query(const std::vector<LockEdge>& cycle) {
    QueryStats& stats = result_.deadlock;
    std::size_t first = kNone;
    std::size_t last = 0;
    for (const LockEdge& e : cycle) {
      first = std::min(first, e.acquire);
      last = std::max(last, e.request);
    }
    const Window w = window_ending_at(last, limits_.window);
    if (first < w.first) return false;
    Reordering r(causal_, w);
    const z3::expr cut = r.context().int_const("cut");
    r.keep_feasible(cut, {});
    for (const LockEdge& e : cycle) {
      const std::vector<std::size_t>& own = causal_.by_thread[e.thread];
      const std::size_t before = *(std::find(own.begin(), own.end(), e.request) - 1);
      r.require(r.order(before) < cut);
      r.require(r.order(e.request) >= cut);
    }
    const auto ordered = solve_counted(r, stats);
    if (!ordered) return false;
    GuidedRun run = replay_prefix(prefix(w, *ordered, r.count_before(*ordered, cut)));
    if (run.diverged || !run.trace.finding || run.trace.finding->kind != sim::FindingKind::kDeadlock) {
      ++stats.unconfirmed;
      return false;
    }
    std::string what = "deadlock: ";
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      if (i > 0) what += ", ";
      what += observed_.thread_names[cycle[i].thread] + " holds " + observed_.object_names[cycle[i].held] +
              " and waits for " + observed_.object_names[cycle[i].wanted];
    }
    std::string confirmation = "the replay deadlocked: " + run.trace.finding->message;
    confirmed(PredictionKind::kDeadlock, std::move(what), std::move(confirmation), std::move(run.trace));
    return true;
  }

  const sim::ModelInstance& model_;
  const Trace& observed_;
  const ExploreOptions& options_;
  PredictOptions limits_;
  CausalTrace causal_;
  HappensBefore hb_;
  PredictResult result_;
};

}  // namespace

PredictResult predict_from(const sim::ModelInstance& model, const Trace& observed, const ExploreOptions& options,
                           const PredictOptions& predict_options) {
  return Predictor(model, observed, options, predict_options).run();
}

}  // namespace checker::symbolic

#include "checker/explore.hpp"

#include "checker/outcome_counts.hpp"
#include "checker/race_detector.hpp"
#include "checker/strategies/bounded.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "checker/strategies/pct.hpp"
#include "checker/strategies/portfolio.hpp"
#include "checker/strategies/random.hpp"
#include "checker/strategies/replay.hpp"
#include "sim/runtime.hpp"

#include <algorithm>
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

std::string plural(std::uint64_t n, const std::string& word) {
  return with_commas(n) + " " + word + (n == 1 ? "" : "s");
}

// The strategies one exploration runs, each with its own slice of the runtime.
enum class Source : std::uint8_t { kDfs, kDpor, kBounded, kPct, kRandom, kProbe };
constexpr std::size_t kSourceCount = 6;

// One strategy in an exploration and what it has run.
struct Searcher {
  Strategy& strategy;
  Source source;
  DporStrategy* dpor = nullptr;        // set for DPOR: its blocked and diverged flags
  BoundedStrategy* bounded = nullptr;  // set for bounded: its reruns
  std::uint64_t runs = 0;              // counted executions
  std::uint64_t reruns = 0;            // sleep-set blocked (DPOR) or bounded reruns
  std::uint64_t runs_at_bound = 0;     // bounded: counted executions of its current bound
  // The strategy already has its next execution lined up: a slice that stopped on its
  // budget leaves it so, since asking for the next execution is what reveals that none
  // is left.
  bool prepared = false;
  bool done = false;
};

// Accumulates what the executions of one exploration found.
class Collector {
 public:
  Collector(bool stop_at_first_bug, bool detect_races)
      : stop_at_first_bug_(stop_at_first_bug), detect_races_(detect_races) {}

  // Returns false when the search should stop. Outcomes are counted per strategy, so
  // an exhaustive result counts each schedule of the exhaustive strategy once.
  bool add(const sim::ExecutionRecord& record, const Strategy& strategy, Source source) {
    ++result_.executions;
    std::uint32_t* hint = record.outcome ? outcomes_[static_cast<std::size_t>(source)].add(*record.outcome) : nullptr;
    if (!record.cut_off_daemons.empty() && !result_.cut_off_example) {
      result_.cut_off_example = to_trace(record);
    }
    if (!record.finding) return !detect_races_ || note_race(record, strategy);
    const std::size_t match = matching_bug(*record.finding, hint != nullptr ? *hint : OutcomeCounts::kNoBug);
    if (match < result_.bugs.size()) {
      ++result_.bugs[match].occurrences;
    } else {
      result_.bugs.push_back({to_trace(record), strategy.describe(), result_.executions, 1});
      if (!first_bug_source_) first_bug_source_ = source;
    }
    if (hint != nullptr) *hint = static_cast<std::uint32_t>(match);
    return !stop_at_first_bug_;
  }

  ExploreResult& result() { return result_; }
  std::optional<Source> first_bug_source() const { return first_bug_source_; }

  // `exact`: the strategy whose exhaustive search the result reports, if any.
  ExploreResult finish(std::optional<Source> exact) {
    std::map<sim::Outcome, std::uint64_t> merged;
    for (std::size_t s = 0; s < kSourceCount; ++s) {
      if (exact && static_cast<std::size_t>(*exact) != s) continue;
      outcomes_[s].merge_into(merged);
    }
    for (const auto& [value, count] : merged) result_.outcomes.push_back({value, count});
    for (FoundBug& race : races_) result_.bugs.push_back(std::move(race));
    return std::move(result_);
  }

 private:
  // The index of the earlier bug with the same finding (bugs.size() if none). `hint`, the
  // bug its outcome matched last (or kNoBug), is compared first.
  std::size_t matching_bug(const sim::Finding& finding, std::uint32_t hint) const {
    const auto same = [&finding](const FoundBug& bug) {
      return bug.trace.finding->kind == finding.kind && bug.trace.finding->message == finding.message;
    };
    const std::vector<FoundBug>& bugs = result_.bugs;
    if (hint < bugs.size() && same(bugs[hint])) return hint;
    return static_cast<std::size_t>(std::find_if(bugs.begin(), bugs.end(), same) - bugs.begin());
  }

  // A data race in an execution without another finding is a bug of its own, but it
  // never stops the search: the lost update or deadlock it may lead to is the better
  // report. Distinct races (by their pair of accesses) follow the other bugs.
  bool note_race(const sim::ExecutionRecord& record, const Strategy& strategy) {
    const auto race = race_detector_.find(record);
    if (!race) return true;
    race_identity(*race, record.events, record.thread_names, record.object_names, identity_);
    for (std::size_t i = 0; i < races_.size(); ++i) {
      if (race_identities_[i] == identity_) {
        ++races_[i].occurrences;
        return true;
      }
    }
    Trace trace = to_trace(record);
    trace.finding = race_finding(*race, record.events, record.thread_names, record.object_names);
    races_.push_back({std::move(trace), strategy.describe(), result_.executions, 1});
    race_identities_.push_back(identity_);
    return true;
  }

  bool stop_at_first_bug_;
  bool detect_races_;
  RaceDetector race_detector_;
  std::string identity_;                      // the current execution's race, reused
  std::vector<FoundBug> races_;               // distinct data races, in the order found
  std::vector<std::string> race_identities_;  // parallel to races_
  ExploreResult result_;
  OutcomeCounts outcomes_[kSourceCount];
  std::optional<Source> first_bug_source_;
};

enum class SliceEnd { kDone, kStopped, kBudget, kLimit };

constexpr std::uint64_t kUnbounded = UINT64_MAX;
// Executions between two progress reports.
constexpr std::uint64_t kProgressEvery = 256;

// One exploration: the strategies the options call for, and the certificate they earn.
class Exploration {
 public:
  Exploration(const sim::ModelInstance& model, const ExploreOptions& options)
      : model_(model), options_(options), collector_(options.stop_at_first_bug, options.detect_races),
        bounded_(options.max_preemptions), pct_(options.seed, options.pct_depth, options.random_executions),
        random_(options.seed, options.random_executions), probe_(options.seed, kKnuthProbes) {}

  ExploreResult run() {
    switch (options_.strategy) {
      case StrategyKind::kDfs:
        return single(dfs_searcher_);
      case StrategyKind::kDpor:
        return single(dpor_searcher_);
      case StrategyKind::kBounded:
        return single(bounded_searcher_);
      case StrategyKind::kPct:
        return single(pct_searcher_);
      case StrategyKind::kRandom:
        return single(random_searcher_);
      case StrategyKind::kDefault:
        return portfolio();
    }
    return collector_.finish(std::nullopt);
  }

 private:
  // Runs `s` for up to `budget` executions (reruns included), until it is done, the
  // collector says stop, or the overall limit is reached.
  SliceEnd run_slice(Searcher& s, std::uint64_t budget) {
    ExploreResult& result = collector_.result();
    for (std::uint64_t ran = 0;; ++ran) {
      if (s.done) return SliceEnd::kDone;
      if (!std::exchange(s.prepared, true) && !s.strategy.next_execution()) {
        s.done = true;  // a strategy is not asked again once it said it has nothing left
        return SliceEnd::kDone;
      }
      if (total_runs_ >= options_.max_executions) return SliceEnd::kLimit;
      if (ran == budget) return SliceEnd::kBudget;
      s.prepared = false;
      const sim::ExecutionRecord& record =
          runtime_.run(model_.main, s.strategy, {options_.max_steps, options_.ignore_time});
      s.strategy.execution_finished(record);
      if (s.dpor ? s.dpor->last_execution_diverged() : record.abandoned) {
        throw std::runtime_error(
            "model '" + model_.name +
            "' is not deterministic: replaying a schedule prefix gave different runnable threads or "
            "operations (models may not use real time, real I/O or unseeded randomness)");
      }
      if (++total_runs_ % kProgressEvery == 0 && options_.progress) report_progress(s);
      if (s.bounded && s.bounded->bound() != bound_counted_) {
        bound_counted_ = s.bounded->bound();
        s.runs_at_bound = 0;
      }
      const bool repeat = s.dpor ? s.dpor->last_execution_blocked()
                                 : s.bounded && s.bounded->last_execution_repeats();
      if (repeat) {
        ++s.reruns;
        ++(s.dpor ? result.sleep_set_blocked : result.bounded_reruns);
        continue;
      }
      ++s.runs;
      ++s.runs_at_bound;
      if (!collector_.add(record, s.strategy, s.source)) return SliceEnd::kStopped;
    }
  }

  void report_progress(const Searcher& s) {
    ExploreProgress progress;
    // Called before the execution that just ran is classified: it counts as executed.
    progress.reruns = collector_.result().sleep_set_blocked + collector_.result().bounded_reruns;
    progress.executions = total_runs_ - progress.reruns;
    progress.findings = collector_.result().bugs.size();
    const auto from_fraction = [&](double fraction, std::uint64_t done, const char* basis) {
      if (fraction <= 0) return;
      progress.remaining = static_cast<double>(done) * (1 - fraction) / fraction;
      progress.basis = basis;
    };
    // The default search's side slices say nothing about when it ends: DPOR's tree does.
    const Source shown = options_.strategy == StrategyKind::kDefault ? Source::kDpor : s.source;
    switch (shown) {
      case Source::kDfs:
        from_fraction(dfs_.explored_fraction(), s.runs, "DFS stack estimate");
        break;
      case Source::kBounded:
        from_fraction(bounded_.explored_fraction(), s.runs_at_bound + s.reruns,
                      "this bound, stack estimate");
        break;
      case Source::kPct:
      case Source::kRandom:
        progress.remaining = static_cast<double>(options_.random_executions - s.runs);
        progress.basis = "of --random-executions";
        break;
      case Source::kDpor:
      case Source::kProbe:
        from_fraction(dpor_.explored_fraction(), dpor_searcher_.runs + dpor_searcher_.reruns, "DPOR path estimate");
        break;
    }
    options_.progress(progress);
  }

  ExploreResult single(Searcher& s) {
    const SliceEnd end = run_slice(s, kUnbounded);
    ExploreResult& result = collector_.result();
    result.limit_hit = end == SliceEnd::kLimit;
    result.exhaustive = end == SliceEnd::kDone && s.strategy.exhaustive_when_done();
    switch (end) {
      case SliceEnd::kDone:
        result.certificate = result.exhaustive ? exhaustive_text(s) : coverage(s) + ": not exhaustive";
        break;
      case SliceEnd::kStopped:
        result.certificate = "stopped at the first bug, found by " + finder(s);
        break;
      case SliceEnd::kLimit:
      case SliceEnd::kBudget:
        result.certificate = limit_text() + " (" + coverage(s) + "): not exhaustive";
        break;
    }
    return collector_.finish(result.exhaustive ? std::optional(s.source) : std::nullopt);
  }

  // DPOR alone; past the probe, if Knuth's estimate of the tree exceeds what is left of
  // the budget, DPOR in slices with preemption-bounded and PCT slices in between.
  ExploreResult portfolio() {
    SliceEnd end = run_slice(dpor_searcher_, options_.portfolio_probe);
    if (end == SliceEnd::kBudget) {
      const SliceEnd probes = run_slice(probe_searcher_, kUnbounded);
      tree_estimate_ = probe_.estimate();
      if (probes != SliceEnd::kDone) end = probes;
    }
    const bool interleave =
        end == SliceEnd::kBudget && tree_estimate_ > static_cast<double>(options_.max_executions - total_runs_);
    Searcher* finished = &dpor_searcher_;
    while (end == SliceEnd::kBudget) {
      if (!interleave) {
        end = run_slice(dpor_searcher_, kUnbounded);
        break;
      }
      end = run_slice(dpor_searcher_, kPortfolioDporSlice);
      if (end != SliceEnd::kBudget) break;
      // The side slice: bounded until its bound is covered, then PCT (until its
      // --random-executions are spent; then DPOR runs alone).
      Searcher& side = bounded_searcher_.done ? pct_searcher_ : bounded_searcher_;
      const SliceEnd side_end = run_slice(side, kPortfolioSideSlice);
      if (side_end == SliceEnd::kDone && &side == &bounded_searcher_ && bounded_.complete()) {
        finished = &bounded_searcher_;  // every schedule had few preemptions: all covered
        end = SliceEnd::kDone;
      } else if (side_end == SliceEnd::kStopped || side_end == SliceEnd::kLimit) {
        end = side_end;
      }
    }
    ExploreResult& result = collector_.result();
    result.limit_hit = end == SliceEnd::kLimit;
    result.exhaustive = end == SliceEnd::kDone;
    const std::string others = besides(*finished);
    switch (end) {
      case SliceEnd::kDone:
        result.certificate = exhaustive_text(*finished) + (others.empty() ? "" : ", besides " + others);
        break;
      case SliceEnd::kStopped: {
        const FoundBug& bug = result.bugs.front();
        const Searcher& by = searcher_of(*collector_.first_bug_source());
        result.certificate = "stopped at the first bug, found by " + finder(by);
        const std::string rest = besides(by);
        if (!rest.empty()) {
          result.certificate += " (execution " + with_commas(bug.execution) + " of the search), besides " + rest;
        }
        break;
      }
      case SliceEnd::kLimit:
      case SliceEnd::kBudget:
        result.certificate = limit_text() + " (" + coverage(dpor_searcher_) +
                             (others.empty() ? "" : ", " + others) + "): not exhaustive";
        if (tree_estimate_ > 0) {
          result.certificate += "; Knuth's estimate of the DFS tree, an upper bound on DPOR's traces: ~" +
                                with_commas(static_cast<std::uint64_t>(tree_estimate_)) + " schedules";
        }
        break;
    }
    return collector_.finish(result.exhaustive ? std::optional(finished->source) : std::nullopt);
  }

  const Searcher& searcher_of(Source source) const {
    for (const Searcher* s : {&dfs_searcher_, &dpor_searcher_, &bounded_searcher_, &pct_searcher_,
                              &random_searcher_, &probe_searcher_}) {
      if (s->source == source) return *s;
    }
    return dpor_searcher_;
  }

  std::string limit_text() const {
    return "stopped at the " + with_commas(options_.max_executions) + "-execution limit";
  }

  static std::string preemptions(std::int64_t n) {
    return std::to_string(n) + (n == 1 ? " preemption" : " preemptions");
  }

  std::string seed_text() const { return "seed " + std::to_string(options_.seed); }

  std::string exhaustive_text(const Searcher& s) const {
    const std::string blocked =
        s.reruns == 0 ? "" : ", besides " + plural(s.reruns, "sleep-set-blocked execution");
    switch (s.source) {
      case Source::kDpor:
        return "exhaustive: all " + plural(s.runs, "trace") + " explored (DPOR)" + blocked;
      case Source::kBounded:
        return "exhaustive: all " + plural(s.runs, "schedule") + " explored (preemption bounding: none has more than " +
               preemptions(bounded_.bound()) + ")" + bounded_reruns_text(s);
      default:
        return "exhaustive: all " + plural(s.runs, "schedule") + " explored (DFS)";
    }
  }

  std::string bounded_reruns_text(const Searcher& s) const {
    return s.reruns == 0 ? "" : ", besides " + plural(s.reruns, "rerun") + " of schedules with fewer preemptions";
  }

  // What `s` has covered, as a clause: "1,000 DPOR executions", "all schedules with
  // <= 1 preemption (40 executions)", "300 random executions (PCT d=3, seed 1)".
  std::string coverage(const Searcher& s) const {
    switch (s.source) {
      case Source::kDfs:
        return plural(s.runs, "DFS execution");
      case Source::kDpor:
        return plural(s.runs, "DPOR execution") +
               (s.reruns == 0 ? "" : ", " + plural(s.reruns, "sleep-set-blocked execution"));
      case Source::kProbe:
        return plural(s.runs, "random-walk probe");
      case Source::kPct:
        return plural(s.runs, "random execution") + " (PCT d=" + std::to_string(options_.pct_depth) + ", " +
               seed_text() + ")";
      case Source::kRandom:
        return plural(s.runs, "random execution") + " (random walk, " + seed_text() + ")";
      case Source::kBounded: {
        const std::int64_t covered = bounded_.covered_bound();
        if (covered < 0) return plural(s.runs, "schedule") + " with 0 preemptions";
        std::string text = "all schedules with ≤ " + preemptions(covered) + " (" + plural(s.runs, "execution");
        if (covered < bounded_.bound()) {  // the next bound's iteration is under way
          text += ", " + with_commas(s.runs_at_bound) + " of them with " + preemptions(bounded_.bound());
        }
        return text + bounded_reruns_text(s) + ")";
      }
    }
    return "";
  }

  // "DPOR execution 16", "preemption bounding execution 3, with 1 preemption", ...
  std::string finder(const Searcher& s) const {
    switch (s.source) {
      case Source::kBounded: {
        const std::int64_t below = static_cast<std::int64_t>(bounded_.bound()) - 1;
        return "preemption-bounded execution " + with_commas(s.runs) + ", with " +
               preemptions(bounded_.last_preemptions()) +
               (below < 0 ? "" : ", after all schedules with ≤ " + preemptions(below));
      }
      case Source::kPct:
        return "PCT execution " + with_commas(s.runs) + " (d=" + std::to_string(options_.pct_depth) + ", " +
               seed_text() + ")";
      case Source::kRandom:
        return "random-walk execution " + with_commas(s.runs) + " (" + seed_text() + ")";
      case Source::kProbe:
        return "random-walk probe " + with_commas(s.runs);
      case Source::kDpor:
        return "DPOR execution " + with_commas(s.runs) +
               (s.reruns == 0 ? "" : ", besides " + plural(s.reruns, "sleep-set-blocked execution"));
      case Source::kDfs:
        return "DFS execution " + with_commas(s.runs);
    }
    return "";
  }

  // The coverage of every searcher but `except` that ran, joined: "64 random-walk probes,
  // all schedules with <= 1 preemption (40 executions)".
  std::string besides(const Searcher& except) const {
    std::string text;
    for (const Searcher* s : {&dpor_searcher_, &probe_searcher_, &bounded_searcher_, &pct_searcher_}) {
      if (s == &except || s->runs + s->reruns == 0) continue;
      text += (text.empty() ? "" : ", ") + coverage(*s);
    }
    return text;
  }

  const sim::ModelInstance& model_;
  const ExploreOptions& options_;
  Collector collector_;
  sim::Runtime runtime_;
  DfsStrategy dfs_;
  DporStrategy dpor_;
  BoundedStrategy bounded_;
  PctStrategy pct_;
  RandomStrategy random_;
  KnuthProbe probe_;
  Searcher dfs_searcher_{dfs_, Source::kDfs};
  Searcher dpor_searcher_{dpor_, Source::kDpor, &dpor_};
  Searcher bounded_searcher_{bounded_, Source::kBounded, nullptr, &bounded_};
  Searcher pct_searcher_{pct_, Source::kPct};
  Searcher random_searcher_{random_, Source::kRandom};
  Searcher probe_searcher_{probe_, Source::kProbe};
  std::uint64_t total_runs_ = 0;  // every execution, reruns included
  std::uint32_t bound_counted_ = 0;
  double tree_estimate_ = 0;  // Knuth's estimate of the DFS tree; 0 when not estimated
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

#include "checker/shrink.hpp"

#include "checker/race_detector.hpp"
#include "checker/strategy.hpp"
#include "checker/witness.hpp"
#include "sim/runtime.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace checker {

namespace {

// In a candidate schedule: no choice here, continue as the completion would.
constexpr sim::ThreadId kContinue = sim::kNoThread - 1;

bool can_run(std::span<const sim::ThreadId> enabled, sim::ThreadId thread) {
  return std::find(enabled.begin(), enabled.end(), thread) != enabled.end();
}

// The non-preemptive completion: the running thread goes on; if it cannot, the
// lowest-numbered thread that can.
sim::ThreadId continuation(std::span<const sim::ThreadId> enabled, sim::ThreadId current) {
  return can_run(enabled, current) ? current : enabled.front();
}

// Draw k of the failing execution, so candidates see the same random() values.
std::uint64_t recorded_draw(const std::vector<std::uint64_t>& draws, std::uint64_t bound, std::uint32_t index) {
  return index < draws.size() && draws[index] < bound ? draws[index] : 0;
}

// Follows a candidate's choices where they can run, and the completion elsewhere.
class GuidedScheduler final : public sim::Scheduler {
 public:
  GuidedScheduler(const std::vector<sim::ThreadId>& choices, const std::vector<std::uint64_t>& draws)
      : choices_(choices), draws_(draws) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override {
    if (decision < choices_.size() && can_run(enabled, choices_[decision])) return choices_[decision];
    return continuation(enabled, current);  // also for kContinue, which never runs
  }
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override { return recorded_draw(draws_, bound, index); }

 private:
  const std::vector<sim::ThreadId>& choices_;
  const std::vector<std::uint64_t>& draws_;
};

// Every schedule with at most `bound` preemptions, depth first, the running thread
// first at every point (so the first execution is the non-preemptive completion).
class BoundedDfs final : public Strategy {
 public:
  BoundedDfs(std::size_t bound, const std::vector<std::uint64_t>& draws) : bound_(bound), draws_(draws) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override {
    if (decision == frames_.size()) {
      Frame frame{static_cast<std::uint32_t>(options_.size()), 0, 0, can_run(enabled, current)};
      if (frame.current_enabled) options_.push_back(current);
      if (!frame.current_enabled || used_ < bound_) {
        for (sim::ThreadId t : enabled) {
          if (t != current) options_.push_back(t);
        }
      }
      frame.count = static_cast<std::uint32_t>(options_.size()) - frame.first;
      frames_.push_back(frame);
    }
    const Frame& frame = frames_[decision];
    if (frame.current_enabled && frame.taken > 0) ++used_;
    return options_[frame.first + frame.taken];
  }
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override { return recorded_draw(draws_, bound, index); }

  bool next_execution() override {
    used_ = 0;
    if (!std::exchange(started_, true)) return true;
    while (!frames_.empty() && frames_.back().taken + 1 >= frames_.back().count) {
      options_.resize(frames_.back().first);
      frames_.pop_back();
    }
    if (frames_.empty()) return false;
    ++frames_.back().taken;
    return true;
  }
  bool exhaustive_when_done() const override { return true; }
  std::string describe() const override { return "DFS with at most " + std::to_string(bound_) + " preemptions"; }

 private:
  struct Frame {
    std::uint32_t first;   // index into options_
    std::uint32_t count;
    std::uint32_t taken;   // invariant: taken < count
    bool current_enabled;  // option 0 is the running thread; any other is a preemption
  };
  std::size_t bound_;
  const std::vector<std::uint64_t>& draws_;
  std::vector<Frame> frames_;
  std::vector<sim::ThreadId> options_;
  std::size_t used_ = 0;  // preemptions on the current path so far
  bool started_ = false;
};

// Runs candidates and keeps the best execution that ends with the failing finding.
class Shrinker {
 public:
  Shrinker(const sim::ModelInstance& model, const Trace& failing, const ShrinkOptions& options)
      : model_(model), failing_(failing), options_(options), is_race_(failing.finding->kind == sim::FindingKind::kDataRace) {
    if (is_race_) {
      const auto race = detector_.find(failing);
      if (race) race_identity(*race, failing.events, failing.thread_names, failing.object_names, target_race_);
    }
  }

  ShrinkResult run() {
    ShrinkResult result;
    result.original_steps = failing_.events.size();
    result.original_preemptions = preemptions(failing_);
    if (!try_candidate(failing_.choices, true)) {
      result.trace = failing_;
      result.steps = result.original_steps;
      result.preemptions = result.original_preemptions;
      result.executions = executions_;
      return result;
    }
    while (drop_preemptions() || truncate()) {
    }
    result.minimal_preemptions = bounded_search();
    result.trace = std::move(*best_);
    result.steps = best_steps_;
    result.preemptions = best_preemptions_;
    result.executions = executions_;
    return result;
  }

 private:
  bool budget_left() const {
    return executions_ < options_.max_executions && steps_run_ < options_.max_total_steps;
  }

  // Runs `choices` (completed non-preemptively) and keeps the execution if it fails
  // the same way and is better than the best so far (or if `first`).
  bool try_candidate(const std::vector<sim::ThreadId>& choices, bool first = false) {
    if (!budget_left()) return false;
    GuidedScheduler scheduler(choices, failing_.draws);
    return consider(runtime_.run(model_.main, scheduler, {options_.max_steps, options_.ignore_time}), first);
  }

  bool consider(const sim::ExecutionRecord& record, bool first = false) {
    ++executions_;
    const std::size_t steps = record.events.size();
    steps_run_ += steps;
    const std::size_t switches = preemptions(record.reasons);
    if (!first && std::pair(switches, steps) >= std::pair(best_preemptions_, best_steps_)) return false;
    std::optional<sim::Finding> finding = same_finding(record);
    if (!finding) return false;
    best_ = to_trace(record);
    best_->finding = std::move(finding);
    best_steps_ = steps;
    best_preemptions_ = switches;
    return true;
  }

  // The record's finding if it is the failing one (a race is found by the detector).
  std::optional<sim::Finding> same_finding(const sim::ExecutionRecord& record) {
    if (is_race_) {
      if (record.finding || target_race_.empty()) return std::nullopt;
      const auto race = detector_.find(record);
      if (!race) return std::nullopt;
      race_identity(*race, record.events, record.thread_names, record.object_names, identity_);
      if (identity_ != target_race_) return std::nullopt;
      return race_finding(*race, record.events, record.thread_names, record.object_names);
    }
    const sim::Finding& target = *failing_.finding;
    if (!record.finding || record.finding->kind != target.kind || record.finding->message != target.message) {
      return std::nullopt;
    }
    return record.finding;
  }

  // Delta debugging over the best schedule's preemptions: drop chunks of them, from
  // halves down to single ones. True if it improved the best.
  bool drop_preemptions() {
    std::vector<std::size_t> points;
    for (std::size_t d = 0; d < best_->reasons.size(); ++d) {
      if (best_->reasons[d] == sim::SwitchReason::kPreempted) points.push_back(d);
    }
    if (points.empty()) return false;
    for (std::size_t chunk = std::max<std::size_t>(points.size() / 2, 1);; chunk /= 2) {
      for (std::size_t start = 0; start < points.size(); start += chunk) {
        std::vector<sim::ThreadId> candidate = best_->choices;
        for (std::size_t i = start; i < std::min(start + chunk, points.size()); ++i) candidate[points[i]] = kContinue;
        if (try_candidate(candidate)) return true;
      }
      if (chunk == 1) return false;
    }
  }

  // A short prefix of the best schedule whose completion fails the same way: lengths
  // 0, 1, 2, 4, ... (a logarithmic number of runs even for long schedules).
  bool truncate() {
    const std::vector<sim::ThreadId> choices = best_->choices;
    for (std::size_t length = 0; length < choices.size(); length = std::max<std::size_t>(2 * length, 1)) {
      if (try_candidate({choices.begin(), choices.begin() + static_cast<std::ptrdiff_t>(length)})) return true;
    }
    return false;
  }

  // Bounds k = 0, 1, ... below the best's preemptions, each searched to the end; the
  // first bound that fails is searched to the end for fewer steps. True if every
  // bound below the final count was searched completely.
  bool bounded_search() {
    for (std::size_t bound = 0; bound < best_preemptions_; ++bound) {
      BoundedDfs dfs(bound, failing_.draws);
      const std::size_t before = best_preemptions_;
      for (;;) {
        if (!budget_left()) return best_preemptions_ < before;  // found at this bound, or unproven
        if (!dfs.next_execution()) break;
        consider(runtime_.run(model_.main, dfs, {options_.max_steps, options_.ignore_time}));
      }
      if (best_preemptions_ < before) return true;  // bound k reproduces; k - 1 did not
    }
    return true;
  }

  const sim::ModelInstance& model_;
  const Trace& failing_;
  const ShrinkOptions& options_;
  const bool is_race_;
  std::string target_race_;  // race_identity of the failing race
  std::string identity_;     // a candidate's, reused
  RaceDetector detector_;
  sim::Runtime runtime_;
  std::optional<Trace> best_;
  std::size_t best_steps_ = 0;
  std::size_t best_preemptions_ = 0;
  std::uint64_t executions_ = 0;
  std::uint64_t steps_run_ = 0;
};

std::string count_text(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string size_text(std::size_t steps, std::size_t switches) {
  return count_text(steps, "step") + " / " + count_text(switches, "preemption");
}

}  // namespace

ShrinkResult shrink(const sim::ModelInstance& model, const Trace& failing, const ShrinkOptions& options) {
  return Shrinker(model, failing, options).run();
}

std::string shrink_summary(const ShrinkResult& result) {
  const std::string now = size_text(result.steps, result.preemptions);
  const bool unchanged = result.steps == result.original_steps && result.preemptions == result.original_preemptions;
  if (unchanged && result.minimal_preemptions) return "already minimal: " + now;
  const std::string text =
      unchanged ? "not shrunk: " + now
                : "shrunk from " + size_text(result.original_steps, result.original_preemptions) + " to " + now;
  return result.minimal_preemptions ? text : text + " (fewer preemptions not ruled out within the search budget)";
}

}  // namespace checker

#include "checker/strategies/pct.hpp"

#include "checker/strategies/splitmix.hpp"

#include <algorithm>

namespace checker {

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions)
    : seed_(seed), depth_(std::max<std::uint32_t>(depth, 1)), executions_(executions) {}

std::uint64_t PctStrategy::next_random() {
  const std::uint64_t previous = state_;
  state_ += 0x9E3779B97F4A7C15ull;  // SplitMix64's increment; splitmix64() adds it once more
  return splitmix64(previous);
}

void PctStrategy::admit_threads_up_to(sim::ThreadId id) {
  while (priority_.size() <= id) priority_.push_back(std::max<std::uint64_t>(next_random(), depth_));
}

bool PctStrategy::higher(sim::ThreadId a, sim::ThreadId b) const {
  return priority_[a] != priority_[b] ? priority_[a] > priority_[b] : a < b;
}

sim::ThreadId PctStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId,
                                  std::uint32_t decision) {
  admit_threads_up_to(enabled.back());  // `enabled` is sorted: its last id is the largest
  const auto highest = [&] {
    sim::ThreadId best = enabled.front();
    for (sim::ThreadId id : enabled) {
      if (higher(id, best)) best = id;
    }
    return best;
  };
  sim::ThreadId chosen = highest();
  if (next_change_ < change_points_.size() && change_points_[next_change_].decision == decision) {
    priority_[chosen] = change_points_[next_change_++].priority;
    chosen = highest();
  }
  return chosen;
}

std::uint64_t PctStrategy::draw(std::uint64_t bound, std::uint32_t) {
  return bounded(next_random(), bound);
}

bool PctStrategy::next_execution() {
  if (started_ == executions_) return false;
  // Each execution has its own stream, so execution i can be rerun on its own given k.
  state_ = seed_ * 0x2545F4914F6CDD1Dull + started_ + 0x5C7E0000ull;
  ++started_;
  priority_.clear();
  change_points_.clear();
  next_change_ = 0;
  // d - 1 distinct change points among the decisions 0..k-1 (steps 1..k), the i-th one
  // drawn getting priority i; fewer when k is that small. The first execution has
  // k = 0: priorities alone.
  const std::uint32_t wanted = std::min(depth_ - 1, step_estimate_);
  while (change_points_.size() < wanted) {
    const auto point = static_cast<std::uint32_t>(bounded(next_random(), step_estimate_));
    const bool taken = std::any_of(change_points_.begin(), change_points_.end(),
                                   [&](const ChangePoint& c) { return c.decision == point; });
    if (!taken) change_points_.push_back({point, static_cast<std::uint32_t>(change_points_.size()) + 1});
  }
  std::sort(change_points_.begin(), change_points_.end(),
            [](const ChangePoint& a, const ChangePoint& b) { return a.decision < b.decision; });
  return true;
}

void PctStrategy::execution_finished(const sim::ExecutionRecord& record) {
  step_estimate_ = std::max(step_estimate_, static_cast<std::uint32_t>(record.choices.size()));
}

std::string PctStrategy::describe() const {
  return "PCT (d=" + std::to_string(depth_) + ", seed " + std::to_string(seed_) + ")";
}

}  // namespace checker

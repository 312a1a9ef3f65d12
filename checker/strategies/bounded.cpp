#include "checker/strategies/bounded.hpp"
#include "checker/strategies/explored_fraction.hpp"

#include "checker/strategies/splitmix.hpp"

namespace checker {

sim::ThreadId BoundedStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                                      std::uint32_t decision) {
  if (decision < frames_.size()) {  // replaying the prefix
    const Frame& frame = frames_[decision];
    // As in DFS: a different set of runnable threads on a replayed prefix means the
    // model is not deterministic apart from scheduling; abandon, explore() reports it.
    if (frame.enabled_count != enabled.size()) return sim::kNoThread;
    preemptions_ = preemptions_after(frame);
    return options_[frame.first_option + frame.taken];
  }
  const auto first = static_cast<std::uint32_t>(options_.size());
  bool current_enabled = false;
  for (sim::ThreadId id : enabled) current_enabled |= id == current;
  const bool may_preempt = current_enabled && preemptions_ < bound_;
  // Where the running thread may be preempted, the preemptions come first: within one
  // bound, schedules that switch early are tried before those that switch late (the
  // deepest alternatives would come first otherwise, and an early switch is often
  // what a bug needs). Iteration 0 runs the thread that reached the point first, so
  // the first execution is the one a programmer would expect.
  if (current_enabled && !may_preempt) {
    options_.push_back(current);
    pruned_ |= enabled.size() > 1;
  } else {
    for (sim::ThreadId id : enabled) {
      if (id != current) options_.push_back(id);
    }
    if (current_enabled) options_.push_back(current);
  }
  frames_.push_back({first, static_cast<std::uint32_t>(options_.size()) - first,
                     static_cast<std::uint32_t>(enabled.size()), 0, preemptions_, current_enabled});
  preemptions_ = preemptions_after(frames_.back());
  return options_[first];
}

std::uint64_t BoundedStrategy::draw(std::uint64_t bound, std::uint32_t index) {
  return bounded(splitmix64(index), bound);
}

bool BoundedStrategy::next_execution() {
  preemptions_ = 0;
  if (!started_) {
    started_ = true;
    return true;
  }
  while (!frames_.empty() && frames_.back().taken + 1 == frames_.back().option_count) {
    options_.resize(frames_.back().first_option);
    frames_.pop_back();
  }
  if (!frames_.empty()) {
    ++frames_.back().taken;
    return true;
  }
  // This iteration is done. If it never had to leave an option out, no schedule needs
  // more preemptions than it allowed: the whole tree has run.
  if (!pruned_) {
    complete_ = true;
    iteration_done_ = true;
    return false;
  }
  if (bound_ == max_preemptions_) {
    iteration_done_ = true;
    return false;
  }
  ++bound_;
  pruned_ = false;
  return true;  // frames_ is empty: the next execution starts a fresh DFS
}

std::string BoundedStrategy::describe() const {
  return "preemption bounding (bound " + std::to_string(bound_) + ")";
}

double BoundedStrategy::explored_fraction() const {
  return checker::explored_fraction(std::span<const Frame>(frames_));
}

}  // namespace checker

#include "checker/strategies/dfs.hpp"
#include "checker/strategies/explored_fraction.hpp"

#include "checker/strategies/splitmix.hpp"

namespace checker {

sim::ThreadId DfsStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                                  std::uint32_t decision) {
  if (decision < frames_.size()) {  // replaying the prefix
    const Frame& frame = frames_[decision];
    // A different set of runnable threads on a replayed prefix means the model is
    // not deterministic apart from scheduling: abandon, and explore() reports it.
    if (frame.option_count != enabled.size()) return sim::kNoThread;
    return options_[frame.first_option + frame.taken];
  }
  const auto first = static_cast<std::uint32_t>(options_.size());
  bool current_enabled = false;
  for (sim::ThreadId id : enabled) current_enabled |= id == current;
  if (current_enabled) options_.push_back(current);
  for (sim::ThreadId id : enabled) {
    if (id != current) options_.push_back(id);
  }
  frames_.push_back({first, static_cast<std::uint32_t>(enabled.size()), 0});
  return options_[first];
}

std::uint64_t DfsStrategy::draw(std::uint64_t bound, std::uint32_t index) {
  return bounded(splitmix64(index), bound);
}

bool DfsStrategy::next_execution() {
  if (!started_) {
    started_ = true;
    return true;
  }
  while (!frames_.empty() && frames_.back().taken + 1 == frames_.back().option_count) {
    options_.resize(frames_.back().first_option);
    frames_.pop_back();
  }
  if (frames_.empty()) return false;
  ++frames_.back().taken;
  return true;
}

double DfsStrategy::explored_fraction() const {
  return checker::explored_fraction(std::span<const Frame>(frames_));
}

}  // namespace checker

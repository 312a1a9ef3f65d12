#include "checker/strategies/replay.hpp"

#include <algorithm>
#include <utility>

namespace checker {

sim::ThreadId ReplayStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId,
                                     std::uint32_t decision) {
  const sim::ThreadId expected = decision < choices_.size() ? choices_[decision] : sim::kNoThread;
  if (std::find(enabled.begin(), enabled.end(), expected) != enabled.end()) return expected;
  divergence_ = Divergence{decision, expected, {enabled.begin(), enabled.end()}};
  return sim::kNoThread;
}

std::uint64_t ReplayStrategy::draw(std::uint64_t bound, std::uint32_t index) {
  if (index < draws_.size() && draws_[index] < bound) return draws_[index];
  divergence_ = Divergence{index, sim::kNoThread, {}, true};
  return bound;  // abandons the execution
}

bool ReplayStrategy::next_execution() { return !std::exchange(started_, true); }

}  // namespace checker

#include "checker/strategies/portfolio.hpp"

#include "checker/strategies/splitmix.hpp"

namespace checker {

sim::ThreadId KnuthProbe::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) {
  product_ *= static_cast<double>(enabled.size());
  const std::uint64_t random = splitmix64(state_);
  state_ += 0x9E3779B97F4A7C15ull;
  return enabled[bounded(random, enabled.size())];
}

std::uint64_t KnuthProbe::draw(std::uint64_t bound, std::uint32_t index) {
  return bounded(splitmix64(index), bound);  // DFS's fixed draws: the same tree
}

bool KnuthProbe::next_execution() {
  if (started_ == probes_) return false;
  // Its own stream per probe, apart from the random strategy's for the same seed.
  state_ = (seed_ ^ 0x4B4E555448ull) * 0x2545F4914F6CDD1Dull + started_;
  ++started_;
  product_ = 1;
  return true;
}

void KnuthProbe::execution_finished(const sim::ExecutionRecord&) {
  sum_ += product_;
  ++finished_;
}

std::string KnuthProbe::describe() const { return "random-walk probe (seed " + std::to_string(seed_) + ")"; }

}  // namespace checker

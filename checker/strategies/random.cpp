#include "checker/strategies/random.hpp"

#include "checker/strategies/splitmix.hpp"

namespace checker {

RandomStrategy::RandomStrategy(std::uint64_t seed, std::uint64_t executions)
    : seed_(seed), executions_(executions) {}

std::uint64_t RandomStrategy::next_random() {
  const std::uint64_t previous = state_;
  state_ += 0x9E3779B97F4A7C15ull;  // SplitMix64's increment; splitmix64() adds it once more
  return splitmix64(previous);
}

sim::ThreadId RandomStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId,
                                     std::uint32_t) {
  return enabled[bounded(next_random(), enabled.size())];
}

std::uint64_t RandomStrategy::draw(std::uint64_t bound, std::uint32_t) {
  return bounded(next_random(), bound);
}

bool RandomStrategy::next_execution() {
  if (started_ == executions_) return false;
  // Each execution has its own stream, so execution i can be rerun on its own.
  state_ = seed_ * 0x2545F4914F6CDD1Dull + started_;
  ++started_;
  return true;
}

std::string RandomStrategy::describe() const { return "random walk (seed " + std::to_string(seed_) + ")"; }

}  // namespace checker

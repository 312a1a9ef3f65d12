#include "checker/strategies/random.hpp"

namespace checker {

RandomStrategy::RandomStrategy(std::uint64_t seed, std::uint64_t executions)
    : seed_(seed), executions_(executions) {}

// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): tiny, fast, well mixed.
std::uint64_t RandomStrategy::next_random() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

sim::ThreadId RandomStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId,
                                     std::uint32_t) {
  // Multiply-shift maps 64 random bits onto [0, n) with negligible bias for tiny n.
  const auto pick = static_cast<std::size_t>(
      (static_cast<unsigned __int128>(next_random()) * enabled.size()) >> 64);
  return enabled[pick];
}

bool RandomStrategy::next_execution() {
  if (started_ == executions_) return false;
  // Each execution has its own stream, so execution i can be rerun on its own.
  state_ = seed_ * 0x2545F4914F6CDD1Dull + started_;
  ++started_;
  return true;
}

std::string RandomStrategy::describe() const { return "random (seed " + std::to_string(seed_) + ")"; }

}  // namespace checker

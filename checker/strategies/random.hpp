// Random walk: at every scheduling point pick an enabled thread uniformly, from a
// seeded generator; the model's random() draws come from the same stream. Execution i
// of seed s is the same on every machine.
#pragma once

#include "checker/strategy.hpp"

#include <cstdint>

namespace checker {

class RandomStrategy final : public Strategy {
 public:
  RandomStrategy(std::uint64_t seed, std::uint64_t executions);
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  std::string describe() const override;

 private:
  std::uint64_t next_random();

  std::uint64_t seed_;
  std::uint64_t executions_;  // how many to run in all
  std::uint64_t started_ = 0;
  std::uint64_t state_ = 0;
};

}  // namespace checker

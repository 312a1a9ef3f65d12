// Exhaustive depth-first search by stateless re-execution: each execution replays
// the prefix of the previous one up to the deepest scheduling point with an untried
// alternative, takes that alternative, and continues with the first option. The first
// option is the thread that reached the point if it is enabled (no preemption), so
// the first execution is the one a programmer would expect.
#pragma once

#include "checker/strategy.hpp"

#include <cstdint>
#include <vector>

namespace checker {

class DfsStrategy final : public Strategy {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  // Draws are not explored: draw k is the same fixed value in every execution, so
  // "exhaustive" means every schedule for those values.
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  bool exhaustive_when_done() const override { return true; }
  std::string describe() const override { return "DFS"; }
  // Share of the tree already run, from the stack: each frame's finished options
  // weighted by the product of the branchings above it (exact for a uniform tree).
  double explored_fraction() const;

 private:
  struct Frame {
    std::uint32_t first_option;  // index into options_
    std::uint32_t option_count;
    std::uint32_t taken;         // invariant: taken < option_count
  };
  std::vector<Frame> frames_;           // one per scheduling point of the current path
  std::vector<sim::ThreadId> options_;  // the options of every frame, back to back
  bool started_ = false;
};

}  // namespace checker

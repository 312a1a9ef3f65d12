// Preemption-bounded search, iterative context bounding (Musuvathi & Qadeer, "Iterative
// context bounding for systematic testing of multithreaded programs", PLDI 2007): every
// schedule with at most 0 preemptions, then every one with at most 1, ... up to the
// bound K, so the first bug found is one with the fewest preemptions.
//
// A preemption is a switch away from a thread that could have continued; a switch at a
// point where the running thread blocked or finished is free. Iteration k is a
// stateless DFS (like dfs.hpp) over the schedules with at most k preemptions; it
// reruns the schedules with fewer, which the earlier iterations already ran, because a
// stateless search can only reach the deeper preemption points of a schedule by running
// it. Those reruns are flagged (last_execution_repeats()) so they are neither counted
// nor collected twice. Memory is O(length of an execution), whatever K is.
#pragma once

#include "checker/strategy.hpp"

#include <cstdint>
#include <vector>

namespace checker {

class BoundedStrategy final : public Strategy {
 public:
  explicit BoundedStrategy(std::uint32_t max_preemptions) : max_preemptions_(max_preemptions) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  // As in DFS, draw k is a fixed value in every execution.
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  // Only when some iteration met no schedule over its bound: then every schedule ran.
  bool exhaustive_when_done() const override { return complete_; }
  std::string describe() const override;

  // The bound of the iteration running now (or that ran last).
  std::uint32_t bound() const { return bound_; }
  // Every schedule with at most this many preemptions has run; -1 before iteration 0 ends.
  std::int64_t covered_bound() const { return static_cast<std::int64_t>(bound_) - (iteration_done_ ? 0 : 1); }
  // The last execution ran a schedule an earlier iteration already ran.
  bool last_execution_repeats() const { return preemptions_ < bound_; }
  // Preemptions in the last execution.
  std::uint32_t last_preemptions() const { return preemptions_; }
  // The whole tree was covered: no schedule needs more than bound() preemptions.
  bool complete() const { return complete_; }
  // Share of the current iteration's tree already run, from the DFS stack (each
  // frame's finished options weighted by the product of the branchings above it).
  double explored_fraction() const;

 private:
  struct Frame {
    std::uint32_t first_option;  // index into options_
    std::uint32_t option_count;  // options within the bound
    std::uint32_t enabled_count; // to detect a model that is not deterministic
    std::uint32_t taken;         // invariant: taken < option_count
    std::uint32_t preemptions;   // on the path before this point
    bool current_enabled;        // switching away here is a preemption
  };
  // Options are ordered preemptions first, the running thread last, so the running
  // thread is the last option of a frame where it is enabled.
  std::uint32_t preemptions_after(const Frame& frame) const {
    return frame.preemptions + (frame.current_enabled && frame.taken + 1 < frame.option_count ? 1 : 0);
  }

  std::uint32_t max_preemptions_;
  std::uint32_t bound_ = 0;
  std::vector<Frame> frames_;
  std::vector<sim::ThreadId> options_;
  std::uint32_t preemptions_ = 0;  // of the execution running now
  bool started_ = false;
  bool pruned_ = false;            // this iteration left out some option over its bound
  bool iteration_done_ = false;
  bool complete_ = false;
};

}  // namespace checker

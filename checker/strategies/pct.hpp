// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// "A randomized scheduler with probabilistic guarantees of finding bugs", ASPLOS 2010).
// Each execution gives the threads distinct random priorities and always runs the
// highest-priority enabled thread; at d - 1 change points, steps drawn uniformly from
// 1..k (k: the most scheduling points an execution has had so far), the thread about
// to run drops to a priority below every initial one (the i-th change point to
// priority i). A bug of depth d (d ordering constraints) is then found by one execution
// with probability at least 1 / (n k^(d-1)) for n threads.
//
// Threads appear while the model runs, so a new thread is inserted at a uniformly
// random place in the priority order (which keeps the order a uniform permutation), as
// awslabs/shuttle's pct.rs does. A change point lowers the thread before it runs its
// step (shuttle's variant too), so each change point is a switch whenever another
// thread can run. Execution i has its own SplitMix64 stream from (seed, i); the model's
// random() draws come from it as well. Same seed, same executions.
#pragma once

#include "checker/strategy.hpp"

#include <cstdint>
#include <vector>

namespace checker {

class PctStrategy final : public Strategy {
 public:
  // `depth` >= 1; `executions`: how many to run in all.
  PctStrategy(std::uint64_t seed, std::uint32_t depth, std::uint64_t executions);

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  void execution_finished(const sim::ExecutionRecord& record) override;
  std::string describe() const override;

 private:
  std::uint64_t next_random();
  // Gives threads up to `id` their place in the priority order.
  void admit_threads_up_to(sim::ThreadId id);
  bool higher(sim::ThreadId a, sim::ThreadId b) const;

  std::uint64_t seed_;
  std::uint32_t depth_;
  std::uint64_t executions_;
  std::uint64_t started_ = 0;
  std::uint64_t state_ = 0;
  std::uint32_t step_estimate_ = 0;  // k: the longest execution so far, in scheduling points
  // priority_[t] of admitted thread t: a uniformly random key >= depth_ at first (so the
  // initial order is a uniform permutation, whenever threads arrive), 1..depth_-1 once
  // lowered at a change point. Equal keys (probability ~2^-64) go to the lower id.
  std::vector<std::uint64_t> priority_;
  struct ChangePoint {
    std::uint32_t decision;  // distinct among the change points
    std::uint32_t priority;  // i for the i-th point drawn: 1..depth_-1
  };
  std::vector<ChangePoint> change_points_;  // sorted by decision
  std::uint32_t next_change_ = 0;           // index into change_points_
};

}  // namespace checker

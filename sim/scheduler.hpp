// The one seam between the runtime and search: at every scheduling point the
// runtime asks a Scheduler which enabled thread performs its pending operation next.
// Strategies (DFS, random, replay, ...) implement it in checker/ and never touch the
// runtime's state.
#pragma once

#include "sim/ids.hpp"

#include <cstdint>
#include <span>

namespace sim {

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Returns one element of `enabled`. `enabled` is never empty and is sorted by
  // thread id; `current` is the thread that reached the scheduling point (it may be
  // missing from `enabled` when it has just blocked or finished). Returning a thread
  // outside `enabled` is an internal error, except kNoThread, which abandons the
  // execution (replay uses it at a divergence). `decision` counts the scheduling points
  // of this execution from 0.
  virtual ThreadId choose(std::span<const ThreadId> enabled, ThreadId current,
                          std::uint32_t decision) = 0;

  // Returns a value in [0, bound) for draw number `index` of the model's random();
  // bound > 0. Returning a value >= bound abandons the execution (replay at a divergence).
  virtual std::uint64_t draw(std::uint64_t bound, std::uint32_t index) = 0;

  // See repeat_previous(); the runtime reads it after choose() at decision 0.
  std::uint32_t repeat_end() const { return repeat_end_; }

 protected:
  // For choose() at decision 0 (call it there every time, if at all): promises that at
  // every decision 0 < d < `end` the scheduler chooses what it chose at decision d of
  // the previous execution it ran on the same runtime, whenever the enabled threads
  // are the same as there. A scheduler that replays a prefix of the last path (stateless
  // search re-executing up to its next branch) says so, and the runtime takes those
  // choices itself without calling choose(). Where the enabled threads differ (a model
  // that is not deterministic), it calls choose() as usual, so the scheduler still sees
  // the divergence.
  void repeat_previous(std::uint32_t end) { repeat_end_ = end; }

 private:
  std::uint32_t repeat_end_ = 0;
};

}  // namespace sim

// Replays a recorded schedule: at scheduling point k it picks choice k. At the first
// point where that thread cannot run (or the schedule runs out) it abandons the
// execution and remembers why, so replay stops with a clear message at the first
// divergence instead of wandering off.
#pragma once

#include "checker/strategy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace checker {

struct Divergence {
  std::uint32_t step = 0;   // index of the scheduling point, or of the draw
  sim::ThreadId expected = sim::kNoThread;  // kNoThread: the schedule had run out
  std::vector<sim::ThreadId> enabled;
  bool at_draw = false;     // a random() draw the recording lacks or cannot give
};

class ReplayStrategy final : public Strategy {
 public:
  ReplayStrategy(std::vector<sim::ThreadId> choices, std::vector<std::uint64_t> draws)
      : choices_(std::move(choices)), draws_(std::move(draws)) {}
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  std::string describe() const override { return "replay"; }
  const std::optional<Divergence>& divergence() const { return divergence_; }

 private:
  std::vector<sim::ThreadId> choices_;
  std::vector<std::uint64_t> draws_;
  std::optional<Divergence> divergence_;
  bool started_ = false;
};

}  // namespace checker

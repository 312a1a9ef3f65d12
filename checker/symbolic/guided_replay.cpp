#include "checker/symbolic/guided_replay.hpp"

#include "sim/runtime.hpp"
#include "sim/scheduler.hpp"

#include <algorithm>

namespace checker::symbolic {

namespace {

class PrefixThenContinue final : public sim::Scheduler {
 public:
  PrefixThenContinue(std::span<const sim::ThreadId> prefix, const std::vector<std::uint64_t>& draws)
      : prefix_(prefix), draws_(draws) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override {
    const auto can_run = [&](sim::ThreadId t) { return std::find(enabled.begin(), enabled.end(), t) != enabled.end(); };
    if (decision < prefix_.size()) {
      if (can_run(prefix_[decision])) return prefix_[decision];
      diverged_ = true;
      return sim::kNoThread;  // abandons the execution
    }
    return can_run(current) ? current : enabled.front();
  }

  // The recorded draws in order (a prediction keeps the order of random() calls);
  // 0 beyond them.
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override {
    return index < draws_.size() && draws_[index] < bound ? draws_[index] : 0;
  }

  bool diverged() const { return diverged_; }

 private:
  std::span<const sim::ThreadId> prefix_;
  const std::vector<std::uint64_t>& draws_;
  bool diverged_ = false;
};

}  // namespace

GuidedRun run_guided(const sim::ModelInstance& model, std::span<const sim::ThreadId> prefix,
                     const std::vector<std::uint64_t>& draws, const ExploreOptions& options) {
  sim::Runtime runtime;
  PrefixThenContinue scheduler(prefix, draws);
  const sim::ExecutionRecord& record = runtime.run(model.main, scheduler, {options.max_steps, options.ignore_time});
  return {to_trace(record), scheduler.diverged()};
}

}  // namespace checker::symbolic

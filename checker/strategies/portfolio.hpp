// The pieces of the default search (explore.cpp runs it): DPOR alone first; if it
// does not finish within a probe, a Knuth estimate of the tree decides whether DPOR
// can finish within the execution budget. If not, preemption-bounded and PCT
// executions are interleaved with DPOR's (one slice in ten), so shallow bugs, which
// need few preemptions or few ordering constraints, are found early even when DPOR's
// order reaches them late; DPOR keeps nine tenths of the budget and its exhaustive
// answer when it finishes.
//
// The estimate (Knuth, "Estimating the efficiency of backtrack programs", Math. Comp.
// 1975): walk down the DFS tree choosing uniformly at every scheduling point; the
// product of the branching factors met is an unbiased estimate of the number of
// leaves (schedules). DPOR runs one execution per Mazurkiewicz trace, a subset of the
// schedules, so the estimate is an upper bound on DPOR's work: when even the bound
// fits the budget, DPOR runs alone. The probes are random walks, so they may find
// bugs too. The estimator's variance is high on unbalanced trees; it only decides
// whether to spend a tenth of the budget on other strategies, and feeds the progress
// line, never a certificate's claim of coverage.
#pragma once

#include "checker/strategy.hpp"

#include <cstdint>

namespace checker {

// Slices of the default search once it interleaves: DPOR, then the other strategies.
inline constexpr std::uint64_t kPortfolioDporSlice = 900;
inline constexpr std::uint64_t kPortfolioSideSlice = 100;
// Random walks for the tree estimate: enough to average out most of one probe's luck.
inline constexpr std::uint64_t kKnuthProbes = 64;

// Uniformly random walks down the DFS tree (draws fixed as in DFS, so it is the same
// tree), each giving Knuth's estimate of its number of schedules.
class KnuthProbe final : public Strategy {
 public:
  KnuthProbe(std::uint64_t seed, std::uint64_t probes) : seed_(seed), probes_(probes) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  void execution_finished(const sim::ExecutionRecord& record) override;
  std::string describe() const override;

  // The mean of the finished probes' products: the estimated number of schedules
  // (0 before any probe finished).
  double estimate() const { return finished_ == 0 ? 0 : sum_ / static_cast<double>(finished_); }

 private:
  std::uint64_t seed_;
  std::uint64_t probes_;
  std::uint64_t started_ = 0;
  std::uint64_t finished_ = 0;
  std::uint64_t state_ = 0;
  double product_ = 1;  // of the probe running now
  double sum_ = 0;      // of the finished probes' products
};

}  // namespace checker

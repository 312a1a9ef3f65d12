// Optimal dynamic partial-order reduction with wakeup trees and sleep sets (Abdulla,
// Aronis, Jonsson, Sagonas, "Optimal dynamic partial order reduction", POPL 2014;
// "Source sets: a foundation for optimal dynamic partial order reduction", JACM 2017),
// by stateless re-execution: the goal is one execution per Mazurkiewicz trace (orders
// of the steps equal up to swapping adjacent independent steps; dpor_step.hpp says
// which steps are dependent).
//
// Each execution replays a prefix of the previous one, takes the leftmost pending
// branch of the wakeup tree at the branch point, follows that branch's sequence, then
// continues with any enabled thread not in the sleep set (preferring the thread that
// reached the point, so the first execution is the one a programmer expects). After
// the execution, dpor_analysis finds its races; each race (i, j) adds the reversal
// notdep(i).j to the wakeup tree at i unless a thread in the sleep set there already
// starts it. When a branch is done, its thread joins the sleep set of its scheduling
// point: sleeping threads are not run again until a dependent step wakes them.
//
// The runtime shows a strategy only the enabled threads and their pending operations
// while an execution runs; the steps' full effects come with the record afterwards.
// So during an execution the sleep set is kept conservatively (a sleeper wakes on any
// conflict visible at that time), and it is recomputed exactly afterwards. An
// execution whose enabled threads are all asleep is abandoned (sleep-set blocked) and
// counted apart. On models whose steps are loads, stores, locks, output and thread
// start/join this does not happen (the tests check it); with other primitives, whose
// blocking the analysis cannot see into, a race may call for a reversal that cannot
// run: its sequence is dropped where its next thread is not enabled, and an execution
// that tried it may end blocked. Threads are known by their runtime numbers, which
// follow the order of creation; see dpor_step.hpp for why that order is kept.
//
// Time: with virtual time the clock advances only when no thread can run, so every
// step at a later time happens after every step at an earlier one; races across a
// clock advance are found only through threads that were enabled before it. Draws of
// the model's random() are not explored (draw k has a fixed value, as in DFS) but
// draws are dependent (the k-th value depends on k). Exactness (one execution per
// trace) is the goal for models whose steps are loads, stores, lock operations, output
// and thread start/join; other primitives make their steps dependent with everything,
// which is sound but explores more.
#pragma once

#include "checker/strategies/dpor_analysis.hpp"
#include "checker/strategies/dpor_step.hpp"
#include "checker/strategies/dpor_wakeup.hpp"
#include "checker/strategy.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sim {
class Runtime;
}

namespace checker {

class DporStrategy final : public Strategy {
 public:
  // choose() returns one of `enabled`, or kNoThread to abandon an execution that is
  // sleep-set blocked (last_execution_blocked()) or that left the replayed prefix
  // (last_execution_diverged(): the model is not deterministic).
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t decision) override;
  // Draw k is the same fixed value as in DFS, so both explore the same executions.
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override;
  bool next_execution() override;
  void execution_finished(const sim::ExecutionRecord& record) override;
  bool exhaustive_when_done() const override { return true; }
  std::string describe() const override { return "DPOR"; }

  // The last execution was abandoned because every enabled thread was asleep: it
  // repeats a trace already explored, and is neither an outcome nor a finding.
  bool last_execution_blocked() const { return blocked_; }
  bool last_execution_diverged() const { return diverged_; }
  // Diagnostics: executions that ran a thread the exact sleep set says was asleep
  // (they repeat a trace; the conservative sleep set of a running execution let them
  // through), and races dropped because their reversal could not start.
  std::uint64_t redundant_executions() const { return redundant_; }
  std::uint64_t dropped_races() const { return dropped_; }
  std::size_t wakeup_nodes() const { return pool_.live(); }
  // The share of the search done, read off the current path like DFS's stack estimate:
  // at each point, the branches finished before the current one out of those known (the
  // finished, the current, the pending). Branches that races found later will add are
  // not known yet, so early on it is optimistic; the progress line's estimate of what
  // is left.
  double explored_fraction() const;

 private:
  static constexpr sim::ThreadId kMaskBits = 64;  // PointInfo::enabled_mask
  struct Sleeper {
    sim::ThreadId thread;
    dpor::Step step;  // its next step, as explored from this scheduling point
  };
  // One scheduling point of the current path: what the runtime showed there (the
  // analysis reads nodes_ in place), and in branching_ at the same index, the point's
  // sleepers and branches. Ranges index the flat vectors below, which grow and shrink
  // with the path like a stack. (chosen is kNoThread at the point a blocked execution
  // stopped at.)
  using Node = dpor::PointInfo;
  struct Branching {
    std::uint32_t sleep_begin = 0, sleep_end = 0;
    std::int32_t wakeup = dpor::WakeupPool::kNone;  // pending branches, leftmost first
    bool free = false;  // chosen freely (not replayed nor from a wakeup sequence)
    std::uint32_t branches_done = 0;  // branches of this point explored before the current one
  };

  std::span<const sim::ThreadId> enabled_of(const Node& node) const {
    return {enabled_.data() + node.enabled_begin, node.enabled_end - node.enabled_begin};
  }
  std::span<const Sleeper> sleep_of(const Branching& point) const {
    return {sleep_.data() + point.sleep_begin, point.sleep_end - point.sleep_begin};
  }
  bool asleep(const Branching& point, sim::ThreadId thread) const;
  bool is_enabled(const Node& node, sim::ThreadId thread) const {
    if (thread < kMaskBits) return ((node.enabled_mask >> thread) & 1) != 0;
    return std::binary_search(enabled_.begin() + node.enabled_begin, enabled_.begin() + node.enabled_end, thread);
  }
  // Inline (defined before its one caller, choose_new): a new point costs no call.
  inline Node& push_node(std::span<const sim::ThreadId> enabled, std::uint32_t index);
  void grow_branching();
  // pending_ marks the points with pending branches (and may mark some without: points
  // past a path cut short, which next_execution unmarks when it finds them), so that it
  // finds the deepest one without walking the path, a loop whose exit the processor
  // mispredicts in every execution.
  void mark_pending(std::uint32_t point) { pending_[point / 64] |= std::uint64_t{1} << (point % 64); }
  void unmark_pending(std::uint32_t point) { pending_[point / 64] &= ~(std::uint64_t{1} << (point % 64)); }
  // The deepest marked point below `end`, or kNoPoint.
  std::uint32_t deepest_marked(std::uint32_t end) const;
  static constexpr std::uint32_t kNoPoint = UINT32_MAX;
  // (Not inline: choose() stays a dispatch with no stack frame of its own.)
  [[gnu::noinline]] sim::ThreadId choose_replayed(std::span<const sim::ThreadId> enabled, std::uint32_t decision);
  sim::ThreadId choose_new(std::span<const sim::ThreadId> enabled, sim::ThreadId current, std::uint32_t decision);
  void conservative_sleep(std::uint32_t decision);
  // The steps of execution_finished, each called once per execution: inlined into it,
  // whose frame already saves what they would save again.
  [[gnu::always_inline]] inline void exact_sleep(std::uint32_t from);
  [[gnu::always_inline]] inline void collect_unfinished(const sim::ExecutionRecord& record);
  [[gnu::always_inline]] inline void add_races();
  void wake_blocked_point();

  std::vector<Node> nodes_;
  // Per node: [0, nodes_.size()) is in use, the rest is room kept (grown only when
  // nodes_ outgrows it), so points come and go with no construction or resizing here.
  std::vector<Branching> branching_;
  std::vector<std::uint64_t> pending_;  // one bit per point of branching_ (see mark_pending)
  // The points' enabled threads: [0, enabled_used_) is in use, the rest is room kept so
  // that a new point writes its threads without a capacity check for each.
  std::vector<sim::ThreadId> enabled_;
  std::uint32_t enabled_used_ = 0;
  std::vector<Sleeper> sleep_;
  dpor::WakeupPool pool_;
  std::int32_t chain_ = dpor::WakeupPool::kNone;  // the wakeup subtree to follow next
  std::uint32_t replay_ = 0;     // nodes [0, replay_) are replayed; the last one is the new branch
  sim::Runtime* runtime_ = nullptr;
  bool started_ = false;
  bool blocked_ = false;
  bool diverged_ = false;
  bool drew_ = false;            // the step running now drew from random()
  std::uint64_t redundant_ = 0;
  std::uint64_t dropped_ = 0;

  // Per-execution scratch, kept for its capacity.
  dpor::Analysis analysis_;
  std::vector<dpor::Unfinished> unfinished_;
  std::vector<sim::ThreadId> at_end_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> races_;
  std::vector<std::uint32_t> sequence_;
};

}  // namespace checker

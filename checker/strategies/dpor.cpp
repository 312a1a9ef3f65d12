#include "checker/strategies/dpor.hpp"

#include "checker/strategies/explored_fraction.hpp"
#include "checker/strategies/splitmix.hpp"
#include "checker/strategies/truncate.hpp"
#include "sim/runtime.hpp"

#include <algorithm>
#include <bit>

namespace checker {

namespace {
using dpor::WakeupPool;


// A sleeper whose next step reads whether some thread has finished (a join with a
// timeout) may be woken by a finish the running execution cannot see yet.
bool reads_a_thread(const dpor::Step& step) {
  for (std::uint8_t a = 0; a < step.count; ++a) {
    if ((step.accesses[a].object & dpor::kThreadObject) != 0 && step.accesses[a].object != dpor::kRandomStream &&
        step.accesses[a].object != dpor::kStdout && step.accesses[a].mode == dpor::Mode::kRead) {
      return true;
    }
  }
  return false;
}

// The same threads in the same order. (A loop: the lists are a few threads long, and
// std::equal's memcmp call costs more than comparing them.)
bool same_threads(std::span<const sim::ThreadId> a, std::span<const sim::ThreadId> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t x = 0; x < a.size(); ++x) {
    if (a[x] != b[x]) return false;
  }
  return true;
}
}  // namespace

bool DporStrategy::asleep(const Branching& point, sim::ThreadId thread) const {
  for (std::uint32_t x = point.sleep_begin; x < point.sleep_end; ++x) {  // (most points have no sleepers)
    if (sleep_[x].thread == thread) return true;
  }
  return false;
}

void DporStrategy::grow_branching() {
  branching_.resize(std::max<std::size_t>(64, 2 * branching_.size()));
  pending_.resize(branching_.size() / 64);
}

std::uint32_t DporStrategy::deepest_marked(std::uint32_t end) const {
  std::uint32_t word = end / 64;
  std::uint64_t bits = word < pending_.size() ? pending_[word] & ((std::uint64_t{1} << (end % 64)) - 1) : 0;
  for (;;) {
    if (bits != 0) return word * 64 + 63 - static_cast<std::uint32_t>(std::countl_zero(bits));
    if (word == 0) return kNoPoint;
    bits = pending_[--word];
  }
}

DporStrategy::Node& DporStrategy::push_node(std::span<const sim::ThreadId> enabled, std::uint32_t index) {
  const std::uint32_t enabled_end = enabled_used_ + static_cast<std::uint32_t>(enabled.size());
  if (enabled_end > enabled_.size()) enabled_.resize(std::max<std::size_t>(enabled_end, 2 * enabled_.size()));
  sim::ThreadId* out = enabled_.data() + enabled_used_;
  std::uint64_t mask = 0;
  for (sim::ThreadId t : enabled) {
    *out++ = t;
    if (t < kMaskBits) mask |= std::uint64_t{1} << t;
  }
  // Built whole (each field written once; choose_new sets the chosen thread's fields).
  Node& node = nodes_.emplace_back(Node{.time = runtime_->now(), .enabled_begin = enabled_used_, .enabled_end = enabled_end,
                                           .enabled_mask = mask});
  enabled_used_ = enabled_end;
  if (index >= branching_.size()) grow_branching();
  Branching& point = branching_[index];
  point.sleep_begin = point.sleep_end = static_cast<std::uint32_t>(sleep_.size());
  point.wakeup = WakeupPool::kNone;
  point.free = false;
  point.branches_done = 0;
  return node;
}

// The sleep set of the new point `decision` (the last node) while the execution runs:
// the previous point's sleepers that are still enabled and independent of the step
// just taken, as far as it is known now (its operation and whether it drew from
// random()). The previous point has sleepers (the caller checks: most points have none).
void DporStrategy::conservative_sleep(std::uint32_t decision) {
  const Node& prev = nodes_[decision - 1];
  dpor::Step taken;
  taken.thread = prev.chosen;
  taken.add_operation(prev.kind, prev.object, true);
  if (drew_) taken.add(dpor::kRandomStream, dpor::Mode::kWrite);
  const std::uint32_t begin = branching_[decision - 1].sleep_begin;
  const std::uint32_t end = branching_[decision - 1].sleep_end;
  for (std::uint32_t x = begin; x < end; ++x) {
    const Sleeper& s = sleep_[x];
    if (s.thread == taken.thread || !is_enabled(nodes_.back(), s.thread) || dependent(s.step, taken) ||
        reads_a_thread(s.step)) {
      continue;
    }
    sleep_.push_back(s);  // (push_back copies an element of the vector itself correctly)
  }
  branching_[decision].sleep_end = static_cast<std::uint32_t>(sleep_.size());
}

sim::ThreadId DporStrategy::choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                                   std::uint32_t decision) {
  // Only a dispatch, so that it needs no stack frame: most calls are for new points.
  if (decision >= replay_) return choose_new(enabled, current, decision);
  return choose_replayed(enabled, decision);
}

// A point of the replayed prefix: the branch point replay_ - 1, where the thread comes
// from the wakeup tree, or one before it, which repeats the previous execution. The
// runtime takes the replayed points after decision 0 itself where the enabled threads
// and the chosen thread's operation are the same as in the previous execution, and asks
// here where they differ (a model that is not deterministic apart from scheduling, which
// the checks below see) or with more than 64 threads.
sim::ThreadId DporStrategy::choose_replayed(std::span<const sim::ThreadId> enabled, std::uint32_t decision) {
  if (decision == 0) repeat_previous(replay_ - 1);
  Node& node = nodes_[decision];
  if (!same_threads(enabled, enabled_of(node))) {
    diverged_ = true;
    return sim::kNoThread;
  }
  const sim::Runtime::PendingOp op = runtime_->pending(node.chosen);
  if (decision + 1 == replay_) {  // the branch point: a new thread, whose operation is recorded here
    node.kind = op.kind;
    node.object = op.object;
  } else if (op.kind != node.kind || op.object != node.object) {
    diverged_ = true;
    return sim::kNoThread;
  }
  drew_ = false;
  return node.chosen;
}

// A point past the replayed prefix: the next step of the wakeup sequence being
// followed, else the current thread or the first enabled one that is not asleep.
sim::ThreadId DporStrategy::choose_new(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                                       std::uint32_t decision) {
  if (decision == 0) {  // the first execution, which replays nothing
    runtime_ = &sim::Runtime::current();  // the same one for the whole search
    repeat_previous(0);
  }
  Node& node = push_node(enabled, decision);
  Branching& point = branching_[decision];
  if (decision > 0 && !sleep_of(branching_[decision - 1]).empty()) conservative_sleep(decision);
  sim::ThreadId chosen = sim::kNoThread;
  if (chain_ != WakeupPool::kNone) {  // follow the wakeup sequence
    const std::int32_t c = chain_;
    point.wakeup = pool_[c].next_sibling;  // the other branches stay pending here
    if (point.wakeup != WakeupPool::kNone) mark_pending(decision);
    pool_[c].next_sibling = WakeupPool::kNone;
    if (is_enabled(node, pool_[c].step.thread)) {
      chosen = pool_[c].step.thread;
      chain_ = pool_[c].first_child;
      pool_.release(c);
    } else {
      pool_.release_list(c);  // cannot start here: drop this sequence
      chain_ = WakeupPool::kNone;
      ++dropped_;
    }
  }
  if (chosen == sim::kNoThread) {
    point.free = true;
    const bool current_enabled = current != sim::kNoThread && is_enabled(node, current);
    if (point.sleep_begin == point.sleep_end) {  // most points: no sleepers (enabled is never empty)
      chosen = current_enabled ? current : enabled.front();
    } else if (current_enabled && !asleep(point, current)) {
      chosen = current;
    } else {
      for (sim::ThreadId t : enabled) {
        if (!asleep(point, t)) {
          chosen = t;
          break;
        }
      }
    }
    if (chosen == sim::kNoThread) {  // every enabled thread is asleep
      blocked_ = true;
      return sim::kNoThread;
    }
  }
  node.chosen = chosen;
  const sim::Runtime::PendingOp op = runtime_->pending(chosen);
  node.kind = op.kind;
  node.object = op.object;
  drew_ = false;
  return chosen;
}

std::uint64_t DporStrategy::draw(std::uint64_t bound, std::uint32_t index) {
  drew_ = true;
  return bounded(splitmix64(index), bound);
}

// The threads still unfinished at the end, at the operation each was parked at (the
// runtime keeps a parked thread's pending operation after the execution is over).
// Call after analysis_.run(), which knows from the events which threads started and
// finished.
inline void DporStrategy::collect_unfinished(const sim::ExecutionRecord& record) {
  unfinished_.clear();
  // A normal end joined every non-daemon thread and lists the daemons it cut off.
  if (runtime_ == nullptr || (!record.finding && record.cut_off_daemons.empty() && !blocked_)) return;
  const std::size_t threads = record.thread_names.size();
  // Threads that did not stop at a scheduling point: the one a finding stopped in the
  // middle of its step, and the main thread when daemons were cut off after it ended.
  sim::ThreadId stopped = sim::kNoThread;
  if (record.finding) {
    switch (record.finding->kind) {
      case sim::FindingKind::kAssertion:
      case sim::FindingKind::kUncaughtException:
      case sim::FindingKind::kMisuse:
        stopped = record.finding->thread;
        break;
      default:
        break;
    }
  }
  const bool main_ended = !record.cut_off_daemons.empty() ||
                          (record.finding && record.finding->kind == sim::FindingKind::kDaemonCutOff);
  for (sim::ThreadId t = 0; t < threads; ++t) {
    if (!analysis_.left_unfinished(t) || t == stopped || (t == sim::kMainThread && main_ended)) continue;
    const sim::Runtime::PendingOp op = runtime_->pending(t);
    unfinished_.push_back({t, op.kind, op.object});
  }
}

// Exact sleep sets, from the steps' recorded effects, for the points from `from` on.
inline void DporStrategy::exact_sleep(std::uint32_t from) {
  if (from == 0) from = 1;
  const auto points = static_cast<std::uint32_t>(nodes_.size());
  if (from >= points) return;
  truncate(sleep_, branching_[from - 1].sleep_end);
  for (std::uint32_t d = from; d < points; ++d) {
    const Branching& prev = branching_[d - 1];
    const Node& node = nodes_[d];
    Branching& point = branching_[d];
    const dpor::Step& taken = analysis_.step(d - 1);
    point.sleep_begin = static_cast<std::uint32_t>(sleep_.size());
    for (std::uint32_t x = prev.sleep_begin; x < prev.sleep_end; ++x) {
      const Sleeper& s = sleep_[x];
      if (analysis_.touches(d - 1, s.thread) || !is_enabled(node, s.thread) ||
          dependent(s.step, taken)) {
        continue;
      }
      sleep_.push_back(s);
    }
    point.sleep_end = static_cast<std::uint32_t>(sleep_.size());
    if (point.sleep_begin == point.sleep_end) {  // a point's sleepers come from the one before
      for (++d; d < points; ++d) branching_[d].sleep_begin = branching_[d].sleep_end = point.sleep_end;
      return;
    }
    if (point.free && node.chosen != sim::kNoThread && asleep(point, node.chosen)) ++redundant_;
  }
}

// A blocked execution stopped where its conservative sleep set held every enabled
// thread; threads the exact sleep set leaves awake there become branches of that point.
void DporStrategy::wake_blocked_point() {
  const Node& node = nodes_.back();
  Branching& point = branching_[nodes_.size() - 1];
  for (sim::ThreadId t : enabled_of(node)) {
    if (asleep(point, t)) continue;
    dpor::Step step;
    step.thread = t;
    const sim::Runtime::PendingOp op = runtime_->pending(t);
    step.kind = op.kind;
    step.object = op.object;
    step.add_operation(op.kind, op.object, true);
    const std::int32_t branch = pool_.make(step);
    std::int32_t* link = &point.wakeup;
    while (*link != WakeupPool::kNone) link = &pool_[*link].next_sibling;
    *link = branch;
  }
  if (point.wakeup != WakeupPool::kNone) mark_pending(static_cast<std::uint32_t>(nodes_.size() - 1));
}

// Each race (i, j) found adds its reversal to the wakeup tree at i. (One call for all of
// them: most executions have a few races, and a call for each cost more than its work.)
inline void DporStrategy::add_races() {
  for (const auto& [i, j] : races_) {
    analysis_.reversal(i, j, sequence_);
    if (!is_enabled(nodes_[i], analysis_.step(sequence_.front()).thread)) {
      ++dropped_;  // its first step could not run at i: not a reversible race after all
      continue;
    }
    bool explored = false;  // from a sleeper
    for (const Sleeper& s : sleep_of(branching_[i])) {
      if (dpor::weak_initial(s.step, sequence_, sequence_.back(), analysis_)) {
        explored = true;
        break;
      }
    }
    if (!explored && pool_.insert(branching_[i].wakeup, sequence_, analysis_)) mark_pending(i);
  }
}

void DporStrategy::execution_finished(const sim::ExecutionRecord& record) {
  if (record.abandoned && !blocked_) diverged_ = true;
  const auto n = static_cast<std::uint32_t>(record.choices.size());
  if (n + (blocked_ ? 1 : 0) < replay_ || nodes_.size() < n + (blocked_ ? 1u : 0u)) diverged_ = true;
  if (diverged_) return;
  truncate(nodes_, n + (blocked_ ? 1 : 0));
  enabled_used_ = nodes_.empty() ? 0 : nodes_.back().enabled_end;
  const std::vector<sim::ThreadId>* at_end = nullptr;
  if (blocked_) {
    const auto stop = enabled_of(nodes_.back());
    at_end_.assign(stop.begin(), stop.end());
    at_end = &at_end_;
  } else if (record.finding && record.finding->kind == sim::FindingKind::kDeadlock) {
    at_end_.clear();
    at_end = &at_end_;
  }
  analysis_.run(record, std::span<const Node>(nodes_).first(n), enabled_.data(), at_end, replay_ == 0 ? 0 : replay_ - 1);
  collect_unfinished(record);
  const bool terminal = !blocked_ && (record.finding ? record.finding->kind != sim::FindingKind::kDeadlock
                                                     : !unfinished_.empty());
  analysis_.add_virtual(unfinished_, terminal, !record.cut_off_daemons.empty());

  exact_sleep(replay_);
  if (blocked_) wake_blocked_point();
  analysis_.races(replay_ == 0 ? 0 : replay_ - 1, races_);
  add_races();
}

bool DporStrategy::next_execution() {
  if (!started_) {
    started_ = true;
    return true;
  }
  blocked_ = false;
  if (diverged_) return false;
  if (chain_ != WakeupPool::kNone) {  // what the last execution did not get to
    pool_.release_list(chain_);
    chain_ = WakeupPool::kNone;
  }
  // The deepest point with a pending branch whose first thread can run there.
  for (std::uint32_t d = static_cast<std::uint32_t>(nodes_.size()); (d = deepest_marked(d)) != kNoPoint;) {
    Node& node = nodes_[d];
    Branching& point = branching_[d];
    while (point.wakeup != WakeupPool::kNone && !is_enabled(node, pool_[point.wakeup].step.thread)) {
      const std::int32_t dead = point.wakeup;  // cannot start here (see dropped_races())
      point.wakeup = pool_[dead].next_sibling;
      pool_[dead].next_sibling = WakeupPool::kNone;
      pool_.release_list(dead);
      ++dropped_;
    }
    if (point.wakeup == WakeupPool::kNone) {
      unmark_pending(d);
      continue;
    }
    truncate(nodes_, d + 1);
    enabled_used_ = node.enabled_end;
    truncate(sleep_, point.sleep_end);
    if (node.chosen != sim::kNoThread) {  // the branch just explored goes to sleep here
      sleep_.emplace_back(node.chosen, analysis_.step(d));
      point.sleep_end = static_cast<std::uint32_t>(sleep_.size());
      ++point.branches_done;
    }
    const std::int32_t c = point.wakeup;
    point.wakeup = pool_[c].next_sibling;
    if (point.wakeup == WakeupPool::kNone) unmark_pending(d);
    node.chosen = pool_[c].step.thread;
    point.free = false;
    chain_ = pool_[c].first_child;
    pool_.release(c);
    replay_ = d + 1;
    return true;
  }
  nodes_.clear();
  enabled_used_ = 0;
  sleep_.clear();
  std::fill(pending_.begin(), pending_.end(), 0);
  return false;
}

double DporStrategy::explored_fraction() const {
  const auto known = [this](const Branching& point) {  // the done, the current and the pending branches
    std::uint32_t count = point.branches_done + 1;
    for (std::int32_t b = point.wakeup; b != WakeupPool::kNone; b = pool_[b].next_sibling) ++count;
    return count;
  };
  return checker::explored_fraction(std::span(branching_).first(nodes_.size()), [](const Branching& point) { return point.branches_done; }, known);
}

}  // namespace checker

// The per-execution analysis of DPOR: turns an ExecutionRecord into steps (one per
// scheduling point, plus a *virtual* step for the pending operation of every thread
// left unfinished), computes happens-before as vector clocks, and enumerates the races
// whose reversal may lead to a new Mazurkiewicz trace.
//
// Happens-before is the transitive closure of
//   - program order: a thread's next step comes after every step that moved it: its
//     own, and those in which it ran eagerly (a joiner woken by a finish, a child run up
//     to its first operation, which also comes after its parent's earlier steps). A step
//     in which another thread ran eagerly does not itself come after that thread's
//     earlier steps: it commutes with them (only where the eager part runs differs), so
//     thread start and join add no traces;
//   - a join: the joiner's next step comes after the joined thread's finish;
//   - dependency (dpor_step.hpp): each step after every earlier dependent step;
//   - enabling: a step after which another (untouched) thread changed between enabled
//     and disabled comes before that thread's next step (a safety net for primitives
//     whose readiness reads state this file does not model);
//   - virtual time: a step at a later virtual time after every step at an earlier time
//     (the clock only advances when no thread can run).
//
// Races (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order reduction",
// POPL 2014; "Source sets", JACM 2017): i races with j when they are dependent, of
// different threads, and i happens before j through no other step. Blocking is
// handled as in Nidhugg's lock races: a dependent step i after which j's thread could
// not have run j anyway (its thread was disabled at i, and every step between them
// that j comes after also comes after i; or i is the release j waited for) is
// *transparent*: it is no race, and the search goes on past it, so a blocked acquire
// races with the previous acquire of the lock instead of with the release.
// Virtual steps race like real ones (a thread blocked at the end of a deadlock races
// with the acquire that blocked it), and the last step of an execution that ended
// with threads still able to run (a finding) disables them all, so it depends on
// their virtual steps.
//
// Stateless search replays a prefix of the previous execution, so the analysis keeps
// its results for that prefix and goes back to the forward state (per thread: its
// clock, last step, finish) from before the step where the new execution branched off.
// That state is kept for every step, a few words per thread: a thread's clock is a
// reference to a clock row (a step's own: the thread's last step, or a step that moved
// it and whose clock covered the thread's; or one made when a step moved or joined the
// thread otherwise), never a copy, so keeping it costs no clock copies and going back
// costs nothing but truncation.
//
// The scans over earlier steps (dependency ordering, races) walk each thread's steps
// from its latest one back, and stop at the first one already known to happen before:
// a clock covers a prefix of every thread's steps, so covered steps are skipped in bulk.
#pragma once

#include "checker/strategies/dpor_clocks.hpp"
#include "checker/strategies/dpor_step.hpp"
#include "sim/execution.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace checker::dpor {

// What the strategy saw at one scheduling point of the execution. (The strategy keeps
// its points in this form, so the analysis reads them where they are, with no copy.)
struct PointInfo {
  sim::ThreadId chosen = sim::kNoThread;
  sim::OpKind kind = sim::OpKind::kYield;  // the chosen thread's pending operation
  sim::ObjectId object = sim::kNoObject;
  sim::Nanos time = 0;
  std::uint32_t enabled_begin = 0, enabled_end = 0;  // its enabled threads (sorted): a range of a flat list
  std::uint64_t enabled_mask = 0;  // the enabled threads numbered below 64, one bit each
};

// A thread left unfinished at the end, and the operation it was parked at.
struct Unfinished {
  sim::ThreadId thread = sim::kNoThread;
  sim::OpKind kind = sim::OpKind::kYield;
  sim::ObjectId object = sim::kNoObject;
};

class Analysis {
 public:
  static constexpr std::int32_t kNone = -1;
  static constexpr sim::ThreadId kMaskBits = 64;  // PointInfo::enabled_mask

  // Analyzes one execution. `points[k]` describes choice k of `record`, its enabled
  // threads at `enabled` + [enabled_begin, enabled_end); `at_end` is the
  // enabled set when it ended, if known (a deadlock: empty; a sleep-set block: what was
  // enabled), for the enabling rule of the last step. The first `keep` steps are those
  // of the previous run() (the same choices from the same state): their results are
  // kept, and the analysis resumes from there, so an execution costs what its new steps
  // cost.
  void run(const sim::ExecutionRecord& record, std::span<const PointInfo> points, const sim::ThreadId* enabled,
           const std::vector<sim::ThreadId>* at_end, std::uint32_t keep);
  // True if thread t was started and had not finished when the execution ended (by the
  // recorded events; after run()).
  bool left_unfinished(sim::ThreadId t) const {
    if (t >= threads_) return false;
    return state(real_)[t].finish == kNoFinish;
  }
  // Adds the virtual steps; call after run(), before races(). `terminal` says the last
  // step ended the execution while threads could still run (a finding, or daemons cut
  // off), which disables every virtual step. With `observed`, the last step also reads
  // the state of every unfinished thread (the main thread's end cuts off daemon threads
  // and reports what each was doing), so it depends on all their steps: a daemon cut
  // off before or after its sleep are different outcomes.
  void add_virtual(std::span<const Unfinished> unfinished, bool terminal, bool observed);

  std::uint32_t real_steps() const { return real_; }
  std::uint32_t size() const { return size_; }
  const Step& step(std::uint32_t k) const { return steps_[k]; }
  // True if step a (a < b) happens before step b.
  bool happens_before(std::uint32_t a, std::uint32_t b) const {
    return vc_[b][info_[a].thread] > a;
  }
  // True if a (a < b) happens before b through b's thread's history or directly:
  // dependent accesses, a enabled or disabled b's thread, a was at an earlier virtual
  // time, or a ended the execution before the virtual step b. (For the later step of a
  // race reversal, whose hb-predecessors in the execution may lie outside the reversal.)
  bool directly_before(std::uint32_t a, std::uint32_t b) const;
  // True if thread `t` had an event in step k, or was started by it. (Inline: the
  // strategy asks it for every sleeper at every point it recomputes.)
  bool touches(std::uint32_t k, sim::ThreadId t) const {
    const StepInfo& info = info_[k];
    if (info.thread == t) return true;
    for (std::uint32_t x = info.touched_begin; x < info.touched_end; ++x) {
      if (touched_[x] == t) return true;
    }
    return false;
  }

  // Every race (i, j) whose later step j is at index >= `from` (real steps of the
  // prefix before `from` were analyzed by an earlier execution) or is virtual, in
  // increasing j, into `out` (cleared first).
  void races(std::uint32_t from, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out);

  // The indices of notdep(i).j: the steps after i and before j (real ones only) that do
  // not happen after i, then j. The reversal the race (i, j) calls for. (Inline: the
  // strategy asks it for every race, and most have few steps between i and j.)
  void reversal(std::uint32_t i, std::uint32_t j, std::vector<std::uint32_t>& out) const {
    out.clear();
    const std::uint32_t end = std::min(j, real_);
    for (std::uint32_t k = i + 1; k < end; ++k) {
      if (!happens_before(i, k)) out.push_back(k);
    }
    out.push_back(j);
  }

 private:
  // A thread's forward state before a step (four words, copied for every step).
  struct ThreadState {
    std::int32_t clock = kZeroRow;      // what the thread's next step comes after (see row())
    std::int32_t last_touch = kNone;    // the last step that moved it
    std::int32_t last_own = kNone;      // the last step it took (see StepInfo::own_before)
    std::int32_t finish = kNotStarted;  // the step with its finish, or one of the below
  };
  // The last_own of the four threads whose states start at `four`, as one block (for
  // uncovered_steps()).
  static ClockBlock last_own_block(const ThreadState* four);
  static constexpr std::int32_t kNotStarted = -3;
  static constexpr std::int32_t kNoFinish = -2;  // started, not finished (kNone: finished before the first step)
  static constexpr std::int32_t kZeroRow = -1;   // the all-zero row, extra_'s first
  // StepInfo::race_scan, besides a step index.
  static constexpr std::int32_t kNoRace = -1;
  static constexpr std::int32_t kScan = -2;

  // A clock row: >= 0 is step k's happens-before clock, < 0 the extra row ~ref.
  const Clock* row(std::int32_t ref) const {
    return ref >= 0 ? vc_[static_cast<std::size_t>(ref)] : extra_[static_cast<std::size_t>(~ref)];
  }
  Clock* vc(std::int64_t k) { return vc_[static_cast<std::size_t>(k)]; }
  const Clock* vc(std::int64_t k) const { return vc_[static_cast<std::size_t>(k)]; }
  // The threads' state before step k (k = real_: after the last real step).
  ThreadState* state(std::uint32_t k) { return states_.data() + std::size_t{k} * stride_; }
  const ThreadState* state(std::uint32_t k) const { return states_.data() + std::size_t{k} * stride_; }
  // Thread t's clock in `now` (the state being built by step k), made a row of its own
  // that step k may change. (Inline: most calls find the row step k already made.)
  Clock* own_clock(ThreadState* now, sim::ThreadId t, std::uint32_t k) {
    const std::int32_t ref = now[t].clock;
    if (ref < 0 && static_cast<std::uint32_t>(~ref) >= info_[k].extra_before) return extra_[static_cast<std::size_t>(~ref)];
    return fresh_clock(now, t);
  }
  Clock* fresh_clock(ThreadState* now, sim::ThreadId t);
  void merge(Clock* into, std::int64_t from);
  void ensure_stride(std::uint32_t threads);
  void rewind(std::uint32_t keep);
  std::size_t first_event(const std::vector<sim::Event>& events, std::uint32_t k) const;
  // Appends step k, whose events start at `cursor`, which it moves past them. (Inlined
  // into run()'s loop over the new steps: a call per step saved and restored registers.)
  void process(std::uint32_t k, const sim::Event*& cursor, const sim::Event* events_end);
  // Makes room for one more step (steps_ and info_) and returns its index; the slot is
  // not cleared: the caller sets every field. (Inline: once per step.)
  std::uint32_t push_step() {
    if (size_ == step_capacity_) grow_steps();
    return size_++;
  }
  void grow_steps();
  // Orders step k after the earlier steps it depends on (in `before`). Returns what
  // that says of its races (StepInfo::race_scan): kNoRace if there are none, the step
  // (of another thread) it was ordered after when one comes after all the others (they
  // happen before it), kScan otherwise.
  std::int32_t order_after_dependent(std::uint32_t k, const ThreadState* before);
  void order_after_earlier_time(Clock* v, std::uint32_t advance) const;
  // The steps after `since` that enabled or disabled thread t without moving it come
  // before step k. (Inline: there are seldom any.)
  void take_enablers(std::uint32_t k, sim::ThreadId t, std::int32_t since) {
    const auto from = static_cast<std::size_t>(since + 1);
    if (from < size_ && info_[from].flip_begin < flips_.size()) take_flips(k, t, info_[from].flip_begin);
  }
  void take_flips(std::uint32_t k, sim::ThreadId t, std::uint32_t first);
  // True if thread t was enabled at point k. (Inline: every race's transparency check asks.)
  bool enabled_at(std::uint32_t k, sim::ThreadId t) const {
    if (t < kMaskBits) return ((points_[k].enabled_mask >> t) & 1) != 0;
    return enabled_among(enabled_of(points_[k]), t);
  }
  std::span<const sim::ThreadId> enabled_of(const PointInfo& point) const {
    return {enabled_ + point.enabled_begin, point.enabled_end - point.enabled_begin};
  }
  static bool enabled_among(std::span<const sim::ThreadId> enabled, sim::ThreadId t);
  // A dependent step i before j that is no race: j's thread could not have run j instead
  // of i (see the header). When j's thread was parked at j's operation as i ran, the
  // recorded enabled set says whether it could have gone first in this order of the
  // steps. (Inline: that is most races, and it was enabled.)
  bool transparent(std::uint32_t i, std::uint32_t j) const {
    if (info_[j].pp < static_cast<std::int32_t>(i)) {
      return !enabled_at(i, steps_[j].thread) && transparent_while_disabled(i, j);
    }
    return transparent_after_move(i, j);
  }
  bool transparent_while_disabled(std::uint32_t i, std::uint32_t j) const;
  bool transparent_after_move(std::uint32_t i, std::uint32_t j) const;
  bool is_enabler(std::uint32_t i, std::uint32_t j) const;
  // The last step observed the thread of step i, which was left unfinished.
  bool observed(std::uint32_t i, std::uint32_t j) const {
    return terminal_observes_ && static_cast<std::int32_t>(j) == terminal_ && unfinished_[steps_[i].thread] != 0;
  }

  std::span<const PointInfo> points_;
  const sim::ThreadId* enabled_ = nullptr;  // the points' enabled threads
  const std::vector<sim::ThreadId>* at_end_ = nullptr;
  std::uint64_t at_end_mask_ = 0;  // *at_end_ as a mask (see PointInfo)
  std::uint32_t threads_ = 0;  // of this execution
  std::uint32_t stride_ = 0;   // clock width (a multiple of 4): for the most threads of any execution so far
  std::uint32_t real_ = 0;
  std::int32_t terminal_ = kNone;
  bool terminal_observes_ = false;

  // Per step (real steps, then virtual ones): what the scans and races need besides
  // the Step; the ranges index the flat vectors after it.
  struct StepInfo {
    sim::ThreadId thread = sim::kNoThread;  // steps_[k].thread
    std::int32_t pp = kNone;          // the previous step that moved the step's thread
    std::int32_t own_before = kNone;  // the previous step of the step's thread
    std::int32_t pre = kZeroRow;      // row reference: the thread's clock before the step
    std::uint32_t advance = 0;        // the first step at this step's virtual time
    std::uint32_t touched_begin = 0, touched_end = 0;
    std::uint32_t enabler_begin = 0, enabler_end = 0;
    // What races() needs to do for the step. kNoRace when it comes after no dependent
    // step of another thread and after no enabler: it has no race (only a race's earlier
    // step, or a step before it, could be scanned, and each would have been found
    // dependent here). A step index i when it comes after no enabler and was ordered
    // after i and steps that happen before i (order_after_dependent()): i is the only
    // possible race (every dependent step the scan could reach happens before i; see
    // races()). kScan otherwise: the full scan.
    std::int32_t race_scan = kScan;
    std::uint32_t flip_begin = 0;     // its flips run up to the next step's
    std::uint32_t extra_before = 0;   // extra_ rows made before the step
    std::uint64_t signature = 0;      // steps_[k].signature()
    sim::Nanos time = 0;
  };
  // steps_[0, size_) and info_[0, size_) are in use; both keep their storage when the
  // steps shrink, so a step costs no construction.
  std::vector<Step> steps_;
  std::vector<StepInfo> info_;
  std::uint32_t size_ = 0;
  std::uint32_t step_capacity_ = 0;  // the size of steps_ and info_
  ClockRows vc_;                          // per step: happens-before
  std::vector<sim::ThreadId> touched_;    // threads a step moved besides its own
  std::vector<std::uint32_t> enablers_;   // steps that enabled or disabled a step's thread
  struct Flip {
    std::uint32_t step;
    sim::ThreadId thread;
  };
  std::vector<Flip> flips_;               // threads a step enabled or disabled
  std::vector<std::uint8_t> unfinished_;  // per thread: left unfinished at the end (set only when terminal_observes_)
  std::vector<std::uint32_t> first_event_;  // per real step: the index of its first event (see first_event())

  // Forward state: stride_ threads per real step and one more row for the state after
  // the last one (the vector keeps its size when the steps shrink), and the clock rows
  // it made besides the steps' own (the first is all zero).
  std::vector<ThreadState> states_;
  ClockRows extra_;
  struct Head {
    sim::ThreadId thread;
    std::int32_t step;  // its latest step not yet scanned
  };
  std::vector<Head> heads_;               // races(): the threads still to scan
  std::vector<Clock> scratch_;
  std::vector<const sim::Event*> orderings_;  // process(): the step's joins and starts, in order
};

}  // namespace checker::dpor

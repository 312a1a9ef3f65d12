#include "checker/strategies/dpor_analysis.hpp"

#include "checker/strategies/truncate.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

namespace checker::dpor {

namespace {
constexpr auto max_into = max_clock;

// True if `clock` covers step i of thread t: i happens before whatever has the clock.
bool covers(const Clock* clock, sim::ThreadId t, std::int32_t i) {
  return clock[t] > static_cast<Clock>(i);
}
}  // namespace

ClockBlock Analysis::last_own_block(const ThreadState* four) {
  static_assert(sizeof(ThreadState) == sizeof(ClockBlock) && offsetof(ThreadState, last_own) == 2 * sizeof(Clock));
  ClockBlock a;
  ClockBlock b;
  ClockBlock c;
  ClockBlock d;
  std::memcpy(&a, four, sizeof a);
  std::memcpy(&b, four + 1, sizeof b);
  std::memcpy(&c, four + 2, sizeof c);
  std::memcpy(&d, four + 3, sizeof d);
  const ClockBlock ab = __builtin_shufflevector(a, b, 2, 6, 3, 7);  // a's and b's last two fields, interleaved
  const ClockBlock cd = __builtin_shufflevector(c, d, 2, 6, 3, 7);
  return __builtin_shufflevector(ab, cd, 0, 1, 4, 5);
}

void Analysis::merge(Clock* into, std::int64_t from) {
  if (from < 0) return;  // the initial step (or none) happens before everything anyway
  max_into(into, vc(from), stride_);
}

bool Analysis::enabled_among(std::span<const sim::ThreadId> enabled, sim::ThreadId t) {
  return std::binary_search(enabled.begin(), enabled.end(), t);
}

bool Analysis::directly_before(std::uint32_t a, std::uint32_t b) const {
  // Through b's own thread's history (its clock before b): a chain between two steps of
  // a reversal never leaves it (see dpor_wakeup.hpp), so this is a direct predecessor there.
  return row(info_[b].pre)[info_[a].thread] > a || dependent(steps_[a], steps_[b]) ||
         is_enabler(a, b) || info_[a].time < info_[b].time ||
         (b >= real_ && static_cast<std::int32_t>(a) == terminal_) || observed(a, b);
}

bool Analysis::is_enabler(std::uint32_t i, std::uint32_t j) const {
  for (std::uint32_t x = info_[j].enabler_begin; x < info_[j].enabler_end; ++x) {
    if (enablers_[x] == i) return true;
  }
  return false;
}

// --- the forward state ---------------------------------------------------------------

void Analysis::ensure_stride(std::uint32_t threads) {
  if (threads <= stride_) return;
  const std::uint32_t width = clock_width(std::max(threads, 2 * stride_));
  vc_.widen(width);
  extra_.widen(width);
  const std::size_t rows = stride_ == 0 ? 0 : states_.size() / stride_;
  std::vector<ThreadState> wide(rows * width);  // new threads: not started, no steps
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(states_.data() + r * stride_, stride_, wide.data() + r * width);
  states_ = std::move(wide);
  stride_ = width;
}

// A copy of thread t's clock in a new row, which becomes its clock in `now`.
Clock* Analysis::fresh_clock(ThreadState* now, sim::ThreadId t) {
  const std::int32_t ref = now[t].clock;
  const std::uint32_t fresh = extra_.push_row();
  copy_clock(extra_[fresh], row(ref), stride_);
  now[t].clock = ~static_cast<std::int32_t>(fresh);
  return extra_[fresh];
}

// Back to the state before step `keep`: drops the later steps' results (and the
// virtual steps). The states before each step are kept, so nothing is undone.
void Analysis::rewind(std::uint32_t keep) {
  if (size_ > keep) {
    const StepInfo& first = info_[keep];
    truncate(touched_, first.touched_begin);
    truncate(enablers_, first.enabler_begin);
    truncate(flips_, first.flip_begin);
    extra_.truncate(first.extra_before);
    size_ = keep;
  }
  vc_.truncate(keep);
}

// The index of step k's first event (the first one after choice k). The previous run()
// saw it where the same choices were made, so its index is taken when the events around
// it say it is right (they are in decision order); otherwise it is searched for.
std::size_t Analysis::first_event(const std::vector<sim::Event>& events, std::uint32_t k) const {
  if (k < first_event_.size()) {
    const std::size_t e = first_event_[k];
    if (e <= events.size() && (e == events.size() || events[e].decision > k) && (e == 0 || events[e - 1].decision <= k)) {
      return e;
    }
  }
  return static_cast<std::size_t>(
      std::lower_bound(events.begin(), events.end(), k + 1,
                       [](const sim::Event& ev, std::uint32_t decision) { return ev.decision < decision; }) -
      events.begin());
}

void Analysis::grow_steps() {
  step_capacity_ = std::max<std::uint32_t>(64, 2 * step_capacity_);
  steps_.resize(step_capacity_);
  info_.resize(step_capacity_);
}

// Orders step k after the earlier steps it depends on (those of `before`, the state
// before it): the latest dependent step of each other thread is enough, since its
// clock covers that thread's earlier steps and the rest of their chains. (The step's
// own thread's steps are in the clock it starts from.) Inlined into process(), once per
// step: the call and its saved registers were a sixth of its cost.
[[gnu::always_inline]] inline std::int32_t Analysis::order_after_dependent(std::uint32_t k, const ThreadState* before) {
  // (Locals, not members: the clock stores below could alias them.)
  Clock* v = vc(k);
  const Step& s = steps_[k];
  const StepInfo* info = info_.data();
  const std::uint64_t signature = info[k].signature;
  const sim::ThreadId threads = threads_;
  std::int32_t after = kNoRace;
  for (sim::ThreadId block = 0; block < threads; block += 4) {
    // (The step's own thread's steps are covered: its clock is where v starts. A thread's
    // chain is checked again as it is walked: the merges below may have covered it.)
    for (unsigned open = uncovered_steps(v + block, last_own_block(before + block)); open != 0; open &= open - 1) {
      const sim::ThreadId t = block + static_cast<sim::ThreadId>(std::countr_zero(open));
      if (t >= threads) break;
      for (std::int32_t i = before[t].last_own; i != kNone && !covers(v, t, i); i = info[i].own_before) {
        if ((info[i].signature & signature) == 0 || !dependent(steps_[static_cast<std::size_t>(i)], s)) continue;
        max_into(v, vc(i), stride_);
        // (One that comes after the one before stands for both: it covers it. See races().)
        after = after == kNoRace || (after >= 0 && covers(vc(i), info[after].thread, after)) ? i : kScan;
        break;
      }
    }
  }
  return after;
}

// Every step before `advance` (the first step at the current virtual time) comes
// before: the join of their clocks is that of each thread's last step before it.
void Analysis::order_after_earlier_time(Clock* v, std::uint32_t advance) const {
  if (advance == 0) return;
  const ThreadState* at = state(advance);
  for (sim::ThreadId t = 0; t < threads_; ++t) {
    const std::int32_t i = at[t].last_own;
    if (i != kNone && !covers(v, t, i)) max_into(v, vc(i), stride_);
  }
}

// The flips from `first` on (all before step k) of thread t: those steps come before k.
void Analysis::take_flips(std::uint32_t k, sim::ThreadId t, std::uint32_t first) {
  for (std::size_t x = first; x < flips_.size(); ++x) {
    if (flips_[x].thread != t) continue;
    enablers_.push_back(flips_[x].step);
    merge(vc(k), flips_[x].step);
  }
}

[[gnu::always_inline]] inline void Analysis::process(std::uint32_t k, const sim::Event*& cursor, const sim::Event* events_end) {
  const PointInfo& point = points_[k];
  const sim::ThreadId p = point.chosen;
  // The state after the step starts as the one before it (run() made room for it).
  const ThreadState* before = state(k);
  ThreadState* now = state(k + 1);
  for (std::uint32_t t = 0; t < stride_; t += 4) std::memcpy(now + t, before + t, 4 * sizeof(ThreadState));

  const std::uint32_t first_touched = static_cast<std::uint32_t>(touched_.size());
  const std::uint32_t own = vc_.push_row();  // (before the copy's source is looked up: it may move)
  copy_clock(vc_[own], row(before[p].clock), stride_);

  // The step's events. Other threads' events (a woken joiner, an eagerly started
  // child) move those threads: their next steps come after this one, but this step
  // does not come after their earlier ones (it commutes with them; only its shape,
  // where their eager part runs, would differ). Every field of the step is set here:
  // push_step() does not clear the slot.
  Step& s = steps_[push_step()];
  s.thread = p;
  s.kind = point.kind;
  s.object = point.object;
  s.global = false;
  s.has_value = false;
  s.value = 0;
  s.count = 0;
  s.add_operation(point.kind, point.object, true);
  const auto touch = [&](sim::ThreadId t) {
    if (t == p || t >= threads_) return;
    for (std::uint32_t x = first_touched; x < touched_.size(); ++x) {
      if (touched_[x] == t) return;
    }
    touched_.push_back(t);
  };
  bool value_taken = false;
  orderings_.clear();
  const sim::Event* ev = cursor;
  for (; ev != events_end && ev->decision <= k + 1; ++ev) {
    if (ev->thread == p && ev->kind == point.kind && ev->object == point.object && ev->kind != sim::OpKind::kStart) {
      // The chosen thread's pending operation (most events): it accesses no more than
      // the operation added above. (A start's event makes the step global.)
      if (ev->kind == sim::OpKind::kJoin) orderings_.push_back(ev);
      if (!value_taken) {
        s.has_value = ev->has_value;
        s.value = ev->value;
        value_taken = true;
      }
      continue;
    }
    touch(ev->thread);
    if (ev->kind == sim::OpKind::kStart) {
      touch(ev->object);
      if (ev->object < threads_ && now[ev->object].finish == kNotStarted) now[ev->object].finish = kNoFinish;
    }
    if (ev->kind == sim::OpKind::kFinish && ev->thread < threads_) now[ev->thread].finish = static_cast<std::int32_t>(k);
    if (ev->kind == sim::OpKind::kJoin || ev->kind == sim::OpKind::kStart) orderings_.push_back(ev);
    s.add_operation(ev->kind, ev->object, false);
  }
  cursor = ev;
  const auto touched_end = static_cast<std::uint32_t>(touched_.size());

  StepInfo& info = info_[k];
  info.thread = p;
  info.pp = before[p].last_touch;
  info.own_before = before[p].last_own;
  info.pre = before[p].clock;
  info.time = point.time;
  info.advance = k == 0 ? 0 : (point.time > info_[k - 1].time ? k : info_[k - 1].advance);
  info.touched_begin = first_touched;
  info.touched_end = touched_end;
  info.flip_begin = static_cast<std::uint32_t>(flips_.size());
  info.extra_before = extra_.size();
  info.signature = s.signature();
  info.enabler_begin = static_cast<std::uint32_t>(enablers_.size());
  if (!flips_.empty()) {  // (in most executions no step enables or disables another thread)
    take_enablers(k, p, before[p].last_touch);
    for (std::uint32_t t = first_touched; t < touched_end; ++t) take_enablers(k, touched_[t], before[touched_[t]].last_touch);
  }
  info.enabler_end = static_cast<std::uint32_t>(enablers_.size());
  const std::int32_t race_scan = order_after_dependent(k, before);
  info.race_scan = info.enabler_end != info.enabler_begin ? kScan : race_scan;
  Clock* v = vc(k);
  order_after_earlier_time(v, info.advance);
  v[p] = k + 1;

  // Thread clocks: the chosen and the moved threads continue after this step; a join
  // orders the joiner after the joined thread's finish; a child starts from its
  // parent's clock.
  now[p].clock = static_cast<std::int32_t>(k);
  now[p].last_touch = static_cast<std::int32_t>(k);
  now[p].last_own = static_cast<std::int32_t>(k);
  for (std::uint32_t t = first_touched; t < touched_end; ++t) {
    ThreadState& moved = now[touched_[t]];
    if (clock_at_most(row(moved.clock), v, stride_)) {
      moved.clock = static_cast<std::int32_t>(k);  // the join of the two is v: no row of its own
    } else {
      max_into(own_clock(now, touched_[t], k), v, stride_);
    }
    moved.last_touch = static_cast<std::int32_t>(k);
  }
  for (const sim::Event* ordering : orderings_) {
    const sim::Event& oe = *ordering;
    if (oe.thread >= threads_ || oe.object >= threads_) continue;
    // (The joiner took this step or moved in it, so its clock covers the step's: a finish
    // in this step, the usual case, needs nothing. An earlier one it usually covers too:
    // then its clock needs no row of its own.)
    const std::int32_t finish = now[oe.object].finish;
    if (oe.kind == sim::OpKind::kJoin && finish >= 0 && finish != static_cast<std::int32_t>(k)) {
      const Clock* finished = vc(finish);
      if (!clock_at_most(finished, row(now[oe.thread].clock), stride_)) {
        max_into(own_clock(now, oe.thread, k), finished, stride_);
      }
    } else if (oe.kind == sim::OpKind::kStart) {
      Clock* child = own_clock(now, oe.object, k);
      max_into(child, row(now[oe.thread].clock), stride_);
    }
  }

  // Enabling: threads this step enabled or disabled without moving them, in order.
  const bool last = k + 1 == points_.size();
  if (last && at_end_ == nullptr) return;
  if (threads_ <= kMaskBits) {  // every thread has its bit
    const std::uint64_t next_mask = last ? at_end_mask_ : points_[k + 1].enabled_mask;
    std::uint64_t moved = std::uint64_t{1} << p;
    for (std::uint32_t t = first_touched; t < touched_end; ++t) moved |= std::uint64_t{1} << touched_[t];
    for (std::uint64_t flipped = (point.enabled_mask ^ next_mask) & ~moved; flipped != 0; flipped &= flipped - 1) {
      flips_.push_back({k, static_cast<sim::ThreadId>(std::countr_zero(flipped))});
    }
    return;
  }
  const std::span<const sim::ThreadId> next = last ? std::span<const sim::ThreadId>(*at_end_) : enabled_of(points_[k + 1]);
  const std::span<const sim::ThreadId> enabled = enabled_of(point);
  std::size_t a = 0;
  std::size_t b = 0;
  while (a < enabled.size() || b < next.size()) {
    sim::ThreadId flipped;
    if (b == next.size() || (a < enabled.size() && enabled[a] < next[b])) {
      flipped = enabled[a++];
    } else if (a == enabled.size() || next[b] < enabled[a]) {
      flipped = next[b++];
    } else {
      ++a;
      ++b;
      continue;
    }
    bool moved = flipped == p || flipped >= threads_;
    for (std::uint32_t t = first_touched; t < touched_end; ++t) moved |= touched_[t] == flipped;
    if (!moved) flips_.push_back({k, flipped});
  }
}

void Analysis::run(const sim::ExecutionRecord& record, std::span<const PointInfo> points,
                   const sim::ThreadId* enabled, const std::vector<sim::ThreadId>* at_end, std::uint32_t keep) {
  points_ = points;
  enabled_ = enabled;
  at_end_ = at_end;
  at_end_mask_ = 0;
  if (at_end != nullptr) {
    for (sim::ThreadId t : *at_end) {
      if (t < kMaskBits) at_end_mask_ |= std::uint64_t{1} << t;
    }
  }
  real_ = static_cast<std::uint32_t>(record.choices.size());
  threads_ = static_cast<std::uint32_t>(record.thread_names.size());
  ensure_stride(threads_);
  const std::vector<sim::Event>& events = record.events;
  std::size_t e = 0;
  const std::size_t states_end = (std::size_t{real_} + 1) * stride_;  // a row before each step and one after
  if (states_.size() < states_end) states_.resize(std::max(states_end, 2 * states_.size()));
  if (keep == 0) {
    rewind(0);
    extra_.clear();
    extra_.push_zeros();  // kZeroRow
    std::fill_n(states_.begin(), stride_, ThreadState{});
    if (threads_ > 0) states_[sim::kMainThread].finish = kNoFinish;  // running
    for (; e < events.size() && events[e].decision == 0; ++e) {  // before the first choice
      const sim::Event& ev = events[e];
      if (ev.kind == sim::OpKind::kFinish && ev.thread < threads_) states_[ev.thread].finish = kNone;
      if (ev.kind == sim::OpKind::kStart && ev.object < threads_ && states_[ev.object].finish == kNotStarted) {
        states_[ev.object].finish = kNoFinish;
      }
    }
  } else {
    rewind(keep);
    e = first_event(events, keep);
  }
  if (first_event_.size() < real_) first_event_.resize(std::max<std::size_t>(real_, 2 * first_event_.size()));
  const sim::Event* cursor = events.data() + e;
  const sim::Event* const events_end = events.data() + events.size();
  for (std::uint32_t k = keep; k < real_; ++k) {
    first_event_[k] = static_cast<std::uint32_t>(cursor - events.data());
    process(k, cursor, events_end);
  }
}

void Analysis::add_virtual(std::span<const Unfinished> unfinished, bool terminal, bool observed) {
  terminal_ = terminal && real_ > 0 ? static_cast<std::int32_t>(real_ - 1) : kNone;
  terminal_observes_ = observed && terminal_ != kNone;
  if (terminal_observes_) {  // the last step comes after every step of the threads it observes
    unfinished_.assign(threads_, 0);
    for (const Unfinished& u : unfinished) {
      if (u.thread < threads_) unfinished_[u.thread] = 1;
    }
    // The threads whose clock at the end is the step's clock row (its own thread, and
    // those it moved whose clocks it covered) keep the clock they had: a copy of it.
    ThreadState* last_state = state(real_);
    std::int32_t copy = kNone;
    for (sim::ThreadId t = 0; t < threads_; ++t) {
      if (last_state[t].clock != terminal_) continue;
      if (copy == kNone) {
        copy = static_cast<std::int32_t>(extra_.push_row());
        copy_clock(extra_[static_cast<std::size_t>(copy)], vc(terminal_), stride_);
      }
      last_state[t].clock = ~copy;
    }
    for (std::uint32_t i = static_cast<std::uint32_t>(terminal_); i-- > 0;) {
      if (unfinished_[steps_[i].thread] != 0 && vc(terminal_)[steps_[i].thread] <= i) merge(vc(terminal_), i);
    }
  }
  const ThreadState* end = state(real_);
  for (const Unfinished& u : unfinished) {
    if (u.thread >= threads_) continue;
    const std::uint32_t j = push_step();
    Step& s = steps_[j];
    s = Step{};
    s.thread = u.thread;
    s.kind = u.kind;
    s.object = u.object;
    s.add_operation(u.kind, u.object, true);
    StepInfo& info = info_[j];
    info = StepInfo{};
    info.thread = u.thread;
    info.pp = end[u.thread].last_touch;
    info.own_before = end[u.thread].last_own;
    info.pre = end[u.thread].clock;
    info.time = real_ == 0 ? 0 : info_[real_ - 1].time;
    info.advance = real_ == 0 ? 0 : info_[real_ - 1].advance;
    info.touched_begin = info.touched_end = static_cast<std::uint32_t>(touched_.size());
    info.flip_begin = static_cast<std::uint32_t>(flips_.size());
    info.extra_before = extra_.size();
    info.signature = s.signature();
    const std::uint32_t own = vc_.push_row();
    copy_clock(vc_[own], row(end[u.thread].clock), stride_);
    info.enabler_begin = static_cast<std::uint32_t>(enablers_.size());
    take_enablers(j, u.thread, end[u.thread].last_touch);
    info_[j].enabler_end = static_cast<std::uint32_t>(enablers_.size());
    order_after_dependent(j, end);
    merge(vc(j), terminal_);
    Clock* v = vc(j);
    order_after_earlier_time(v, info_[j].advance);
    v[u.thread] = j + 1;
  }
}

// j's thread was parked at j's operation and disabled when i ran (transparent()). It
// could still go first in an equivalent order when a step before j that j comes after
// does not come after i: it can move before i, and it may be what makes j ready (a
// futures.wait is ready after any of several completions; tests/
// test_dpor_regressions.cpp). Only when all of them come after i is i no race.
bool Analysis::transparent_while_disabled(std::uint32_t i, std::uint32_t j) const {
  const std::uint32_t end = std::min(j, real_);
  for (std::uint32_t x = i + 1; x < end; ++x) {
    if (happens_before(x, j) && !happens_before(i, x)) return false;
  }
  return true;
}

// j's thread moved after i (transparent()), so its readiness at i is not recorded. A
// blocking acquire cannot pass a lock that is held: one being released (by an owner),
// or one a try-acquire just failed on. A release whose recorded value is 2 or more (a
// Semaphore with permits left, an RLock still held reentrantly) may leave room.
bool Analysis::transparent_after_move(std::uint32_t i, std::uint32_t j) const {
  const Step& si = steps_[i];
  const Step& sj = steps_[j];
  if (si.global || sj.global || sj.kind != sim::OpKind::kAcquire || !is_lock_op(si.kind) ||
      si.object != sj.object) {
    return false;
  }
  if (si.kind == sim::OpKind::kRelease) return !(si.has_value && si.value >= 2);
  if (si.kind == sim::OpKind::kTryAcquire) return si.has_value && si.value == 0;
  return false;
}

void Analysis::races(std::uint32_t from, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
  out.clear();
  const std::uint32_t steps = size();
  for (std::uint32_t j = from; j < steps; ++j) {
    // (The last step may also race with the steps it observes: add_virtual.)
    const bool observes = terminal_observes_ && static_cast<std::int32_t>(j) == terminal_;
    const std::int32_t only = info_[j].race_scan;
    if (only == kNoRace && !observes) continue;
    // j was ordered after no enabler, and after dependent steps of other threads that
    // all happen before `only` or are `only` (process()): so does every other dependent
    // step that r does not cover, the scan would reach `only` first, and a race there
    // covers all of them. (If `only` is transparent, the scan goes on past it.)
    if (only >= 0 && !observes && !transparent(static_cast<std::uint32_t>(only), j)) {
      out.emplace_back(static_cast<std::uint32_t>(only), j);
      continue;
    }
    scratch_.resize(stride_);  // (here: most executions need no scan)
    heads_.resize(threads_);
    Clock* r = scratch_.data();
    Head* heads = heads_.data();
    const Step& sj = steps_[j];
    copy_clock(r, row(info_[j].pre), stride_);
    const bool virtual_step = j >= real_;
    // The earlier steps, latest first (a race found covers what happens before it),
    // through each other thread's chain of steps; a thread is done at its first step
    // that happens before j, or before a race found.
    const ThreadState* at = state(std::min(j, real_));
    std::size_t open = 0;  // heads[0, open): the threads still to scan, each at a step r does not cover
    for (sim::ThreadId t = 0; t < threads_; ++t) {  // (j's own thread's steps are covered)
      const std::int32_t last = at[t].last_own;
      if (last != kNone && !covers(r, t, last)) heads[open++] = {t, last};
    }
    while (open > 0) {
      std::size_t pick = 0;
      for (std::size_t h = 1; h < open; ++h) {
        if (heads[h].step > heads[pick].step) pick = h;
      }
      const std::int32_t latest = heads[pick].step;
      const auto i = static_cast<std::uint32_t>(latest);
      const std::int32_t previous = info_[i].own_before;  // where its thread goes on, unless covered
      if (previous == kNone || covers(r, heads[pick].thread, previous)) {
        heads[pick] = heads[--open];
      } else {
        heads[pick].step = previous;
      }
      const Step& si = steps_[i];
      const bool dep = ((info_[i].signature & info_[j].signature) != 0 && dependent(si, sj)) ||
                       (virtual_step && latest == terminal_) || is_enabler(i, j) || observed(i, j);
      if (!dep || transparent(i, j)) continue;
      out.emplace_back(i, j);
      max_into(r, vc(i), stride_);
      for (std::size_t h = 0; h < open;) {  // the race covers what happens before it
        if (covers(r, heads[h].thread, heads[h].step)) {
          heads[h] = heads[--open];
        } else {
          ++h;
        }
      }
    }
  }
}

}  // namespace checker::dpor

#include "checker/strategies/dpor_analysis.hpp"

#include <algorithm>

namespace checker::dpor {

namespace {
constexpr std::int32_t kNoFinish = -2;  // finish_: not finished (-1: in the initial step)

constexpr auto max_into = max_clock;
}  // namespace

void Analysis::merge(Clock* into, std::int64_t from) {
  if (from < 0) return;  // the initial step (or none) happens before everything anyway
  max_into(into, vc(from), stride_);
}

bool Analysis::enabled_at(std::uint32_t k, sim::ThreadId t) const {
  const auto& enabled = points_[k].enabled;
  return std::binary_search(enabled.begin(), enabled.end(), t);
}

bool Analysis::touches(std::uint32_t k, sim::ThreadId t) const {
  if (steps_[k].thread == t) return true;
  for (std::uint32_t x = touched_begin_[k]; x < touched_begin_[k + 1]; ++x) {
    if (touched_[x] == t) return true;
  }
  return false;
}

bool Analysis::directly_before(std::uint32_t a, std::uint32_t b) const {
  // Through b's own thread's history (`pre_`): a chain between two steps of a reversal
  // never leaves it (see dpor_wakeup.hpp), so this is a direct predecessor there.
  return pre_[b][steps_[a].thread] > a || dependent(steps_[a], steps_[b]) ||
         is_enabler(a, b) || time_[a] < time_[b] || (b >= real_ && static_cast<std::int32_t>(a) == terminal_) ||
         observed(a, b);
}

bool Analysis::is_enabler(std::uint32_t i, std::uint32_t j) const {
  for (std::uint32_t x = enabler_begin_[j]; x < enabler_begin_[j + 1]; ++x) {
    if (enablers_[x] == i) return true;
  }
  return false;
}

// --- the forward state and its journal ---------------------------------------------

void Analysis::ensure_stride(std::uint32_t threads) {
  if (threads <= stride_) return;
  const std::uint32_t width = clock_width(std::max(threads, 2 * stride_));
  vc_.widen(width);
  pre_.widen(width);
  saved_clocks_.widen(width);
  std::vector<Clock> wide(std::size_t{width} * width, 0);  // a row per thread
  for (sim::ThreadId t = 0; t < stride_; ++t) std::copy_n(thread_clock(t), stride_, wide.data() + std::size_t{t} * width);
  thread_clock_ = std::move(wide);
  last_touch_.resize(width, kNone);
  finish_.resize(width, kNoFinish);
  stride_ = width;
}

void Analysis::save_clock(std::uint32_t k, sim::ThreadId t) {
  journal_.push_back({k, Saved::What::kClock, t, 0, saved_clocks_.size()});
  saved_clocks_.push(thread_clock(t));
}

void Analysis::set_last_touch(std::uint32_t k, sim::ThreadId t, std::int32_t value) {
  journal_.push_back({k, Saved::What::kLastTouch, t, last_touch_[t], 0});
  last_touch_[t] = value;
}

// Back to the state after step keep - 1: undoes the later steps' changes, last step
// first, and drops their per-step results (and the virtual steps).
void Analysis::rewind(std::uint32_t keep) {
  for (std::uint32_t k = forward_; k-- > keep;) {
    while (!journal_.empty() && journal_.back().step == k) {
      const Saved& s = journal_.back();
      switch (s.what) {
        case Saved::What::kClock:
          copy_clock(thread_clock(s.thread), saved_clocks_[s.clock], stride_);
          saved_clocks_.truncate(s.clock);
          break;
        case Saved::What::kLastTouch:
          last_touch_[s.thread] = s.value;
          break;
        case Saved::What::kFinish:
          finish_[s.thread] = s.value;
          break;
      }
      journal_.pop_back();
    }
    const sim::ThreadId p = steps_[k].thread;  // before the journal's entries of step k
    copy_clock(thread_clock(p), pre_[k], stride_);
    last_touch_[p] = pp_[k];
  }
  forward_ = std::min(forward_, keep);
  steps_.resize(keep);
  thread_of_.resize(keep);
  signature_of_.resize(keep);
  pp_.resize(keep);
  time_.resize(keep);
  advance_.resize(keep);
  vc_.truncate(keep);
  pre_.truncate(keep);
  const auto cut = [keep](std::vector<std::uint32_t>& begin, auto& data) {
    if (begin.size() > keep) data.resize(begin[keep]);
    begin.resize(keep);
  };
  cut(touched_begin_, touched_);
  cut(enabler_begin_, enablers_);
  cut(flip_begin_, flips_);
}

// Orders step k after the earlier steps (before `before`) it depends on: the latest
// dependent step of each chain is enough, since its clock covers the rest.
void Analysis::order_after_dependent(std::uint32_t k, std::uint32_t before) {
  Clock* v = vc(k);
  const Step& s = steps_[k];
  const std::uint64_t signature = signature_of_[k];
  for (std::uint32_t i = before; i-- > 0;) {
    const sim::ThreadId ti = thread_of_[i];
    if (v[ti] > i || (ti != s.thread && (signature_of_[i] & signature) == 0) || !dependent(steps_[i], s)) continue;
    max_into(v, vc(i), stride_);
  }
}

// The steps after `since` that enabled or disabled thread t without moving it come
// before step k.
void Analysis::take_enablers(std::uint32_t k, sim::ThreadId t, std::int32_t since) {
  const auto from = static_cast<std::uint32_t>(since + 1);
  if (from >= flip_begin_.size()) return;
  for (std::size_t x = flip_begin_[from]; x < flips_.size(); ++x) {  // all before k
    if (flips_[x].thread != t) continue;
    enablers_.push_back(flips_[x].step);
    merge(vc(k), flips_[x].step);
  }
}

void Analysis::process(std::uint32_t k, const std::vector<sim::Event>& events, std::size_t& e) {
  const PointInfo& point = points_[k];
  const sim::ThreadId p = point.chosen;
  Step s;
  s.thread = p;
  s.kind = point.kind;
  s.object = point.object;
  s.add_operation(point.kind, point.object, true);
  pp_.push_back(last_touch_[p]);
  time_.push_back(point.time);
  advance_.push_back(k > 0 && point.time > time_[k - 1] ? k : (k > 0 ? advance_[k - 1] : 0));
  push_clock_rows(thread_clock(p));

  // The step's events. Other threads' events (a woken joiner, an eagerly started
  // child) move those threads: their next steps come after this one, but this step
  // does not come after their earlier ones (it commutes with them; only its shape,
  // where their eager part runs, would differ).
  const auto first_touched = static_cast<std::uint32_t>(touched_.size());
  touched_begin_.push_back(first_touched);
  const auto touch = [&](sim::ThreadId t) {
    if (t == p || t >= threads_) return;
    for (std::uint32_t x = first_touched; x < touched_.size(); ++x) {
      if (touched_[x] == t) return;
    }
    touched_.push_back(t);
  };
  const std::size_t first_event = e;
  bool value_taken = false;
  for (; e < events.size() && events[e].decision <= k + 1; ++e) {
    const sim::Event& ev = events[e];
    touch(ev.thread);
    if (ev.kind == sim::OpKind::kStart) touch(ev.object);
    if (ev.kind == sim::OpKind::kFinish && ev.thread < threads_) {
      journal_.push_back({k, Saved::What::kFinish, ev.thread, finish_[ev.thread], 0});
      finish_[ev.thread] = static_cast<std::int32_t>(k);
    }
    s.add_operation(ev.kind, ev.object, false);
    if (!value_taken && ev.thread == p && ev.kind == point.kind && ev.object == point.object) {
      s.has_value = ev.has_value;
      s.value = ev.value;
      value_taken = true;
    }
  }
  steps_.push_back(s);
  thread_of_.push_back(s.thread);
  signature_of_.push_back(s.signature());

  enabler_begin_.push_back(static_cast<std::uint32_t>(enablers_.size()));
  take_enablers(k, p, last_touch_[p]);
  for (std::uint32_t x = first_touched; x < touched_.size(); ++x) {
    take_enablers(k, touched_[x], last_touch_[touched_[x]]);
  }
  order_after_dependent(k, k);
  Clock* v = vc(k);
  for (std::uint32_t i = advance_[k]; i-- > 0;) {  // the clock advanced: every earlier step is before
    if (v[thread_of_[i]] <= i) max_into(v, vc(i), stride_);
  }
  v[p] = k + 1;

  // Thread clocks: the chosen and the moved threads continue after this step; a join
  // orders the joiner after the joined thread's finish; a child starts from its
  // parent's clock.
  copy_clock(thread_clock(p), v, stride_);  // the old clock is pre_'s row k
  for (std::uint32_t x = first_touched; x < touched_.size(); ++x) {
    save_clock(k, touched_[x]);
    max_into(thread_clock(touched_[x]), v, stride_);
  }
  for (std::size_t x = first_event; x < e; ++x) {
    const sim::Event& ev = events[x];
    if (ev.thread >= threads_ || ev.object >= threads_) continue;
    if (ev.kind == sim::OpKind::kJoin && finish_[ev.object] >= 0) {
      save_clock(k, ev.thread);
      max_into(thread_clock(ev.thread), vc(finish_[ev.object]), stride_);
    } else if (ev.kind == sim::OpKind::kStart) {
      save_clock(k, ev.object);
      max_into(thread_clock(ev.object), thread_clock(ev.thread), stride_);
    }
  }
  last_touch_[p] = static_cast<std::int32_t>(k);  // the old value is pp_[k]
  for (std::uint32_t x = first_touched; x < touched_.size(); ++x) set_last_touch(k, touched_[x], static_cast<std::int32_t>(k));

  // Enabling: threads this step enabled or disabled without moving them.
  flip_begin_.push_back(static_cast<std::uint32_t>(flips_.size()));
  std::span<const sim::ThreadId> next;
  if (k + 1 < points_.size()) {
    next = points_[k + 1].enabled;
  } else if (at_end_ != nullptr) {
    next = *at_end_;
  } else {
    return;
  }
  const auto& now = point.enabled;
  std::size_t a = 0;
  std::size_t b = 0;
  while (a < now.size() || b < next.size()) {
    sim::ThreadId flipped;
    if (b == next.size() || (a < now.size() && now[a] < next[b])) {
      flipped = now[a++];
    } else if (a == now.size() || next[b] < now[a]) {
      flipped = next[b++];
    } else {
      ++a;
      ++b;
      continue;
    }
    bool moved = flipped == p || flipped >= threads_;
    for (std::uint32_t x = first_touched; x < touched_.size(); ++x) moved |= touched_[x] == flipped;
    if (!moved) flips_.push_back({k, flipped});
  }
}

void Analysis::run(const sim::ExecutionRecord& record, std::span<const PointInfo> points,
                   const std::vector<sim::ThreadId>* at_end, bool terminal, std::uint32_t keep) {
  points_ = points;
  at_end_ = at_end;
  real_ = static_cast<std::uint32_t>(record.choices.size());
  threads_ = static_cast<std::uint32_t>(record.thread_names.size());
  ensure_stride(threads_);
  const std::vector<sim::Event>& events = record.events;
  std::size_t e = 0;
  if (keep == 0) {
    journal_.clear();
    saved_clocks_.clear();
    forward_ = 0;
    std::fill(thread_clock_.begin(), thread_clock_.end(), 0);
    std::fill(last_touch_.begin(), last_touch_.end(), kNone);
    std::fill(finish_.begin(), finish_.end(), kNoFinish);
    rewind(0);
    for (; e < events.size() && events[e].decision == 0; ++e) {  // before the first choice
      if (events[e].kind == sim::OpKind::kFinish && events[e].thread < threads_) finish_[events[e].thread] = kNone;
    }
  } else {
    rewind(keep);
    // Events are in decision order: the first one of step `keep`.
    e = static_cast<std::size_t>(
        std::lower_bound(events.begin(), events.end(), keep + 1,
                         [](const sim::Event& ev, std::uint32_t decision) { return ev.decision < decision; }) -
        events.begin());
  }
  for (std::uint32_t k = keep; k < real_; ++k) process(k, events, e);
  forward_ = real_;
  touched_begin_.push_back(static_cast<std::uint32_t>(touched_.size()));
  enabler_begin_.push_back(static_cast<std::uint32_t>(enablers_.size()));
  terminal_ = terminal && real_ > 0 ? static_cast<std::int32_t>(real_ - 1) : kNone;
}

void Analysis::add_virtual(std::span<const Unfinished> unfinished, bool observed) {
  touched_begin_.pop_back();
  enabler_begin_.pop_back();
  terminal_observes_ = observed && terminal_ != kNone;
  unfinished_.assign(threads_, 0);
  for (const Unfinished& u : unfinished) {
    if (u.thread < threads_) unfinished_[u.thread] = 1;
  }
  if (terminal_observes_) {  // the last step comes after every step of the threads it observes
    for (std::uint32_t i = static_cast<std::uint32_t>(terminal_); i-- > 0;) {
      if (unfinished_[steps_[i].thread] != 0 && vc(terminal_)[steps_[i].thread] <= i) merge(vc(terminal_), i);
    }
  }
  for (const Unfinished& u : unfinished) {
    if (u.thread >= threads_) continue;
    const auto j = static_cast<std::uint32_t>(steps_.size());
    Step s;
    s.thread = u.thread;
    s.kind = u.kind;
    s.object = u.object;
    s.add_operation(u.kind, u.object, true);
    steps_.push_back(s);
    thread_of_.push_back(s.thread);
    signature_of_.push_back(s.signature());
    pp_.push_back(last_touch_[u.thread]);
    time_.push_back(real_ == 0 ? 0 : time_[real_ - 1]);
    advance_.push_back(real_ == 0 ? 0 : advance_[real_ - 1]);
    push_clock_rows(thread_clock(u.thread));
    touched_begin_.push_back(static_cast<std::uint32_t>(touched_.size()));
    enabler_begin_.push_back(static_cast<std::uint32_t>(enablers_.size()));
    take_enablers(j, u.thread, last_touch_[u.thread]);
    order_after_dependent(j, real_);
    merge(vc(j), terminal_);
    Clock* v = vc(j);
    for (std::uint32_t i = advance_[j]; i-- > 0;) {
      if (v[thread_of_[i]] <= i) max_into(v, vc(i), stride_);
    }
    v[u.thread] = j + 1;
  }
  touched_begin_.push_back(static_cast<std::uint32_t>(touched_.size()));
  enabler_begin_.push_back(static_cast<std::uint32_t>(enablers_.size()));
}

// A dependent step i before j that is no race: j's thread could not have run j instead
// of i (see the header).
bool Analysis::transparent(std::uint32_t i, std::uint32_t j) const {
  const Step& si = steps_[i];
  const Step& sj = steps_[j];
  if (pp_[j] < static_cast<std::int32_t>(i)) {
    // j's thread was parked at j's operation when i ran: the recorded enabled set says
    // whether it could have gone first.
    return !enabled_at(i, sj.thread);
  }
  // j's thread moved after i, so its readiness at i is not recorded. A blocking acquire
  // cannot pass a lock that is held: one being released (by an owner), or one a
  // try-acquire just failed on. A release whose recorded value is 2 or more (a
  // Semaphore with permits left, an RLock still held reentrantly) may leave room.
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
  scratch_.resize(stride_);
  Clock* r = scratch_.data();
  for (std::uint32_t j = from; j < size(); ++j) {
    const Step& sj = steps_[j];
    const sim::ThreadId q = sj.thread;
    copy_clock(r, pre_[j], stride_);
    const bool virtual_step = j >= real_;
    for (std::uint32_t i = std::min(j, real_); i-- > 0;) {
      const sim::ThreadId ti = thread_of_[i];
      if (ti == q || r[ti] > i) continue;
      const Step& si = steps_[i];
      const bool dep = ((signature_of_[i] & signature_of_[j]) != 0 && dependent(si, sj)) || (virtual_step && static_cast<std::int32_t>(i) == terminal_) ||
                       is_enabler(i, j) || observed(i, j);
      if (!dep || transparent(i, j)) continue;
      out.emplace_back(i, j);
      max_into(r, vc(i), stride_);
    }
  }
}

void Analysis::reversal(std::uint32_t i, std::uint32_t j, std::vector<std::uint32_t>& out) const {
  out.clear();
  const std::uint32_t end = std::min(j, real_);
  for (std::uint32_t k = i + 1; k < end; ++k) {
    if (!happens_before(i, k)) out.push_back(k);
  }
  out.push_back(j);
}

}  // namespace checker::dpor

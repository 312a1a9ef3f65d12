#include "sim/runtime.hpp"

#include "sim/fiber_jump.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace sim {

namespace {
// Stands in for a destroyed object a thread was waiting on: it can never proceed.
class NeverReady final : public Waitable {
 public:
  bool ready(ThreadId) const override { return false; }
  ThreadId blocker(ThreadId) const override { return kNoThread; }
  std::string describe_wait(ThreadId) const override { return "an object that no longer exists"; }
};
const NeverReady kNeverReady;

[[noreturn]] void internal_error(const char* what) {
  std::fprintf(stderr, "interleave: internal error: %s\n", what);
  std::abort();
}
}  // namespace

Runtime::Runtime(std::size_t stack_size) : stacks_(stack_size) {}
Runtime::~Runtime() {
  retiring_ = true;
  live_exceptions_ = os_thread_exception_state();
  for (ThreadId id = 0; id < threads_.size(); ++id) {
    if (threads_[id]->context.fiber == nullptr) continue;
    current_ = kHost;
    switch_to(id);  // its loop ends and it returns to us
  }
}

void Runtime::throw_outside_run() {
  throw UsageError(
      "a modeled primitive was used outside a model run: run the model through "
      "checker::explore or the interleave command");
}

const ExecutionRecord& Runtime::run(const std::function<void()>& main, Scheduler& scheduler,
                                    RunOptions options) {
  if (running_ != nullptr) throw UsageError("Runtime::run cannot be nested");
  record_.clear();
  repeatable_ = &scheduler == path_scheduler_ ? path_length_ : 0;
  repeat_end_ = 0;
  path_scheduler_ = &scheduler;
  path_length_ = 0;
  thread_count_ = 0;
  unnamed_threads_ = 0;
  cancelling_ = false;
  parked_enabled_bits_ = 0;
  parked_waiting_bits_ = 0;
  parked_joining_bits_ = 0;
  decisions_ = 0;
  draws_ = 0;
  now_ = 0;
  stdout_id_ = kNoObject;
  partial_line_.clear();
  scheduler_ = &scheduler;
  options_ = options;
  current_ = kHost;
  live_exceptions_ = os_thread_exception_state();  // run() may be on another OS thread than the last one
  running_ = this;
  main_ = &main;
  const ThreadId main_id = create_thread(nullptr, "main", false);  // runs main_ (run_body)
  start_thread(main_id);  // returns once every fiber has finished
  record_.duration = now_;
  path_length_ = decisions_;
  running_ = nullptr;
  return record_;
}

// --- switching ---------------------------------------------------------------------

// Suspends the running context and resumes `next`; returns when someone switches back.
// The C++ exception state goes with the context (see exception_state.hpp): whoever
// switches back here restores ours.
void Runtime::switch_to(ThreadId next) {
  Context& self = context_of(current_);
  Context& to = context_of(next);
  switching_from_ = &self;
  current_ = next;
  self.exceptions = *live_exceptions_;
  *live_exceptions_ = to.exceptions;
  before_switch(&self.fake_stack, to.stack);
  land(self.fake_stack, jump_to(std::exchange(to.fiber, nullptr), this));
}

// First thing on a stack after a switch: store the continuation of whoever switched
// to us in its slot (empty if that fiber finished).
void Runtime::land(void* fake_stack, boost::context::detail::fcontext_t from_fiber) {
  const StackBounds from = after_switch(fake_stack);
  // Only the annotations use the host's stack bounds (they learn them here).
  if (kAnnotatesSwitches && switching_from_ == &host_) host_.stack = from;
  switching_from_->fiber = from_fiber;
}

// A slot's fiber outlives its thread: once the body is done it parks, and the next
// thread started in the same slot (usually in the next execution) resumes it, so
// starting a thread costs one switch instead of a fiber and stack set-up and tear-down.
// ~Runtime retires the parked fibers, so none is ever destroyed while suspended.
// The first switch to a slot's fiber lands here; every switch passes the runtime, and
// current_ already names the thread being switched to.
// It lands before calling anything that does not return: AddressSanitizer unpoisons
// the stack at such a call, and must know the switch to this stack by then.
void Runtime::fiber_main(boost::context::detail::transfer_t caller) {
  Runtime& runtime = *static_cast<Runtime*>(caller.data);
  runtime.land(nullptr, caller.fctx);
  runtime.entry(runtime.current_);
}

void Runtime::entry(ThreadId self) {
  while (!retiring_) {
    run_body(self);
    switch_to(after_finish(self));  // parked until this slot's next thread starts
  }
  switching_from_ = &state(self).context;
  current_ = kHost;
  *live_exceptions_ = host_.exceptions;
  before_switch(nullptr, host_.stack);  // this stack is done for good
  boost::context::detail::jump_fcontext(std::exchange(host_.fiber, nullptr), this);
  internal_error("a retired fiber was resumed");
}

// Inlined into entry(), as park_in_join() is into its callers: the returns after a
// fiber switch all mispredict (the return stack predictor holds the other fiber's
// calls), so a frame less between the switch and the model is a mispredict less.
[[gnu::always_inline]] inline void Runtime::run_body(ThreadId self) {
  ThreadState& me = state(self);
  try {
    if (self == kMainThread) {
      (*main_)();
      join_non_daemon_threads();
    } else {
      me.body();
    }
  } catch (const Cancelled&) {
  } catch (const std::exception& error) {
    fail_silently(FindingKind::kUncaughtException, error.what(), self);
  } catch (...) {
    fail_silently(FindingKind::kUncaughtException, "an exception of unknown type", self);
  }
  if (self == kMainThread && !cancelling_) note_cut_off_daemons();
  me.status = Status::kFinished;
  if (me.joiners != 0) release_joiners(self);
  me.waiting_on = nullptr;
  me.body = nullptr;
  if (!cancelling_ && !me.killed) record(OpKind::kFinish, self);  // being stopped is not a step
}

// --- threads -----------------------------------------------------------------------

// CPython's _newname(): "Thread-N" for the N-th unnamed thread. Each is built once, out
// of line (the string building would give create_thread a larger frame); looking one
// up is inline (a call and its frame cost more than the lookup).
inline const std::string& Runtime::default_name(std::uint32_t number) {
  if (number >= default_names_.size()) add_default_names(number);
  return default_names_[number];
}

void Runtime::add_default_names(std::uint32_t up_to) {
  while (default_names_.size() <= up_to) {
    default_names_.push_back("Thread-" + std::to_string(default_names_.size()));
  }
}

ThreadId Runtime::create_thread(std::function<void()>&& body, std::string_view name, bool daemon) {
  const ThreadId id = thread_count_++;
  if (id == threads_.size()) add_slot();
  if (id >= 64) repeat_end_ = 0;  // decide() repeats points only while every thread has a bit
  ThreadState& t = state(id);
  t.body.swap(body);  // (the slot's body is empty since its last thread finished)
  t.status = Status::kNew;
  t.daemon = daemon;
  t.waiting_on = nullptr;
  t.deadline = kNever;
  t.return_to = kNoThread;
  t.decides_for = id;
  t.joiners = 0;
  t.killed = false;
  t.orphaned_wait.clear();
  if (name.empty()) {
    record_.thread_names.push_back(default_name(++unnamed_threads_));
  } else {
    record_.thread_names.emplace_back(name);
  }
  return id;
}

// A slot for thread `threads_.size()`; what never changes for its threads is set here.
void Runtime::add_slot() {
  const auto id = static_cast<ThreadId>(threads_.size());
  ThreadState& t = *threads_.emplace_back(std::make_unique<ThreadState>());
  t.runtime = this;
  t.id = id;
  t.bit = id < 64 ? std::uint64_t{1} << id : 0;
  enabled_.resize(threads_.size());
}

void Runtime::start_thread(ThreadId id) {
  if (cancelling_) stop_current();
  ThreadState& t = state(id);
  if (t.status != Status::kNew) fail(FindingKind::kMisuse, "threads can only be started once");
  if (id != kMainThread) record(OpKind::kStart, id);
  if (t.context.fiber == nullptr) {  // a new slot; otherwise its parked fiber from an earlier thread is reused
    const boost::context::stack_context stack = stacks_.take();
    t.context.stack = {static_cast<char*>(stack.sp) - stack.size, stack.size};
    t.context.fiber = boost::context::detail::make_fcontext(stack.sp, stack.size, &Runtime::fiber_main);
  }
  t.status = Status::kRunning;
  // A started thread runs eagerly up to its first visible operation and comes back;
  // the main thread has nobody to come back to.
  t.return_to = id == kMainThread ? kNoThread : current_;
  switch_to(id);
  if (cancelling_ && current_ != kHost) stop_current();
}

void Runtime::join_thread(ThreadId id, double timeout) {
  if (cancelling_) stop_current();
  ThreadState& t = state(id);
  if (id == current_) fail(FindingKind::kMisuse, "a thread cannot join itself (Python: RuntimeError)");
  if (t.status == Status::kNew) {
    fail(FindingKind::kMisuse, "cannot join thread " + thread_name(id) + " before it is started");
  }
  if (t.status != Status::kFinished) {
    ++t.joiners;
    if (timeout < 0) {
      if (!park_in_join(t)) throw Cancelled{};
    } else {
      state(current_).deadline = deadline_after(timeout);  // visible_until, without asking the join's outcome
      visible(OpKind::kJoin, id, &t);
    }
    --t.joiners;
  }
  record(OpKind::kJoin, id, t.status == Status::kFinished ? 1 : 0, timeout >= 0);
}

void Runtime::join_at_scope_exit(ThreadId id) noexcept {
  ThreadState& t = state(id);
  if (cancelling_ || t.status == Status::kNew || t.status == Status::kFinished) return;
  if (id == current_) return;
  ++t.joiners;
  const bool joined = park_in_join(t);
  --t.joiners;
  if (joined) record(OpKind::kJoin, id);
}

bool Runtime::ThreadState::ready(ThreadId) const { return status == Status::kFinished; }
ThreadId Runtime::ThreadState::blocker(ThreadId) const { return id; }
std::string Runtime::ThreadState::describe_wait(ThreadId) const {
  return runtime->thread_name(id) + " to finish";
}

// Threads parked in an untimed join on `finished` can now proceed: they leave
// parked_joining_bits_ for parked_enabled_bits_ (usually to be woken eagerly at once,
// but a daemon cut off wakes nobody, and its joiners must be offered from now on).
void Runtime::release_joiners(ThreadId finished) {
  for (std::uint64_t joining = parked_joining_bits_; joining != 0; joining &= joining - 1) {
    ThreadState& t = *threads_[std::countr_zero(joining)];
    if (t.pending_object != finished) continue;
    parked_joining_bits_ &= ~t.bit;
    parked_enabled_bits_ |= t.bit;
    t.parked_in = &parked_enabled_bits_;
  }
}

// A joiner's join completes as soon as the joined thread finishes; it runs eagerly up
// to its next visible operation (see the protocol in the header).
void Runtime::wake_joiners(ThreadId finished) {
  if (state(finished).joiners == 0) return;
  for (ThreadId id = next_joiner(finished, 0); id != kNoThread && !cancelling_;
       id = next_joiner(finished, id + 1)) {
    state(id).return_to = current_;
    switch_to(id);
  }
}

// The first thread from `from` on that is parked in a join on `finished`; kNoThread if none.
ThreadId Runtime::next_joiner(ThreadId finished, ThreadId from) const {
  for (ThreadId id = from; id < thread_count_; ++id) {
    const ThreadState& t = *threads_[id];
    if (is_parked(t.status) && t.pending_kind == OpKind::kJoin && t.pending_object == finished) return id;
  }
  return kNoThread;
}

// CPython's shutdown joins every non-daemon thread once the main thread is done.
void Runtime::join_non_daemon_threads() {
  for (ThreadId id = 1; id < thread_count_; ++id) {
    const ThreadState& t = state(id);
    if (!t.daemon && t.status != Status::kNew && t.status != Status::kFinished) join_thread(id);
  }
}

// Python kills daemon threads still running at exit. One blocked on an object (an
// idle worker in queue.get()) loses nothing; one that could still run or is only
// waiting for the clock (a sleep) is cut off mid-work, and that is a finding.
void Runtime::record_cut_off(const ThreadState& t) {
  const bool idle = t.waiting_on != nullptr && t.deadline == kNever && !is_enabled(t);
  record_.cut_off_daemons.push_back({t.id, describe_pending(t), !idle});
}

void Runtime::cut_off_daemon(ThreadId id) noexcept {
  ThreadState& t = state(id);
  if (cancelling_ || !is_parked(t.status)) return;
  record_cut_off(t);
  t.killed = true;
  t.return_to = current_;
  switch_to(id);  // it unwinds from its scheduling point and comes back
}

// At the end of the main thread: daemons whose handles did not cut them off already,
// then the finding if any daemon was cut off mid-work.
void Runtime::note_cut_off_daemons() {
  for (ThreadId id = 1; id < thread_count_; ++id) {
    const ThreadState& t = state(id);
    if (t.status == Status::kNew || t.status == Status::kFinished) continue;
    record_cut_off(t);
    cancelling_ = true;  // unwound after main by the cancellation
  }
  std::string mid_work;
  ThreadId first = kNoThread;
  for (const CutOffDaemon& d : record_.cut_off_daemons) {
    if (!d.mid_work) continue;
    if (first == kNoThread) first = d.thread;
    mid_work += (mid_work.empty() ? "" : "; ") + thread_name(d.thread) + " was " + d.doing;
  }
  if (first != kNoThread) {
    fail_silently(FindingKind::kDaemonCutOff,
                  "the main thread finished and Python killed daemon threads that still had work "
                  "to do: " + mid_work,
                  first);
  }
}

// What a parked thread is doing, in words; never touches a destroyed object.
std::string Runtime::describe_pending(const ThreadState& t) const {
  if (!t.orphaned_wait.empty()) return t.orphaned_wait;
  if (t.waiting_on != nullptr && !t.waiting_on->ready(t.id)) {
    return "blocked waiting for " + t.waiting_on->describe_wait(t.id);
  }
  if (t.pending_kind == OpKind::kSleep && t.deadline != kNever && t.deadline > now_) {
    // Parked in sleep() until its deadline: it is in the middle of the sleep, and the
    // virtual time it still had to sleep says how far from finishing it was.
    char left[32];
    std::snprintf(left, sizeof left, "%.2f", static_cast<double>(t.deadline - now_) / 1e9);
    return std::string("sleeping (") + left + " s of virtual time left)";
  }
  std::string text = "about to " + std::string(op_name(t.pending_kind));
  if (t.pending_object != kNoObject) text += " " + object_name(t.pending_object);
  return text;
}

void Runtime::forget_waitable(const Waitable& object) {
  // A thread waits on an object only while parked at it, in parked_waiting_bits_ if
  // numbered below 64 (usually nobody is, when objects go away at the end of main).
  // Joiners, in parked_joining_bits_, wait on a thread's state, which never goes away.
  if (parked_waiting_bits_ == 0 && thread_count_ <= 64) return;
  for (ThreadId id = 0; id < thread_count_; ++id) {
    ThreadState& t = state(id);
    if (t.waiting_on != &object || t.status == Status::kFinished) continue;
    t.orphaned_wait = describe_pending(t);
    t.waiting_on = &kNeverReady;
  }
}

// --- scheduling --------------------------------------------------------------------

// The execution is over and the running thread is about to unwind. Threads it (or its
// children) started use objects it owns, so they unwind first, newest first: each is
// resumed, throws Cancelled from its scheduling point, and comes back here. Returns
// false, for try_visible.
bool Runtime::stop_newer_threads() {
  for (ThreadId id = thread_count_; id-- > current_ + 1;) {
    ThreadState& t = state(id);
    if (!is_parked(t.status) && t.status != Status::kRunning) continue;
    t.return_to = current_;
    switch_to(id);
  }
  return false;
}

bool Runtime::visible_until(OpKind kind, ObjectId object, const Waitable* wait, Nanos deadline) {
  state(current_).deadline = deadline;
  visible(kind, object, wait);
  return wait != nullptr && wait->ready(current_);
}

Nanos Runtime::deadline_after(double seconds) const {
  if (seconds < 0) return kNever;
  if (options_.ignore_time) return now_;
  const double nanos = seconds * 1e9;
  if (nanos >= static_cast<double>(kNever - now_)) return kNever;
  return now_ + static_cast<Nanos>(nanos + 0.5);
}

void Runtime::write_stdout(std::string_view text) {
  if (stdout_id_ == kNoObject) stdout_id_ = register_object("stdout");
  visible(OpKind::kWrite, stdout_id_);
  record(OpKind::kWrite, stdout_id_);
  for (char c : text) {
    if (c != '\n') {
      partial_line_ += c;
      continue;
    }
    record_.output.push_back({now_, current_, std::move(partial_line_), record_.events.size() - 1});
    partial_line_.clear();
  }
}

std::uint64_t Runtime::draw(std::uint64_t bound) {
  if (cancelling_) stop_current();
  const std::uint64_t value = scheduler_->draw(bound, draws_++);
  if (value >= bound) {  // the scheduler abandons the execution
    record_.abandoned = true;
    cancelling_ = true;
    stop_current();
  }
  record_.draws.push_back(value);
  record(OpKind::kRandom, kNoObject, static_cast<std::int64_t>(value), true);
  return value;
}

// A parked thread's pending operation can proceed when the object it waits on is
// ready, or (timeouts and sleeps) when the virtual clock has reached its deadline.
bool Runtime::is_enabled(const ThreadState& t) const {
  const bool object_ready = t.waiting_on != nullptr ? t.waiting_on->ready(t.id) : t.deadline == kNever;
  return object_ready || now_ >= t.deadline;
}

// Discrete-event time: when no thread can run, jump to the earliest pending deadline.
// Returns false when there is none.
bool Runtime::advance_clock() {
  Nanos earliest = kNever;
  for (ThreadId id = 0; id < thread_count_; ++id) {
    const ThreadState& t = state(id);
    if (is_parked(t.status) && t.deadline < earliest) earliest = t.deadline;
  }
  if (earliest == kNever) return false;
  now_ = earliest;
  return true;
}

// Threads 0..63 that are enabled, as bits: the parked ones whose operation always
// proceeds, and the waiting ones that can proceed now.
inline std::uint64_t Runtime::enabled_bits() const {
  std::uint64_t mask = parked_enabled_bits_;
  for (std::uint64_t waiting = parked_waiting_bits_; waiting != 0; waiting &= waiting - 1) {
    const int id = std::countr_zero(waiting);
    if (is_enabled(*threads_[id])) mask |= std::uint64_t{1} << id;
  }
  return mask;
}

inline ThreadId Runtime::decide(ThreadId at) {
  // A point the scheduler repeats from the previous execution (Scheduler::repeat_previous)
  // is taken from path_ when the enabled threads are exactly those of that point and the
  // thread it chose is at the same operation, without building the enabled array or
  // calling choose(). repeat_end_ stays within the step bound and 0 once threads past
  // 63 exist (their bits are missing from the masks). A point of the previous execution
  // with threads past 63 has mask 0, which no point with an enabled thread matches.
  if (decisions_ < repeat_end_) {
    PathPoint& point = path_[decisions_];
    const std::uint64_t mask = enabled_bits();
    if (mask == point.enabled_mask && mask != 0 && repeats_operation(point)) {
      enabled_mask_ = mask;
      record_choice(point.chosen, at);
      return point.chosen;
    }
  }
  return ask_scheduler(at);
}

// decide() for a point that is not repeated: the enabled threads, after advancing the
// clock while there are none, then the scheduler's choice, kept in path_. Returns kHost
// when the execution ends here (deadlock, step bound, abandoned).
ThreadId Runtime::ask_scheduler(ThreadId at) {
  bool any_parked = false;
  ThreadId* const enabled = enabled_.data();  // one slot per thread (create_thread)
  do {
    const std::uint64_t mask = enabled_bits();
    // Only the waiting and joining ones matter: no thread is enabled when any_parked is read.
    any_parked = (parked_waiting_bits_ | parked_joining_bits_) != 0;
    // Counted in a local and stored once: the stores through `enabled` may alias the
    // members, which would make the compiler reload them on every thread.
    std::uint32_t count = 0;
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
      enabled[count++] = static_cast<ThreadId>(std::countr_zero(bits));
    }
    for (ThreadId id = 64; id < thread_count_; ++id) {  // beyond the bits: their statuses
      const ThreadState& t = *threads_[id];
      if (t.status != Status::kParkedEnabled) {
        if (t.status != Status::kParked) continue;
        any_parked = true;
        if (!is_enabled(t)) continue;
      }
      enabled[count++] = id;
    }
    enabled_count_ = count;
    enabled_mask_ = mask;
  } while (enabled_count_ == 0 && advance_clock());
  if (enabled_count_ == 0) {
    if (any_parked) record_deadlock();
    return kHost;
  }
  if (decisions_ >= options_.max_steps) return stop_at_step_bound(at);
  const ThreadId chosen = scheduler_->choose({enabled, enabled_count_}, at, decisions_);
  if (decisions_ == 0 && thread_count_ <= 64) {
    repeat_end_ = std::min({scheduler_->repeat_end(), repeatable_, options_.max_steps});
  }
  if (chosen == kNoThread) {
    record_.abandoned = true;
    cancelling_ = true;
    return kHost;
  }
  if (!offered(chosen)) internal_error("the scheduler chose a thread that is not enabled");
  if (decisions_ >= path_.size()) path_.resize(2 * path_.size() + 16);
  const ThreadState& t = *threads_[chosen];
  path_[decisions_] = {chosen, t.pending_kind, t.pending_object, thread_count_ <= 64 ? enabled_mask_ : 0};
  record_choice(chosen, at);
  return chosen;
}

// Out of decide()'s way (its string building would cost every scheduling point a
// larger stack frame).
ThreadId Runtime::stop_at_step_bound(ThreadId at) {
  fail_silently(FindingKind::kStepBound,
                "the execution went over the bound of " + std::to_string(options_.max_steps) +
                    " scheduling points: a loop that never finishes (a spin loop without a "
                    "blocking operation, or a livelock)?",
                at);
  record_deadlock();  // attaches the threads blocked meanwhile: a partial deadlock, if any
  return kHost;
}

// Whether the thread chosen at `point` of the previous execution is at the same
// operation now (else the model is not deterministic, and the scheduler should see it).
inline bool Runtime::repeats_operation(const PathPoint& point) const {
  const ThreadState& t = *threads_[point.chosen];
  return t.pending_kind == point.kind && t.pending_object == point.object;
}

// Whether decide() just offered thread `id` (choosing changes nothing).
inline bool Runtime::offered(ThreadId id) const {
  if (id < 64) return ((enabled_mask_ >> id) & 1) != 0;
  return offered_past_mask(id);
}

bool Runtime::offered_past_mask(ThreadId id) const {
  return std::find(enabled_.data(), enabled_.data() + enabled_count_, id) != enabled_.data() + enabled_count_;
}

// Counts the decision and records it (the enabled threads of the point are set).
inline void Runtime::record_choice(ThreadId chosen, ThreadId at) {
  ++decisions_;
  record_.choices.push_back(chosen);
  record_.reasons.push_back(switch_reason(chosen, at));
}

// Why the thread at the scheduling point keeps or loses the processor.
inline SwitchReason Runtime::switch_reason(ThreadId chosen, ThreadId at) const {
  if (chosen == at) return SwitchReason::kContinued;
  if (threads_[at]->status == Status::kFinished) return SwitchReason::kFinished;
  return offered(at) ? SwitchReason::kPreempted : SwitchReason::kBlocked;
}

bool Runtime::try_visible(OpKind kind, ObjectId object, const Waitable* wait) {
  if (cancelling_) return stop_newer_threads();
  ThreadState& me = state(current_);
  if (wait == nullptr && me.deadline == kNever) {
    me.status = Status::kParkedEnabled;
    me.parked_in = &parked_enabled_bits_;
  } else {
    me.status = Status::kParked;
    me.parked_in = &parked_waiting_bits_;
  }
  *me.parked_in |= me.bit;
  return park(me, kind, object, wait);
}

// try_visible for an untimed join: the joiner waits in parked_joining_bits_, which
// decide() does not poll, until release_joiners() moves it when `joined` finishes.
[[gnu::always_inline]] inline bool Runtime::park_in_join(ThreadState& joined) {
  if (cancelling_) return stop_newer_threads();
  ThreadState& me = state(current_);
  me.status = Status::kParked;
  me.parked_in = &parked_joining_bits_;
  parked_joining_bits_ |= me.bit;
  return park(me, OpKind::kJoin, joined.id, &joined);
}

// The running thread, its status and parked bit already set, parks at its pending
// operation until it is chosen (or switches back to whoever ran it eagerly).
inline bool Runtime::park(ThreadState& me, OpKind kind, ObjectId object, const Waitable* wait) {
  me.pending_kind = kind;
  me.pending_object = object;
  me.waiting_on = wait;
  if (me.return_to != kNoThread) {
    switch_to(std::exchange(me.return_to, kNoThread));
  } else {
    const ThreadId next = decide(decision_owner(me));
    if (!cancelling_ && next != me.id) switch_to(next);
  }
  // Only the set that holds its bit is read and written: clearing the bit from all
  // three was a 16-byte vector load right after the 8-byte store that set it, when the
  // thread continues without a switch, and such a load waits for the store to retire
  // (a failed store-to-load forward, ~3% of the 3x3 racy counter's time).
  *me.parked_in &= ~me.bit;
  me.status = Status::kRunning;
  me.waiting_on = nullptr;
  me.deadline = kNever;
  if (cancelling_) return stop_newer_threads();
  return !me.killed;
}

ThreadId Runtime::after_finish(ThreadId self) {
  ThreadState& me = state(self);
  if (!cancelling_ && !me.killed) {
    // Its only joiner, woken, takes over its scheduling point: the joiner's next
    // decision is made for this thread (the same enabled set, current thread and
    // reason), which saves switching there and back before deciding here.
    if (me.return_to == kNoThread && me.joiners == 1) {
      const ThreadId joiner = next_joiner(self, 0);
      if (joiner != kNoThread) {
        state(joiner).decides_for = decision_owner(me);
        return joiner;
      }
    }
    wake_joiners(self);
  }
  // Back to whoever ran it eagerly, cut it off or stopped it first.
  if (me.return_to != kNoThread) return std::exchange(me.return_to, kNoThread);
  if (!cancelling_) {
    const ThreadId next = decide(decision_owner(me));
    if (!cancelling_) return next;
  }
  return next_to_cancel();
}

// The thread whose scheduling point the running thread's next decision is: its own,
// unless it took over that of a thread that finished (after_finish).
ThreadId Runtime::decision_owner(ThreadState& me) { return std::exchange(me.decides_for, me.id); }

// The newest thread that still has a suspended fiber, so children unwind before the
// thread that created the objects they use; the host when none is left.
ThreadId Runtime::next_to_cancel() const {
  for (ThreadId id = thread_count_; id-- > 0;) {
    const ThreadState& t = *threads_[id];
    if (is_parked(t.status) || t.status == Status::kRunning) return id;
  }
  return kHost;
}

// Every parked thread that cannot proceed, with what it waits for: the finding when no
// thread can run, or added to a step-bound finding (some threads may be deadlocked
// while another runs on; the checker looks for a cycle among them).
void Runtime::record_deadlock() {
  Finding finding;
  finding.kind = FindingKind::kDeadlock;
  for (ThreadId id = 0; id < thread_count_; ++id) {
    const ThreadState& t = state(id);
    if (!is_parked(t.status) || is_enabled(t)) continue;
    BlockedThread blocked;
    blocked.thread = id;
    blocked.op = t.pending_kind;
    blocked.object = t.pending_object;
    if (t.waiting_on != nullptr) {
      blocked.blocker = t.waiting_on->blocker(id);
      blocked.waits_for = t.waiting_on->describe_wait(id);
    }
    finding.blocked.push_back(std::move(blocked));
  }
  finding.message = "no thread can run, and " + std::to_string(finding.blocked.size()) +
                    (finding.blocked.size() == 1 ? " thread has" : " threads have") + " not finished";
  if (!record_.finding) {
    record_.finding = std::move(finding);
  } else if (record_.finding->kind == FindingKind::kStepBound) {
    record_.finding->blocked = std::move(finding.blocked);
  }
  cancelling_ = true;
}

// --- recording and findings --------------------------------------------------------

ObjectId Runtime::register_object(std::string_view name) {
  record_.object_names.emplace_back(name);
  return static_cast<ObjectId>(record_.object_names.size() - 1);
}

void Runtime::fail(FindingKind kind, std::string message) {
  fail_silently(kind, std::move(message), current_);
  stop_current();
}

void Runtime::stop_current() {
  stop_newer_threads();
  throw Cancelled{};
}

void Runtime::fail_silently(FindingKind kind, std::string message, ThreadId thread) {
  if (!record_.finding) {
    Finding& finding = record_.finding.emplace();
    finding.kind = kind;
    finding.thread = thread;
    finding.message = std::move(message);
  }
  cancelling_ = true;
}

}  // namespace sim

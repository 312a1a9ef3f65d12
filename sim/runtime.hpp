// The per-execution runtime: owns the modeled threads (one Boost.Context fiber each,
// on pooled stacks), decides at every scheduling point by asking the Scheduler, detects
// deadlocks and the step bound, and records the execution. Primitives call it; it
// knows nothing about how the checker searches.
//
// Protocol. Every thread that is not running is parked at its *pending* visible
// operation. A scheduling point is reached when the running thread arrives at a
// visible operation, blocks, or finishes; the runtime then asks the Scheduler which
// enabled thread performs its pending operation next, and switches to it directly
// (no trip through a central loop; no switch at all when the same thread continues).
// Code between visible operations touches only thread-local state, so two kinds of
// steps need no scheduling point: starting a thread (the new thread runs eagerly up
// to its first visible operation and parks there) and a join that completes (the
// joiner is woken eagerly when the joined thread finishes and runs up to its next
// visible operation). Both only order a thread against itself, so running them eagerly
// removes no behaviour, and the number of executions of a model without blocking is
// exactly the multinomial count of its threads' visible steps. A finished thread's
// only joiner does not even switch back: at its next visible operation it makes the
// decision of the finished thread's scheduling point (for that thread, as if it had
// made it), and the finished thread stays parked.
//
// A scheduler that re-executes a prefix of its previous execution (stateless search
// on its way to the next branch) says so at decision 0 (Scheduler::repeat_previous);
// the runtime keeps each execution's choices with the enabled threads at each point,
// and at a repeated point whose enabled threads are exactly those of the previous
// execution, with the chosen thread at the same operation, it takes the same thread
// without building the enabled array or calling choose(). Anywhere else, a divergence
// included, it asks as usual.
//
// An execution never destroys a suspended fiber (that would unwind it by throwing
// across a switch, which AddressSanitizer cannot follow and which costs ~0.8 us):
// when it ends early, every live fiber is resumed with `cancelling_` set and throws
// Cancelled from its scheduling point, unwinding its own stack.
#pragma once

#include "sim/exception_state.hpp"
#include "sim/execution.hpp"
#include "sim/ids.hpp"
#include "sim/scheduler.hpp"
#include "sim/stack_pool.hpp"
#include "sim/switch_annotations.hpp"
#include "sim/waitable.hpp"

#include <boost/context/detail/fcontext.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// Thrown inside a modeled thread to unwind it when its execution is over. Models must
// let it pass: never `catch (...)` without rethrowing.
struct Cancelled {};

// Misuse of the library by a model (a usage error with a fix hint, not a finding).
struct UsageError : std::logic_error {
  using std::logic_error::logic_error;
};

struct RunOptions {
  std::uint32_t max_steps = 10'000;  // scheduling points per execution
  // Time ignored: sleep is a plain scheduling point and a timeout may expire at any
  // scheduling point, so timing never hides an interleaving. Otherwise (the default)
  // sleep and timeouts run on the virtual clock.
  bool ignore_time = false;
};

class Runtime {
 public:
  explicit Runtime(std::size_t stack_size = kDefaultStackSize);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `main` as the modeled main thread to the end (or to the first finding),
  // asking `scheduler` at every scheduling point. The record stays valid until the
  // next call. Not reentrant.
  const ExecutionRecord& run(const std::function<void()>& main, Scheduler& scheduler,
                             RunOptions options);

  // The runtime executing on this OS thread; throws UsageError outside an execution.
  static Runtime& current() {
    if (running_ == nullptr) [[unlikely]] throw_outside_run();
    return *running_;
  }

  // --- for primitives -------------------------------------------------------------
  // A scheduling point before a visible operation of the running thread. `wait` is
  // null for operations that are always enabled; otherwise the thread stays parked
  // until `wait->ready()` and the scheduler picks it. Returns when the operation may
  // proceed; throws Cancelled when the execution is over.
  void visible(OpKind kind, ObjectId object, const Waitable* wait = nullptr) {
    if (!try_visible(kind, object, wait)) throw Cancelled{};
  }
  // The same, for code that may run in a destructor (where throwing would terminate):
  // returns false instead of throwing when the execution is over; the caller must
  // then return without touching shared state.
  [[nodiscard]] bool try_visible(OpKind kind, ObjectId object, const Waitable* wait = nullptr);
  // A scheduling point whose operation may also proceed once the virtual clock reaches
  // `deadline` (a timeout, or the end of a sleep when `wait` is null). Returns true if
  // it proceeds because `wait` is ready, false on the timeout. Throws Cancelled.
  bool visible_until(OpKind kind, ObjectId object, const Waitable* wait, Nanos deadline);
  // The deadline `seconds` from now: now itself when time is ignored (the timeout may
  // then expire at once), kNever for a negative (infinite) timeout.
  Nanos deadline_after(double seconds) const;
  Nanos now() const { return now_; }
  // One write to the modeled stdout (a visible step, as each write is in CPython's
  // print); a "\n" ends the current line.
  void write_stdout(std::string_view text);
  // A value in [0, bound) for the model's random(), chosen by the scheduler and
  // recorded, so a replay reproduces it.
  std::uint64_t draw(std::uint64_t bound);
  // Appends a step to the record (after the operation has happened).
  void record(OpKind kind, ObjectId object, std::int64_t value, bool has_value) {
    record_.events.push_back(Event{current_, kind, object, value, has_value, decisions_, now_});
  }
  void record(OpKind kind, ObjectId object) { record(kind, object, 0, false); }
  // A Shared<T> access, with the model's call site (one pointer) for race reports.
  void record_access(OpKind kind, ObjectId object, std::int64_t value, bool has_value, std::source_location where) {
    record_.events.push_back(Event{current_, kind, object, value, has_value, decisions_, now_, where});
  }
  ObjectId register_object(std::string_view name);
  // Called by a Waitable's destructor: threads still waiting on it (daemons, at main
  // exit) keep a description of what they waited for, and never touch it again.
  void forget_waitable(const Waitable& object);
  const std::string& object_name(ObjectId id) const { return record_.object_names[id]; }

  ThreadId create_thread(std::function<void()>&& body, std::string_view name, bool daemon);
  void start_thread(ThreadId id);
  // Joins `id`; a timeout >= 0 (seconds) gives up when the virtual clock reaches it.
  void join_thread(ThreadId id, double timeout = -1);
  // Joins at a scope exit (a Thread handle or an executor going away): never throws;
  // returns early if the execution ends meanwhile.
  void join_at_scope_exit(ThreadId id) noexcept;
  bool is_finished(ThreadId id) const { return threads_[id]->status == Status::kFinished; }
  bool is_started(ThreadId id) const { return threads_[id]->status != Status::kNew; }
  bool is_daemon(ThreadId id) const { return threads_[id]->daemon; }
  const std::string& thread_name(ThreadId id) const { return record_.thread_names[id]; }
  ThreadId current_thread() const { return current_; }
  // The operation a parked thread will perform when it is chosen next (for
  // partial-order reduction, which needs each enabled thread's next step).
  struct PendingOp {
    OpKind kind;
    ObjectId object;
  };
  PendingOp pending(ThreadId id) const { return {threads_[id]->pending_kind, threads_[id]->pending_object}; }
  // True once the running thread must stop: the execution is over, or it is a daemon
  // being cut off. Primitives check it before touching shared state from a destructor.
  bool cancelling() const { return cancelling_ || (current_ != kHost && threads_[current_]->killed); }
  // std::uncaught_exceptions() > 0 on the running thread, without the library call:
  // its exception state is the live one (see exception_state.hpp).
  bool unwinding() const { return live_exceptions_->uncaught_exceptions > 0; }
  // Python kills daemon threads at exit without running their cleanup. Called on the
  // main thread when a daemon's handle goes away at the end of main (while the objects
  // the daemon uses still exist): records the cut-off and stops the daemon there.
  void cut_off_daemon(ThreadId id) noexcept;

  // Ends the execution with a finding (from a modeled thread): throws Cancelled.
  [[noreturn]] void fail(FindingKind kind, std::string message);
  // Ends the execution with a finding without unwinding the running thread right
  // away: it stops at its next visible operation, or finishes if it has none left.
  // (Code up to the next visible operation belongs to the same atomic step, so no
  // other thread can observe the difference; it saves an exception on the common
  // "check at the end of main" path.)
  void end_with(FindingKind kind, std::string message) { fail_silently(kind, std::move(message), current_); }
  // Ignored once the execution is over: nothing after a finding is observed.
  void set_outcome(Outcome outcome) {
    if (!cancelling_) record_.outcome.emplace(std::move(outcome));
  }

  static constexpr std::size_t kDefaultStackSize =
#if defined(INTERLEAVE_ASAN)
      256 * 1024;
#else
      64 * 1024;
#endif

 private:
  // A parked thread is kParkedEnabled when its pending operation can always proceed
  // (no object to wait for, no deadline), so decide() takes it without asking.
  enum class Status : std::uint8_t { kNew, kRunning, kParked, kFinished, kParkedEnabled };
  static bool is_parked(Status status) { return status == Status::kParked || status == Status::kParkedEnabled; }
  static constexpr ThreadId kHost = kNoThread - 1;  // the OS stack that called run()

  // Set by run() for its duration. constinit: no lazy initialization, so reading it
  // from an inline current() is a plain thread-local load.
  static inline constinit thread_local Runtime* running_ = nullptr;
  [[noreturn]] static void throw_outside_run();

  // Where a suspended context resumes: a modeled thread's fiber, or the host's stack.
  // Raw fcontext (Boost.Context's own layer under its fiber class): a switch is one
  // jump_fcontext and nothing else, and the runtime never destroys a suspended
  // context, which is what the fiber class's extra bookkeeping is for.
  struct Context {
    boost::context::detail::fcontext_t fiber = nullptr;  // its suspended continuation; null while it runs
    ExceptionState exceptions;    // its C++ exception state while it is suspended
    StackBounds stack;
    void* fake_stack = nullptr;   // AddressSanitizer's bookkeeping for this stack
  };

  // A thread's state doubles as the Waitable of a join on it.
  struct ThreadState final : Waitable {
    const Runtime* runtime = nullptr;
    ThreadId id = kNoThread;
    std::uint64_t bit = 0;  // its bit in the parked_*_bits_ (none for ids >= 64)
    // Which of the parked_*_bits_ holds its bit while parked, so that park() clears just
    // that one when it resumes.
    std::uint64_t* parked_in = nullptr;
    bool ready(ThreadId waiter) const override;
    ThreadId blocker(ThreadId waiter) const override;
    std::string describe_wait(ThreadId waiter) const override;

    Context context;
    std::function<void()> body;            // empty for the main thread, which runs main_
    Status status = Status::kNew;
    bool daemon = false;
    OpKind pending_kind = OpKind::kYield;
    ObjectId pending_object = kNoObject;
    const Waitable* waiting_on = nullptr;  // null: enabled, unless it waits for `deadline`
    Nanos deadline = kNever;               // the pending operation also proceeds at this time
    ThreadId return_to = kNoThread;        // set while running eagerly: park and switch back here
    // Whose scheduling point its next decision is: its own, or that of a finished thread
    // it took over (after_finish).
    ThreadId decides_for = kNoThread;
    std::uint32_t joiners = 0;             // threads parked in a join on it (never fewer; more after a cancelled join)
    std::string orphaned_wait;             // what it waited on, if that object was destroyed
    bool killed = false;                   // a daemon being cut off: it unwinds at once
  };
  std::string describe_pending(const ThreadState& t) const;

  ThreadState& state(ThreadId id) { return *threads_[id]; }
  Context& context_of(ThreadId id) { return id == kHost ? host_ : threads_[id]->context; }
  void switch_to(ThreadId next);
  static void fiber_main(boost::context::detail::transfer_t caller);
  [[noreturn]] void entry(ThreadId self);
  void run_body(ThreadId self);
  void land(void* fake_stack, boost::context::detail::fcontext_t from_fiber);
  // The decision at the scheduling point of thread `at` (the running thread, or the
  // finished thread whose point it took over).
  ThreadId decide(ThreadId at);
  [[gnu::noinline]] ThreadId ask_scheduler(ThreadId at);
  std::uint64_t enabled_bits() const;
  [[gnu::noinline]] ThreadId stop_at_step_bound(ThreadId at);
  bool offered(ThreadId id) const;
  struct PathPoint;
  bool repeats_operation(const PathPoint& point) const;
  [[gnu::noinline]] bool offered_past_mask(ThreadId id) const;
  void record_choice(ThreadId chosen, ThreadId at);
  SwitchReason switch_reason(ThreadId chosen, ThreadId at) const;
  ThreadId decision_owner(ThreadState& me);
  [[gnu::noinline]] void add_slot();
  const std::string& default_name(std::uint32_t number);
  [[gnu::noinline]] void add_default_names(std::uint32_t up_to);
  bool is_enabled(const ThreadState& t) const;
  bool advance_clock();
  ThreadId after_finish(ThreadId self);
  bool park_in_join(ThreadState& joined);
  bool park(ThreadState& me, OpKind kind, ObjectId object, const Waitable* wait);
  void release_joiners(ThreadId finished);
  void wake_joiners(ThreadId finished);
  ThreadId next_joiner(ThreadId finished, ThreadId from) const;
  void join_non_daemon_threads();
  void note_cut_off_daemons();
  void record_cut_off(const ThreadState& t);
  void record_deadlock();
  ThreadId next_to_cancel() const;
  bool stop_newer_threads();
  // Unwinds the running thread once the threads it may have started are unwound.
  [[noreturn]] void stop_current();
  void fail_silently(FindingKind kind, std::string message, ThreadId thread);

  StackPool stacks_;
  std::vector<std::unique_ptr<ThreadState>> threads_;  // pointers stay valid across growth
  std::uint32_t thread_count_ = 0;                     // threads_ beyond this are spares
  std::vector<ThreadId> enabled_;                      // decide()'s enabled threads: the first enabled_count_
  std::uint32_t enabled_count_ = 0;
  std::uint64_t enabled_mask_ = 0;                      // the same, as bits, for threads 0..63
  // Threads 0..63 parked at a scheduling point, as bits, set by try_visible() and
  // park_in_join() and cleared by park() (where every thread parks and resumes), each
  // thread in at most one, the one its ThreadState::parked_in names: those whose pending
  // operation always proceeds, those that wait (for an object or a deadline), and those
  // in a join without timeout on a thread that has not finished. decide() builds the
  // enabled set from them and asks is_enabled() only of the waiting ones, instead of
  // reading every thread's status at every scheduling point; a joiner needs no asking:
  // release_joiners() moves it to the enabled bits when its thread finishes.
  std::uint64_t parked_enabled_bits_ = 0;
  std::uint64_t parked_waiting_bits_ = 0;
  std::uint64_t parked_joining_bits_ = 0;
  // The choices of the last execution (overwritten by this one's as it goes), for a
  // scheduler that repeats a prefix of them (Scheduler::repeat_previous): path_[d] for
  // decision d, with the chosen thread's operation and the enabled threads there (0
  // when threads past 63 existed).
  struct PathPoint {
    ThreadId chosen = kNoThread;
    OpKind kind = OpKind::kYield;  // the chosen thread's pending operation
    ObjectId object = kNoObject;
    std::uint64_t enabled_mask = 0;
  };
  std::vector<PathPoint> path_;
  const Scheduler* path_scheduler_ = nullptr;  // who chose the path
  std::uint32_t path_length_ = 0;              // its decisions, once its execution is over
  std::uint32_t repeatable_ = 0;               // decisions of the last execution, if it had this scheduler
  std::uint32_t repeat_end_ = 0;               // decisions below this are taken from path_ when they match
  std::vector<std::string> default_names_;             // "Thread-N", built once
  std::uint32_t unnamed_threads_ = 0;                   // CPython numbers unnamed threads only
  Context host_;                       // the OS stack that called run()
  Context* switching_from_ = &host_;   // who is suspending during a switch
  ExceptionState* live_exceptions_ = os_thread_exception_state();  // this OS thread's
  ThreadId current_ = kHost;
  Scheduler* scheduler_ = nullptr;
  const std::function<void()>* main_ = nullptr;  // run()'s main: the main thread's body
  RunOptions options_;
  Nanos now_ = 0;                      // the virtual clock
  ObjectId stdout_id_ = kNoObject;     // registered at the first write of an execution
  std::string partial_line_;           // stdout text not yet ended by "\n"
  bool cancelling_ = false;
  bool retiring_ = false;               // ~Runtime: parked fibers leave their loop
  std::uint32_t decisions_ = 0;
  std::uint32_t draws_ = 0;
  ExecutionRecord record_;
};

}  // namespace sim

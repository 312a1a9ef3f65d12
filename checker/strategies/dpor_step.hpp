// What partial-order reduction knows about one step of an execution: which thread took
// it and which objects it read or wrote, and the dependency relation built from that.
// A step is everything from one scheduling point to the next (sim/runtime.hpp): the
// chosen thread's operation plus eager effects (a finish, a woken joiner, a random()
// draw, ...), so its accesses are the union over the events recorded in it.
//
// Dependency (Mazurkiewicz): two steps of different threads are dependent when they
// access the same object and at least one writes. The relation is deliberately an
// over-approximation wherever the runtime's semantics are not precisely known here:
//   - Shared loads read, stores write; lock-like acquire/try-acquire/release (Lock,
//     RLock, Semaphore) are read-modify-writes of the lock; stdout writes write one
//     stdout object; random() draws read-modify-write one draw stream (the k-th draw's
//     value depends on k, so draws of different threads do not commute);
//   - a thread's finish writes the thread, a timed join step reads it (untimed joins
//     only order steps by happens-before: see dpor_analysis.hpp);
//   - a step that starts a thread is global: threads are known by their numbers, which
//     follow the order of creation (starts before the first scheduling point, where
//     models usually start their threads, belong to no step and cost nothing);
//   - sleep and yield without an object access nothing;
//   - the operations of the threading primitives, queues, futures and the executor
//     access the objects they are recorded on (see add_operation). Each primitive
//     records an event on every object whose state the step reads or changes, so the
//     union over a step's events covers its effects:
//       Condition.wait is three steps: the release of the lock (the thread joins the
//       waiters in the same step; only a notify reads that, and a notify reads the
//       lock, below), the wake-up or timeout (read-modify-write of the condition: it
//       takes a wake-up), the re-acquire of the lock; notify read-modify-writes the
//       condition, and over a Lock also reads the Lock (whether it is locked is the
//       ownership check, which another thread's release changes; sim/condition.hpp);
//       Event.wait's look and its wait, Barrier.wait's entry and passage (the action
//       runs in the last thread's steps, and the step that releases the barrier
//       records it), abort and reset, Queue.join: the object;
//       futures.wait's step and as_completed's first step record a read of each future
//       they look at; after its first step as_completed watches the futures left, and
//       the step completing one records a write of the as_completed object, which
//       the later waits read-modify-write (sim/futures_wait.hpp); the step that ends
//       as_completed (a timeout) unwatches the futures left, reading each;
//   - asyncio awaits (kAwait, and a sleep on the loop) make the step *global*:
//     dependent with every other step. A task runs from one await to the next with
//     the loop's baton, touching the loop's ready queue, timers and futures, which no
//     event records.
// Over-approximating dependency only costs executions, never soundness. A step known
// only by its pending operation (a thread's next step, before it runs) has only that
// operation's access, e.g. a futures wait only its own object; the strategy computes
// the sleep sets again from the recorded steps after each execution (dpor.cpp).
#pragma once

#include "sim/execution.hpp"
#include "sim/ids.hpp"

#include <cstdint>

namespace checker::dpor {

enum class Mode : std::uint8_t { kRead, kWrite };

// Objects beyond the model's ObjectIds (which are dense and small).
inline constexpr std::uint32_t kRandomStream = 0xFFFF'FFF0u;
inline constexpr std::uint32_t kStdout = 0xFFFF'FFF1u;  // not the per-run id: that depends on when it was registered
inline constexpr std::uint32_t kThreadObject = 0x8000'0000u;  // | thread id

struct Access {
  std::uint32_t object = 0;
  Mode mode = Mode::kRead;
};

struct Step {
  static constexpr int kMaxAccesses = 6;

  sim::ThreadId thread = sim::kNoThread;
  sim::OpKind kind = sim::OpKind::kYield;  // the chosen thread's operation
  sim::ObjectId object = sim::kNoObject;
  bool global = false;     // dependent with every step
  bool has_value = false;  // the value recorded by the operation's own event, if any
  std::int64_t value = 0;
  std::uint8_t count = 0;  // accesses in use; more than kMaxAccesses makes the step global
  Access accesses[kMaxAccesses];

  // Adds an access (a read of an object already written is kept as the write).
  void add(std::uint32_t object, Mode mode);
  // One bit per accessed object (hashed into 64; all bits for a global step): steps of
  // different threads whose signatures do not intersect are independent, which the
  // analysis' scans over earlier steps check before dependent().
  std::uint64_t signature() const {
    if (global) return ~std::uint64_t{0};
    std::uint64_t bits = 0;
    for (std::uint8_t i = 0; i < count; ++i) bits |= std::uint64_t{1} << ((accesses[i].object * 2654435761u) >> 26);
    return bits;
  }
  // Adds the access of an operation recorded on `object`; one recorded on no object
  // could have touched anything, so the step becomes global.
  void add_recorded(sim::ObjectId object, Mode mode) {
    if (object == sim::kNoObject) {
      global = true;
    } else {
      add(object, mode);
    }
  }
  // Adds what an operation of `kind` on `object` accesses: the pending operation of the
  // chosen thread (`pending` true) or a recorded event.
  void add_operation(sim::OpKind kind, sim::ObjectId object, bool pending);
};

// Inline, like dependent() below: the analysis calls them for every recorded event.
inline void Step::add(std::uint32_t object, Mode mode) {
  for (std::uint8_t i = 0; i < count; ++i) {
    if (accesses[i].object != object) continue;
    if (mode == Mode::kWrite) accesses[i].mode = Mode::kWrite;
    return;
  }
  if (count == kMaxAccesses) {
    global = true;  // too many to list: dependent with everything, which is always sound
    return;
  }
  accesses[count++] = {object, mode};
}

inline void Step::add_operation(sim::OpKind kind, sim::ObjectId object, bool pending) {
  using sim::OpKind;
  // (Loads and stores, most operations, before the switch: its jump table is an indirect
  // jump, which the processor mispredicts more often than these two compares.)
  if (kind == OpKind::kLoad || kind == OpKind::kStore) {
    add(object, kind == OpKind::kLoad ? Mode::kRead : Mode::kWrite);
    return;
  }
  switch (kind) {
    case OpKind::kAcquire:
    case OpKind::kTryAcquire:
    case OpKind::kRelease:
      add(object, Mode::kWrite);
      return;
    case OpKind::kWrite:
      add(kStdout, Mode::kWrite);
      return;
    case OpKind::kRandom:
      add(kRandomStream, Mode::kWrite);
      return;
    case OpKind::kSleep:
    case OpKind::kYield:
      if (object != sim::kNoObject) global = true;  // e.g. an asyncio sleep on its loop
      return;
    case OpKind::kStart:
      // The runtime numbers threads in the order they are created and DPOR names threads
      // by these numbers from one execution to the next, so a step that starts a thread
      // keeps its place relative to every other step. (Starts before the first scheduling
      // point, where models usually start their threads, are in no step.)
      if (!pending) global = true;
      return;
    case OpKind::kJoin:
      // A join chosen at a scheduling point (one with a timeout) reads whether the thread
      // has finished; a join that completed (eagerly, or on a finished thread) only orders.
      if (pending) add(kThreadObject | object, Mode::kRead);
      return;
    case OpKind::kFinish:
      add(kThreadObject | object, Mode::kWrite);
      return;
    // Each operation reads or changes the object it is recorded on; every effect on
    // another object is recorded as its own event (a take of work records the work
    // queue and the item's future; a submit the work queue and the new future; a
    // completion each as_completed watching the future), so the union of a step's
    // events covers what it touched. A look at the state (qsize, is_set, done, locked,
    // result(), which waits for the future and reads it) reads; everything else,
    // including the waits of the threading primitives, is a read-modify-write.
    case OpKind::kRead:
    case OpKind::kFutureDone:
    case OpKind::kFutureResult:
      add_recorded(object, Mode::kRead);
      return;
    case OpKind::kPut:
    case OpKind::kGet:
    case OpKind::kTaskDone:
    case OpKind::kSet:
    case OpKind::kClear:
    case OpKind::kSubmit:
    case OpKind::kWorkGet:
    case OpKind::kTaskStart:
    case OpKind::kTaskFinish:
    case OpKind::kCancel:
    case OpKind::kShutdown:
    case OpKind::kWait:
    case OpKind::kNotify:
    case OpKind::kAbort:
      add_recorded(object, Mode::kWrite);
      return;
    default:  // kAwait: asyncio (see the header)
      global = true;
      return;
  }
}

// True when the two steps do not commute: same thread, either global, or an object
// both access with at least one write. (Inline: the analysis asks it for most pairs
// of steps of every execution.)
inline bool dependent(const Step& a, const Step& b) {
  if (a.thread == b.thread || a.global || b.global) return true;
  for (std::uint8_t i = 0; i < a.count; ++i) {
    const Access& x = a.accesses[i];
    for (std::uint8_t k = 0; k < b.count; ++k) {
      const Access& y = b.accesses[k];
      if (x.object == y.object && (x.mode == Mode::kWrite || y.mode == Mode::kWrite)) return true;
    }
  }
  return false;
}

// True for the lock-like operations whose dependency is per lock (see the header).
constexpr bool is_lock_op(sim::OpKind kind) {
  return kind == sim::OpKind::kAcquire || kind == sim::OpKind::kTryAcquire || kind == sim::OpKind::kRelease;
}

}  // namespace checker::dpor

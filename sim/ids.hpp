// Identifiers and operation kinds shared by the runtime, the primitives and the
// checker. A step's (thread, kind, object) triple is what reports, traces and, later,
// the dependency relation of partial-order reduction are built from.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

using ThreadId = std::uint32_t;
using ObjectId = std::uint32_t;

inline constexpr ThreadId kNoThread = UINT32_MAX;
inline constexpr ObjectId kNoObject = UINT32_MAX;
inline constexpr ThreadId kMainThread = 0;

// Virtual time, in nanoseconds since the execution started.
using Nanos = std::int64_t;
inline constexpr Nanos kNever = INT64_MAX;

// Every kind of recorded step. Only some are scheduling points (see Runtime::visible);
// the rest (start, join of a finished thread, ...) are recorded for reports only.
enum class OpKind : std::uint8_t {
  kLoad,
  kStore,
  kAcquire,
  kTryAcquire,      // acquire(blocking=False) or acquire(timeout=t): may fail
  kRelease,
  kStart,
  kJoin,
  kFinish,
  kSubmit,
  kTaskStart,
  kTaskFinish,
  kFutureResult,
  kFutureDone,      // done() / running(): reads the future's state
  kWorkGet,         // an executor worker takes the next work item
  kShutdown,
  kSleep,
  kWait,            // Condition.wait, Event.wait, Barrier.wait, Queue.join, futures.wait/as_completed
  kNotify,          // Condition.notify / notify_all
  kSet,             // Event.set
  kClear,           // Event.clear
  kRead,            // a non-blocking look at a primitive's state (is_set, qsize, empty, locked, ...)
  kPut,             // Queue.put
  kGet,             // Queue.get
  kTaskDone,        // Queue.task_done
  kAbort,           // Barrier.abort
  kCancel,          // Future.cancel, shutdown(cancel_futures=True)
  kRandom,          // a draw of the model's seeded random()
  kWrite,           // output: one write to stdout
  kYield,
  kAwait,           // an asyncio await (shown as "wait"): the task hands the loop on until a future is done
};

constexpr std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kLoad: return "load";
    case OpKind::kStore: return "store";
    case OpKind::kAcquire: return "acquire";
    case OpKind::kTryAcquire: return "try-acquire";
    case OpKind::kRelease: return "release";
    case OpKind::kStart: return "start";
    case OpKind::kJoin: return "join";
    case OpKind::kFinish: return "finish";
    case OpKind::kSubmit: return "submit";
    case OpKind::kTaskStart: return "task-start";
    case OpKind::kTaskFinish: return "task-finish";
    case OpKind::kFutureResult: return "result";
    case OpKind::kFutureDone: return "done?";
    case OpKind::kWorkGet: return "take-work";
    case OpKind::kShutdown: return "shutdown";
    case OpKind::kSleep: return "sleep";
    case OpKind::kWait: return "wait";
    case OpKind::kNotify: return "notify";
    case OpKind::kSet: return "set";
    case OpKind::kClear: return "clear";
    case OpKind::kRead: return "read";
    case OpKind::kPut: return "put";
    case OpKind::kGet: return "get";
    case OpKind::kTaskDone: return "task_done";
    case OpKind::kAbort: return "abort";
    case OpKind::kCancel: return "cancel";
    case OpKind::kRandom: return "random";
    case OpKind::kWrite: return "write";
    case OpKind::kYield: return "yield";
    case OpKind::kAwait: return "wait";
  }
  return "?";
}

}  // namespace sim

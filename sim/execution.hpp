// The record of one execution: every step in order, the scheduling choices, the
// outcome the model reported and what went wrong, if anything. Plain data, filled by
// the Runtime and read by the checker.
#pragma once

#include "sim/ids.hpp"

#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <variant>
#include <vector>

namespace sim {

// What a model reports at the end (e.g. the final counter value).
using Outcome = std::variant<std::int64_t, std::string>;

struct Event {
  ThreadId thread = kNoThread;
  OpKind kind = OpKind::kYield;
  ObjectId object = kNoObject;   // for start/join: the ThreadId of the other thread
  std::int64_t value = 0;        // value read or written; 1/0 for a try-acquire's result
  bool has_value = false;
  std::uint32_t decision = 0;    // scheduling points passed before this step (step after choice k: k+1)
  Nanos time = 0;                // virtual time of the step
  std::source_location where{};  // Shared<T> load/store: the call in the model (race reports)
};

enum class FindingKind : std::uint8_t {
  kDeadlock,
  kAssertion,
  kUncaughtException,
  kStepBound,        // livelock / non-termination: over the step bound
  kMisuse,
  kDaemonCutOff,     // a daemon thread killed at exit while it could still run
  kDataRace,         // found by the checker: two Shared<T> accesses no synchronization orders
};

std::string_view finding_kind_name(FindingKind kind);

// One thread that could not run when the execution stopped, and why.
struct BlockedThread {
  ThreadId thread = kNoThread;
  OpKind op = OpKind::kYield;
  ObjectId object = kNoObject;
  ThreadId blocker = kNoThread;  // whose progress it needs, if a single thread
  std::string waits_for;         // "fork-1, held by philosopher-1"
};

struct Finding {
  FindingKind kind = FindingKind::kAssertion;
  ThreadId thread = kNoThread;        // the thread that failed (kNoThread for deadlock)
  std::string message;                // the model's or the runtime's words
  std::vector<BlockedThread> blocked; // every unfinished thread, for deadlocks and hangs
};

// A daemon thread still alive when the main thread finished: Python kills it there.
struct CutOffDaemon {
  ThreadId thread = kNoThread;
  std::string doing;      // what it was blocked on or about to do
  bool mid_work = false;  // it could still run, or was only waiting for the clock
};

// Why the thread that reached a scheduling point did or did not keep running.
enum class SwitchReason : std::uint8_t {
  kContinued,  // it was chosen again
  kPreempted,  // it could have continued, but another thread was chosen
  kBlocked,    // its pending operation could not proceed
  kFinished,   // it had just finished
};

// One line the model printed, stamped with the virtual time its end was written.
struct OutputLine {
  Nanos time = 0;
  ThreadId thread = kNoThread;  // the thread that ended the line
  std::string text;
  std::size_t step = 0;         // index in `events` of the write that ended it (for views)
};

struct ExecutionRecord {
  std::vector<Event> events;
  std::vector<ThreadId> choices;       // the chosen thread at every scheduling point
  std::vector<SwitchReason> reasons;   // parallel to `choices`
  std::vector<std::uint64_t> draws;    // the values of every random() draw, in order
  std::vector<std::string> thread_names;
  std::vector<std::string> object_names;
  std::optional<Outcome> outcome;
  std::optional<Finding> finding;
  std::vector<CutOffDaemon> cut_off_daemons;
  std::vector<OutputLine> output;
  bool abandoned = false;              // the scheduler stopped the execution early
  Nanos duration = 0;                  // virtual time when the execution ended

  void clear();
};

}  // namespace sim

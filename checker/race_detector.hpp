// Data races on Shared<T> variables: two accesses to the same variable from
// different threads, at least one a store, that no chain of synchronization orders
// (checker/happens_before.hpp). Such a pair can happen in either order in some other
// execution, so it is a bug even when this execution's outcome is right.
//
// Per variable the detector keeps the last store as an epoch (thread, clock, step)
// and, per thread, its last load since that store, as FastTrack does (Flanagan &
// Freund, PLDI 2009): a load is checked against the last store, a store against the
// last store and every load since. One detector is reused across the executions of a
// search: after warm-up it allocates nothing unless it finds a race.
#pragma once

#include "checker/explore.hpp"
#include "checker/happens_before.hpp"
#include "sim/execution.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace checker {

// Two unordered conflicting accesses: indices into the execution's events, earlier first.
struct DataRace {
  std::size_t first = 0;
  std::size_t second = 0;
};

class RaceDetector {
 public:
  // The first race in `events` (the one whose later access comes first), if any.
  // `threads` and `objects` are the execution's thread and object counts.
  std::optional<DataRace> find(std::span<const sim::Event> events, std::size_t threads, std::size_t objects);

  std::optional<DataRace> find(const sim::ExecutionRecord& record) {
    return find(record.events, record.thread_names.size(), record.object_names.size());
  }
  std::optional<DataRace> find(const Trace& trace) {
    return find(trace.events, trace.thread_names.size(), trace.object_names.size());
  }

 private:
  struct Access {
    sim::ThreadId thread = sim::kNoThread;  // kNoThread: none
    HappensBefore::Tick epoch = 0;
    std::size_t step = 0;
  };
  std::optional<std::size_t> conflict(const sim::Event& e);
  void note(const sim::Event& e, std::size_t step);

  HappensBefore hb_;
  std::size_t threads_ = 0;
  std::vector<Access> last_store_;      // per object
  std::vector<Access> loads_;           // objects x threads: each thread's last load since the last store
};

// The finding for `race` in `trace`: kind kDataRace, the thread of the later access,
// and a message naming both accesses (thread, step, operation, value, source line)
// and the missing edge.
sim::Finding race_finding(const DataRace& race, std::span<const sim::Event> events,
                          std::span<const std::string> thread_names, std::span<const std::string> object_names);

// What stays the same when a race shows up at other steps in other executions: both
// accesses' threads, operations, variable and source lines, in a fixed order. Written
// into `out` (cleared first; its capacity is reused).
void race_identity(const DataRace& race, std::span<const sim::Event> events,
                   std::span<const std::string> thread_names, std::span<const std::string> object_names,
                   std::string& out);

// "models/counter.cpp:38": the last two components of the file of a Shared<T>
// access and its line, or "" when the step carries no source location.
std::string source_text(const sim::Event& e);

}  // namespace checker

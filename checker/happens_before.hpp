// The happens-before relation of one recorded execution, built with vector clocks
// (Lamport 1978; Mattern 1989) in one pass over its events, as FastTrack does
// (Flanagan & Freund, PLDI 2009): each thread has a clock, each synchronization
// object a clock that releases publish into and acquires join from. Only
// synchronization creates edges; Shared<T> loads and stores create none, so two
// accesses are ordered exactly when a chain of start/join, lock, condition,
// semaphore, event, barrier, queue, future or executor operations links them.
//
// Which recorded events are releases and which acquires (the edge table) is in
// happens_before.cpp, with the reasons. Where the recorded events cannot say which
// operation an acquire observed, the table takes every earlier release on the same
// object: that can hide a race but never invent one on a correctly synchronized model.
//
// Reuses its buffers: after the first executions of a model, processing an execution
// allocates nothing. Cost O(events x threads).
#pragma once

#include "sim/execution.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace checker {

class HappensBefore {
 public:
  using Tick = std::uint32_t;

  // Starts a new execution with `threads` threads and `objects` objects; `events` is
  // looked at once to find the threads that run asyncio tasks (see the .cpp).
  void reset(std::span<const sim::Event> events, std::size_t threads, std::size_t objects);

  // The clock component of `thread` at its current step: an access made now is
  // identified by (thread, epoch()).
  Tick epoch(sim::ThreadId thread) const { return clock(thread)[thread]; }

  // True when the step of `earlier_thread` at `earlier_epoch` happens before the
  // current step of `thread`.
  bool ordered(sim::ThreadId earlier_thread, Tick earlier_epoch, sim::ThreadId thread) const {
    return earlier_epoch <= clock(thread)[earlier_thread];
  }

  // Acquire half of `e`: call before looking at the access `e` makes, if any.
  void before(const sim::Event& e);
  // Release half of `e`: call after the access has been checked.
  void after(const sim::Event& e);

 private:
  std::span<Tick> clock(sim::ThreadId t) { return {thread_clocks_.data() + t * threads_, threads_}; }
  std::span<const Tick> clock(sim::ThreadId t) const { return {thread_clocks_.data() + t * threads_, threads_}; }
  std::span<Tick> object_clock(sim::ObjectId o) { return {object_clocks_.data() + o * threads_, threads_}; }
  std::span<Tick> group_clock(sim::ThreadId g) { return {group_clocks_.data() + g * threads_, threads_}; }

  void acquire_from(sim::ThreadId t, std::span<const Tick> from);
  void release_into(sim::ThreadId t, std::span<Tick> into);  // publishes, then ticks
  void find_task_groups(std::span<const sim::Event> events);

  std::size_t threads_ = 0;
  std::size_t objects_ = 0;
  std::vector<Tick> thread_clocks_;  // threads_ x threads_; own component >= 1
  std::vector<Tick> object_clocks_;  // objects_ x threads_: the join of releases on it
  std::vector<Tick> group_clocks_;   // threads_ x threads_, indexed by a group's first thread
  std::vector<Tick> completed_;      // join of every finished executor task so far
  std::vector<std::uint8_t> signalled_;  // per object: a notify/set/put/task_done was seen
  std::vector<sim::ThreadId> group_;     // per thread: its event loop group, or kNoThread
  std::vector<sim::ThreadId> starter_;   // per thread: who started it
  std::vector<std::uint8_t> runs_task_;  // per thread: its first step starts an asyncio task
  std::vector<std::uint8_t> seen_;       // per thread: has a recorded step
  std::vector<std::uint8_t> submitted_;  // per object: a future submitted to an executor
};

}  // namespace checker

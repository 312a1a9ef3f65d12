// One recorded execution cut into what the maximal causal model (Huang, Meredith &
// Rosu, PLDI 2014) reasons about: the *steps* (one per scheduling choice: the visible
// operation the chosen thread performed, which a schedule can reorder) and the
// constraints any reordering must keep. Built from a checker::Trace alone:
//
//  - program order between the steps of a thread;
//  - thread start before the child's first step, the child's last step before the
//    step that follows a join of it (also joins inferred from an executor shutdown
//    that waited, which the runtime does not record when the worker had finished);
//  - lock regions of a plain Lock (acquire ... release by the same thread);
//  - shared-variable loads and stores with the values they read and wrote; a store
//    preceded in its thread by a load of the same variable writes `loaded + delta`;
//  - threading.Event objects and futures by effect: their writes (set, clear, a
//    task's finish, a successful cancel) keep their order and every read (is_set,
//    wait, result, done, ...) stays between the writes around it, so "set before the
//    wait that returned" and "finish before the result that returned" hold;
//  - every other object (queues, semaphores, conditions, barriers, executors, stdout,
//    random draws) keeps the original order of its operations: a sound simplification
//    of "put before the get that returned its item" (which puts may move ahead of
//    gets depends on the queue's maxsize, which the trace does not record).
#pragma once

#include "checker/explore.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace checker::symbolic {

inline constexpr std::size_t kNone = SIZE_MAX;

struct Step {
  sim::ThreadId thread = sim::kNoThread;
  std::size_t event = kNone;  // index in trace.events of its visible operation (kNone: none recorded)
};

// O(before) < O(after) in every reordering.
struct Order {
  std::size_t before = 0;
  std::size_t after = 0;
};

// A plain Lock held from `acquire` to `release` (steps; kNone: before the trace /
// still held at its end).
struct LockRegion {
  sim::ObjectId lock = sim::kNoObject;
  sim::ThreadId thread = sim::kNoThread;
  std::size_t acquire = kNone;
  std::size_t release = kNone;
};

struct Access {
  std::size_t step = 0;
  bool is_store = false;
  std::int64_t value = 0;       // recorded value read or written
  std::size_t source = kNone;   // stores: the step of the thread's load this value derives from
  std::int64_t delta = 0;       // stores with a source: value - loaded value
  bool feeds_store = false;     // loads: the thread's next access to the variable is a store
};

struct SharedVariable {
  sim::ObjectId object = sim::kNoObject;
  std::optional<std::int64_t> initial;  // known when a load comes before any store
  std::vector<Access> accesses;         // in trace order
};

struct CausalTrace {
  const Trace* trace = nullptr;
  std::vector<Step> steps;                       // step k is choice k
  std::vector<std::vector<std::size_t>> by_thread;  // each thread's steps, in program order
  std::vector<Order> orders;                     // program order, start/join, other objects
  std::vector<LockRegion> regions;
  std::vector<SharedVariable> variables;
  std::vector<std::vector<sim::ObjectId>> held;  // per step: plain Locks its thread holds then
};

// Builds the causal structure of `trace`. Throws std::logic_error when the trace's
// events do not line up with its choices (an internal error).
CausalTrace build_causal_trace(const Trace& trace);

// "Thread-1 store counter" for step k, for reports.
std::string describe_step(const CausalTrace& causal, std::size_t step);

}  // namespace checker::symbolic

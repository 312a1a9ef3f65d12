// The wait-for relation of a deadlock or hang: which thread waits for which resource
// (a lock, a future, a queue, a join, an event, a condition, a barrier, the executor's
// work queue) and which thread that resource needs (the lock's owner, the worker
// running the future's task or the only worker it could start on, the joined thread),
// built from a finding's blocked threads and the trace's events. It is rendered two
// ways from the same graph: plain sentences for the terminal (the cycle first, then
// whatever is blocked behind it) and a Graphviz digraph for `--dot FILE`.
//
// A *partial* deadlock (a cycle among some threads while another keeps running, seen
// when the step bound stops the execution) uses the same graph: the step-bound
// finding carries the threads that were blocked at that point.
#pragma once

#include "checker/explore.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace checker {

struct WaitForGraph {
  struct Node {
    std::string name;                 // "worker-0", "fork-1", "future b", "join worker-1"
    bool is_thread = false;
    sim::ThreadId thread = sim::kNoThread;  // thread nodes only
    bool blocked = false;             // thread nodes: blocked when the execution stopped
    bool finished = false;            // thread nodes: had finished by then
    std::string task;                 // thread nodes: the task a worker runs ("wait_on_b"), if any
    std::string holds;                // thread nodes: "fork-0", "r (acquired 2 times), l"
  };
  enum class EdgeKind : std::uint8_t {
    kWaitsFor,      // thread -> the resource its pending operation waits for
    kNeeds,         // resource -> the one thread whose progress it needs
    kCouldRelease,  // resource -> a live thread that did what would release it before
  };
  struct Edge {
    std::size_t from = 0;
    std::size_t to = 0;
    EdgeKind kind = EdgeKind::kWaitsFor;
    std::string label;  // "acquire", "held by", "runs on", "could put", ...
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  // Node indices of the first wait-for cycle (thread, resource, thread, ...: each
  // waits for or needs the next, the last needs the first; a resource no single thread
  // holds leads on to the only live thread that could release it, if there is just
  // one); empty when there is none.
  std::vector<std::size_t> cycle;
  // Without a cycle: the longest chain of waits from a blocked thread, ending at a
  // resource nobody can release (thread, resource, thread, ..., resource).
  std::vector<std::size_t> chain;
};

// The wait-for graph of `trace.finding->blocked` (empty when the finding has no
// blocked threads). Every blocked thread is a node, with one kWaitsFor edge.
WaitForGraph build_wait_for(const Trace& trace);

// The terminal explanation of a deadlock or hang (trace.finding must be set): the
// finding's message, the cycle or the blocked chain as arrows, then one sentence per
// blocked thread saying what it runs and holds and what it waits for (the runtime's
// description of the resource: its owner, the worker running a future's task, why a
// task has not started, who could still put on a queue), cycle first.
std::string explain_wait_for(const Trace& trace);

// For a finding other than a deadlock whose blocked threads contain a cycle (a
// partial deadlock at the step bound): the sentences of that cycle; "" otherwise.
std::string explain_partial_deadlock(const Trace& trace);

// The same relation as a Graphviz digraph: threads as boxes, resources as ellipses,
// the cycle in red, "could put"-style edges dashed.
std::string wait_for_dot(const Trace& trace);

}  // namespace checker

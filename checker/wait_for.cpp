#include "checker/wait_for.hpp"

#include "checker/report.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace checker {

namespace {

using Graph = WaitForGraph;

const std::string& thread_name(const Trace& trace, sim::ThreadId id) {
  static const std::string unknown = "?";
  return id < trace.thread_names.size() ? trace.thread_names[id] : unknown;
}

const std::string& object_name(const Trace& trace, sim::ObjectId id) {
  static const std::string unknown = "?";
  return id < trace.object_names.size() ? trace.object_names[id] : unknown;
}

// What the threads had done by the end of the trace, beyond what they hold: whether
// each finished, and which threads did what to which object (who put on a queue).
struct ThreadFacts {
  std::vector<bool> finished;
  std::map<std::pair<sim::ObjectId, sim::OpKind>, std::vector<sim::ThreadId>> did;  // in first-seen order
};

ThreadFacts collect_facts(const Trace& trace) {
  ThreadFacts facts;
  facts.finished.assign(trace.thread_names.size(), false);
  for (const sim::Event& e : trace.events) {
    if (e.kind == sim::OpKind::kFinish && e.thread < facts.finished.size()) facts.finished[e.thread] = true;
    if (e.object != sim::kNoObject) {
      std::vector<sim::ThreadId>& who = facts.did[{e.object, e.kind}];
      if (std::find(who.begin(), who.end(), e.thread) == who.end()) who.push_back(e.thread);
    }
  }
  return facts;
}

// The task name of future `object`, from a waiter's description. FutureState words
// every wait on a future as "future NAME (TASK), which ..." (sim/future.cpp); the task
// name is recorded nowhere else.
std::optional<std::string> task_of_future(const Trace& trace, sim::ObjectId object) {
  const std::string prefix = "future " + object_name(trace, object) + " (";
  for (const sim::BlockedThread& b : trace.finding->blocked) {
    if (b.op != sim::OpKind::kFutureResult || b.object != object || !b.waits_for.starts_with(prefix)) continue;
    const std::size_t end = b.waits_for.find("), which", prefix.size());
    if (end != std::string::npos) return b.waits_for.substr(prefix.size(), end - prefix.size());
  }
  return std::nullopt;
}

// The operations that could release a wait of kind `op` if some live thread did them
// again, with the edge label: a getter needs a put, a putter a get, and so on.
std::vector<std::pair<sim::OpKind, std::string>> releasing_ops(sim::OpKind op) {
  switch (op) {
    case sim::OpKind::kGet: return {{sim::OpKind::kPut, "could put"}};
    case sim::OpKind::kPut: return {{sim::OpKind::kGet, "could get"}};
    case sim::OpKind::kAcquire:
    case sim::OpKind::kTryAcquire: return {{sim::OpKind::kRelease, "could release"}};
    case sim::OpKind::kWait:
    case sim::OpKind::kAwait:
      return {{sim::OpKind::kSet, "could set"},
              {sim::OpKind::kNotify, "could notify"},
              {sim::OpKind::kTaskDone, "could call task_done"}};
    default: return {};
  }
}

std::string wait_label(sim::OpKind op) {
  switch (op) {
    case sim::OpKind::kAcquire:
    case sim::OpKind::kTryAcquire: return "acquire";
    case sim::OpKind::kFutureResult: return "result()";
    case sim::OpKind::kJoin: return "join";
    case sim::OpKind::kGet: return "get()";
    case sim::OpKind::kPut: return "put()";
    case sim::OpKind::kWait:
    case sim::OpKind::kAwait: return "wait()";
    case sim::OpKind::kWorkGet: return "take work";
    default: return std::string(sim::op_name(op));
  }
}

class Builder {
 public:
  explicit Builder(const Trace& trace)
      : trace_(trace), facts_(collect_facts(trace)), held_(holdings(trace)), tasks_(running_tasks(trace)) {}

  Graph build() {
    for (const sim::BlockedThread& b : trace_.finding->blocked) add_wait(b);
    find_cycle();
    if (graph_.cycle.empty()) find_chain();
    return std::move(graph_);
  }

 private:
  std::size_t thread_node(sim::ThreadId id) {
    if (const auto it = threads_.find(id); it != threads_.end()) return it->second;
    Graph::Node node;
    node.name = thread_name(trace_, id);
    node.is_thread = true;
    node.thread = id;
    node.finished = id < facts_.finished.size() && facts_.finished[id];
    // A worker is named after the task it runs; models name a future after its call,
    // and a waiter's description names the task itself when someone waits for it.
    if (const auto it = tasks_.find(id); it != tasks_.end()) {
      node.task = task_of_future(trace_, it->second).value_or(object_name(trace_, it->second));
    }
    if (const auto it = held_.find(id); it != held_.end()) {
      for (const auto& [object, count] : it->second) {
        node.holds += (node.holds.empty() ? "" : ", ") + object_name(trace_, object);
        if (count > 1) node.holds += " (acquired " + std::to_string(count) + " times)";
      }
    }
    graph_.nodes.push_back(std::move(node));
    return threads_[id] = graph_.nodes.size() - 1;
  }

  // One node per object waited on (a join's object is the joined thread).
  std::size_t resource_node(const sim::BlockedThread& b) {
    const bool join = b.op == sim::OpKind::kJoin;
    const std::pair<bool, sim::ObjectId> key{join, b.object};
    if (const auto it = resources_.find(key); it != resources_.end()) return it->second;
    Graph::Node node;
    if (join) {
      node.name = "join " + thread_name(trace_, b.object);
    } else if (b.object == sim::kNoObject) {
      node.name = std::string(sim::op_name(b.op));
    } else if (b.op == sim::OpKind::kFutureResult) {
      node.name = "future " + object_name(trace_, b.object);
    } else {
      node.name = object_name(trace_, b.object);
    }
    graph_.nodes.push_back(std::move(node));
    return resources_[key] = graph_.nodes.size() - 1;
  }

  void add_edge(std::size_t from, std::size_t to, Graph::EdgeKind kind, std::string label) {
    for (const Graph::Edge& e : graph_.edges) {
      if (e.from == from && e.to == to) return;
    }
    graph_.edges.push_back({from, to, kind, std::move(label)});
  }

  std::string needs_label(const sim::BlockedThread& b) const {
    switch (b.op) {
      case sim::OpKind::kAcquire:
      case sim::OpKind::kTryAcquire: return "held by";
      case sim::OpKind::kJoin: return "finishes with";
      case sim::OpKind::kFutureResult: {
        const auto it = tasks_.find(b.blocker);
        return it != tasks_.end() && it->second == b.object ? "runs on" : "can only start on";
      }
      default: return "needs";
    }
  }

  void add_wait(const sim::BlockedThread& b) {
    const std::size_t waiter = thread_node(b.thread);
    graph_.nodes[waiter].blocked = true;
    const std::size_t resource = resource_node(b);
    add_edge(waiter, resource, Graph::EdgeKind::kWaitsFor, wait_label(b.op));
    if (b.blocker != sim::kNoThread) {
      add_edge(resource, thread_node(b.blocker), Graph::EdgeKind::kNeeds, needs_label(b));
      return;
    }
    // No single thread to blame: the live threads that could still release it.
    for (const auto& [op, label] : releasing_ops(b.op)) {
      const auto it = facts_.did.find({b.object, op});
      if (it == facts_.did.end()) continue;
      for (sim::ThreadId other : it->second) {
        const bool finished = other < facts_.finished.size() && facts_.finished[other];
        if (other != b.thread && !finished) add_edge(resource, thread_node(other), Graph::EdgeKind::kCouldRelease, label);
      }
    }
  }

  // The node a wait or a need leads to, if any: in a deadlock each blocked thread
  // waits for one resource and each resource needs at most one thread. A resource no
  // single thread holds leads on when only one live thread could still release it.
  std::optional<std::size_t> next(std::size_t node) const {
    std::vector<std::size_t> releasers;
    for (const Graph::Edge& e : graph_.edges) {
      if (e.from != node) continue;
      if (e.kind != Graph::EdgeKind::kCouldRelease) return e.to;
      releasers.push_back(e.to);
    }
    if (releasers.size() == 1) return releasers.front();
    return std::nullopt;
  }

  std::vector<std::size_t> walk(std::size_t start) const {
    std::vector<std::size_t> path{start};
    for (auto at = next(start); at && std::find(path.begin(), path.end(), *at) == path.end(); at = next(*at)) {
      path.push_back(*at);
    }
    return path;
  }

  // Following waits from each blocked thread in the finding's order, the first node met
  // twice closes the cycle; it is rotated to start at a thread.
  void find_cycle() {
    for (const sim::BlockedThread& b : trace_.finding->blocked) {
      const std::vector<std::size_t> path = walk(threads_.at(b.thread));
      const std::optional<std::size_t> closing = next(path.back());
      if (!closing) continue;
      const auto entry = std::find(path.begin(), path.end(), *closing);
      if (entry == path.end()) continue;
      std::vector<std::size_t> cycle(entry, path.end());
      const auto first_thread = std::find_if(cycle.begin(), cycle.end(),
                                             [this](std::size_t n) { return graph_.nodes[n].is_thread; });
      std::rotate(cycle.begin(), first_thread, cycle.end());
      graph_.cycle = std::move(cycle);
      return;
    }
  }

  void find_chain() {
    for (const sim::BlockedThread& b : trace_.finding->blocked) {
      std::vector<std::size_t> path = walk(threads_.at(b.thread));
      if (path.size() > graph_.chain.size()) graph_.chain = std::move(path);
    }
  }

  const Trace& trace_;
  ThreadFacts facts_;
  std::map<sim::ThreadId, std::vector<std::pair<sim::ObjectId, std::int64_t>>> held_;
  std::map<sim::ThreadId, sim::ObjectId> tasks_;
  Graph graph_;
  std::map<sim::ThreadId, std::size_t> threads_;
  std::map<std::pair<bool, sim::ObjectId>, std::size_t> resources_;
};

std::string arrows(const Graph& graph, const std::vector<std::size_t>& path, bool closed) {
  std::string text;
  for (std::size_t node : path) text += graph.nodes[node].name + " -> ";
  if (closed) return text + graph.nodes[path.front()].name;
  text.resize(text.size() - 4);
  return text;
}

// "worker-0 (running wait_on_b) waits for future b (wait_on_a), which runs on worker-1",
// "philosopher-0 holds fork-0 and waits for fork-1, held by philosopher-1".
std::string thread_sentence(const Graph::Node& node, const sim::BlockedThread& b, const Graph& graph,
                            std::size_t resource) {
  std::string text = node.name;
  if (!node.task.empty()) text += " (running " + node.task + ")";
  if (!node.holds.empty()) text += " holds " + node.holds + " and";
  return text + " waits for " + (b.waits_for.empty() ? graph.nodes[resource].name : b.waits_for) + "\n";
}

const sim::BlockedThread& blocked_entry(const Trace& trace, sim::ThreadId id) {
  return *std::find_if(trace.finding->blocked.begin(), trace.finding->blocked.end(),
                       [id](const sim::BlockedThread& b) { return b.thread == id; });
}

std::size_t resource_of(const Graph& graph, std::size_t thread) {
  for (const Graph::Edge& e : graph.edges) {
    if (e.from == thread && e.kind == Graph::EdgeKind::kWaitsFor) return e.to;
  }
  return thread;  // unreachable for a blocked thread
}

// The sentences of the blocked threads among `path`, in its order, indented.
std::string sentences(const Trace& trace, const Graph& graph, const std::vector<std::size_t>& path) {
  std::string text;
  for (std::size_t n : path) {
    const Graph::Node& node = graph.nodes[n];
    if (!node.is_thread || !node.blocked) continue;
    text += "  " + thread_sentence(node, blocked_entry(trace, node.thread), graph, resource_of(graph, n));
  }
  return text;
}

std::string cycle_section(const Trace& trace, const Graph& graph) {
  return "Wait-for cycle: " + arrows(graph, graph.cycle, true) + ".\n" + sentences(trace, graph, graph.cycle);
}

std::string dot_quote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

WaitForGraph build_wait_for(const Trace& trace) {
  if (!trace.finding || trace.finding->blocked.empty()) return {};
  return Builder(trace).build();
}

std::string explain_wait_for(const Trace& trace) {
  const Graph graph = build_wait_for(trace);
  std::string text = "Deadlock: " + trace.finding->message + ".\n";
  const std::vector<std::size_t>& shown = graph.cycle.empty() ? graph.chain : graph.cycle;
  if (graph.cycle.empty()) {
    text += "Blocked chain: " + arrows(graph, graph.chain, false) + ".\n" + sentences(trace, graph, graph.chain);
  } else {
    text += cycle_section(trace, graph);
  }
  std::vector<std::size_t> others;
  for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
    if (std::find(shown.begin(), shown.end(), n) == shown.end()) others.push_back(n);
  }
  if (const std::string rest = sentences(trace, graph, others); !rest.empty()) {
    text += (graph.cycle.empty() ? "Also blocked:\n" : "Blocked behind the cycle:\n") + rest;
  }
  if (graph.cycle.size() == 2) return text + "The thread waits for itself, so it can never run again.\n";
  if (!graph.cycle.empty()) {
    return text + "Each thread in the cycle waits for the next one, so none of them can ever run again.\n";
  }
  return text + "No thread that could unblock them is still able to run.\n";
}

std::string explain_partial_deadlock(const Trace& trace) {
  const Graph graph = build_wait_for(trace);
  if (graph.cycle.empty()) return "";
  return "Meanwhile, a partial deadlock among threads that are blocked for good:\n" + cycle_section(trace, graph);
}

std::string wait_for_dot(const Trace& trace) {
  const Graph graph = build_wait_for(trace);
  const auto on_cycle = [&graph](std::size_t from, std::size_t to) {
    for (std::size_t i = 0; i < graph.cycle.size(); ++i) {
      if (graph.cycle[i] == from && graph.cycle[(i + 1) % graph.cycle.size()] == to) return true;
    }
    return false;
  };
  std::string dot = "digraph wait_for {\n  rankdir=LR;\n  labelloc=t;\n";
  if (trace.finding) {
    dot += "  label=" + dot_quote(std::string(sim::finding_kind_name(trace.finding->kind)) + ": " +
                                  trace.finding->message) + ";\n";
  }
  dot += "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
    const Graph::Node& node = graph.nodes[n];
    std::string label = node.name;
    if (!node.task.empty()) label += "\nrunning " + node.task;
    if (!node.holds.empty()) label += "\nholds " + node.holds;
    if (node.is_thread && !node.blocked) label += node.finished ? "\n(finished)" : "\n(still runs)";
    std::string attributes = node.is_thread ? "shape=box" : "shape=ellipse";
    if (std::find(graph.cycle.begin(), graph.cycle.end(), n) != graph.cycle.end()) {
      attributes += ", color=red, penwidth=2";
    }
    // Escaped first, then each line break becomes DOT's "\n" escape.
    std::string quoted = dot_quote(label);
    for (std::size_t at = quoted.find('\n'); at != std::string::npos; at = quoted.find('\n', at + 2)) {
      quoted.replace(at, 1, "\\n");
    }
    dot += "  n" + std::to_string(n) + " [" + attributes + ", label=" + quoted + "];\n";
  }
  for (const Graph::Edge& e : graph.edges) {
    std::string attributes = "label=" + dot_quote(e.label);
    if (e.kind == Graph::EdgeKind::kCouldRelease) attributes += ", style=dashed";
    if (on_cycle(e.from, e.to)) attributes += ", color=red, penwidth=2";
    dot += "  n" + std::to_string(e.from) + " -> n" + std::to_string(e.to) + " [" + attributes + "];\n";
  }
  return dot + "}\n";
}

}  // namespace checker

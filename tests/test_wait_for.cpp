// The wait-for relation of deadlocks and hangs (checker/wait_for.hpp): the graph's
// cycle or blocked chain, the exact terminal explanation for the seed models whose
// bug is a deadlock (locks, futures, a task that never starts, an empty queue, a lock
// acquired twice), partial deadlocks at the step bound, and the Graphviz output, which
// `dot -Tsvg` must render.
#include "cli_run.hpp"
#include "support.hpp"

#include "checker/schedule.hpp"
#include "checker/wait_for.hpp"
#include "sim/queue.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

checker::Trace first_deadlock(const sim::ModelInstance& model, const checker::ExploreOptions& options) {
  const checker::ExploreResult result = checker::explore(model, options);
  REQUIRE(result.bugs.size() == 1);
  REQUIRE(result.bugs[0].trace.finding->kind == sim::FindingKind::kDeadlock);
  return result.bugs[0].trace;
}

checker::Trace philosophers_deadlock() { return first_deadlock(test::philosophers(3), test::dfs_first_bug()); }

// The names along a path of the graph, joined by " -> ".
std::string path_names(const checker::WaitForGraph& graph, const std::vector<std::size_t>& path) {
  std::string text;
  for (std::size_t n : path) text += (text.empty() ? "" : " -> ") + graph.nodes[n].name;
  return text;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("wait-for") {

TEST_CASE("philosophers: the cycle alternates philosophers and the forks they wait for") {
  const checker::Trace trace = philosophers_deadlock();
  const checker::WaitForGraph graph = checker::build_wait_for(trace);
  CHECK(path_names(graph, graph.cycle) ==
        "philosopher-0 -> fork-1 -> philosopher-1 -> fork-2 -> philosopher-2 -> fork-0");
  CHECK(graph.chain.empty());
  // Four blocked threads (main joins philosopher-0) and four resources waited on.
  std::size_t threads = 0;
  for (const auto& node : graph.nodes) threads += node.is_thread;
  CHECK(threads == 4);
  CHECK(graph.nodes.size() == 8);
  // One wait per blocked thread, one "held by"/"finishes with" per resource: no
  // could-release edges, every lock has an owner.
  CHECK(graph.edges.size() == 8);
  for (const auto& edge : graph.edges) CHECK(edge.kind != checker::WaitForGraph::EdgeKind::kCouldRelease);
}

TEST_CASE("philosophers: the explanation, exactly") {
  CHECK(checker::explain_wait_for(philosophers_deadlock()) ==
        "Deadlock: no thread can run, and 4 threads have not finished.\n"
        "Wait-for cycle: philosopher-0 -> fork-1 -> philosopher-1 -> fork-2 -> philosopher-2 -> fork-0 -> "
        "philosopher-0.\n"
        "  philosopher-0 holds fork-0 and waits for fork-1, held by philosopher-1\n"
        "  philosopher-1 holds fork-1 and waits for fork-2, held by philosopher-2\n"
        "  philosopher-2 holds fork-2 and waits for fork-0, held by philosopher-0\n"
        "Blocked behind the cycle:\n"
        "  main waits for philosopher-0 to finish\n"
        "Each thread in the cycle waits for the next one, so none of them can ever run again.\n");
}

TEST_CASE("executor deadlock: through futures, naming the task each worker runs") {
  const checker::Trace trace = first_deadlock(test::model("executor-deadlock"), test::dfs_first_bug());
  CHECK(checker::explain_wait_for(trace) ==
        "Deadlock: no thread can run, and 3 threads have not finished.\n"
        "Wait-for cycle: worker-0 -> future b -> worker-1 -> future a -> worker-0.\n"
        "  worker-0 (running wait_on_b) waits for future b (wait_on_a), which runs on worker-1\n"
        "  worker-1 (running wait_on_a) waits for future a (wait_on_b), which runs on worker-0\n"
        "Blocked behind the cycle:\n"
        "  main waits for worker-0 to finish\n"
        "Each thread in the cycle waits for the next one, so none of them can ever run again.\n");
  const checker::WaitForGraph graph = checker::build_wait_for(trace);
  REQUIRE(graph.cycle.size() == 4);
  // future b -> worker-1 is labelled by what the worker does with it.
  bool runs_on = false;
  for (const auto& edge : graph.edges) {
    runs_on |= edge.from == graph.cycle[1] && edge.to == graph.cycle[2] && edge.label == "runs on";
  }
  CHECK(runs_on);
}

// The worker's own task is named only by the waits on its future; nobody waits on t
// here (main joins the worker at interpreter exit), so the future's name stands in.
TEST_CASE("nested submit on one worker: the task never starts, and the worker waits for itself") {
  const checker::Trace trace =
      first_deadlock(test::model("nested-submit", {{"workers", "1"}}), test::dfs_first_bug());
  CHECK(checker::explain_wait_for(trace) ==
        "Deadlock: no thread can run, and 2 threads have not finished.\n"
        "Wait-for cycle: worker-0 -> future f -> worker-0.\n"
        "  worker-0 (running t) waits for future f (pow), which has not started: it waits in the "
        "queue, and the only worker (worker-0) is the thread waiting for it\n"
        "Blocked behind the cycle:\n"
        "  main waits for worker-0 to finish\n"
        "The thread waits for itself, so it can never run again.\n");
  const checker::WaitForGraph graph = checker::build_wait_for(trace);
  REQUIRE(graph.cycle.size() == 2);
  bool can_only_start_on = false;
  for (const auto& edge : graph.edges) can_only_start_on |= edge.label == "can only start on";
  CHECK(can_only_start_on);
}

// The seed's hang with main's sleep at 0 (the shortest schedule DFS finds): the
// consumer saw the event unset and called get(); the producer then saw it set and left.
TEST_CASE("producer-consumer: a hang on an empty queue is a chain, not a cycle") {
  const checker::ParsedSchedule parsed = checker::parse_schedule(
      "producer-consumer-event:maxsize=10,sleep-ms=0,network-ms=10:0x3.1.2x2.0x2.1x3");
  const checker::ReplayResult run = checker::replay(models::instantiate(parsed.model, parsed.params),
                                                    parsed.run.choices, {.draws = parsed.run.draws});
  REQUIRE_FALSE(run.divergence.has_value());
  REQUIRE(run.trace.finding.has_value());
  REQUIRE(run.trace.finding->kind == sim::FindingKind::kDeadlock);
  const checker::WaitForGraph graph = checker::build_wait_for(run.trace);
  CHECK(graph.cycle.empty());
  CHECK(path_names(graph, graph.chain) == "main -> join worker-1 -> worker-1 -> pipeline");
  CHECK(checker::explain_wait_for(run.trace) ==
        "Deadlock: no thread can run, and 2 threads have not finished.\n"
        "Blocked chain: main -> join worker-1 -> worker-1 -> pipeline.\n"
        "  main waits for worker-1 to finish\n"
        "  worker-1 (running consumer) waits for pipeline.get(): pipeline is empty; no other thread "
        "ever put items on it\n"
        "No thread that could unblock them is still able to run.\n");
}

TEST_CASE("a queue nobody holds: the only live thread that could put on it continues the cycle") {
  const auto model = test::inline_model("queue-cycle", [] {
    sim::Queue<int> q(0, "q");
    sim::Lock l("l");
    l.acquire();
    sim::Thread producer([&] { q.put(1); l.acquire(); q.put(2); }, "producer");
    sim::Thread consumer([&] { q.get(); q.get(); }, "consumer");
    producer.start();
    consumer.start();
    consumer.join();
  });
  const checker::Trace trace = first_deadlock(model, test::dfs_first_bug());
  const checker::WaitForGraph graph = checker::build_wait_for(trace);
  CHECK(path_names(graph, graph.cycle) == "main -> join consumer -> consumer -> q -> producer -> l");
  bool could_put = false;
  for (const auto& edge : graph.edges) {
    could_put |= edge.kind == checker::WaitForGraph::EdgeKind::kCouldRelease && edge.label == "could put" &&
                 graph.nodes[edge.from].name == "q" && graph.nodes[edge.to].name == "producer";
  }
  CHECK(could_put);
  CHECK(checker::explain_wait_for(trace) ==
        "Deadlock: no thread can run, and 3 threads have not finished.\n"
        "Wait-for cycle: main -> join consumer -> consumer -> q -> producer -> l -> main.\n"
        "  main holds l and waits for consumer to finish\n"
        "  consumer waits for q.get(): q is empty; producer, which put items on it, has not finished\n"
        "  producer waits for l, held by main\n"
        "Each thread in the cycle waits for the next one, so none of them can ever run again.\n");
  CHECK(checker::wait_for_dot(trace).find("[label=\"could put\", style=dashed, color=red, penwidth=2];") !=
        std::string::npos);
}

TEST_CASE("double acquire: a self-deadlock through one lock") {
  const checker::Trace trace = first_deadlock(test::model("double-acquire"), test::dfs_first_bug());
  CHECK(checker::explain_wait_for(trace) ==
        "Deadlock: no thread can run, and 1 thread has not finished.\n"
        "Wait-for cycle: main -> l -> main.\n"
        "  main holds l and waits for l, which it already holds itself (Lock is not reentrant)\n"
        "The thread waits for itself, so it can never run again.\n");
}

TEST_CASE("a partial deadlock: two threads in a lock cycle while a third spins to the step bound") {
  const auto model = test::inline_model("partial-deadlock", [] {
    sim::Lock a("a");
    sim::Lock b("b");
    sim::Shared<std::int64_t> spins("spins", 0);
    sim::Thread t1([&] { a.acquire(); sim::yield(); b.acquire(); }, "t1");
    sim::Thread t2([&] { b.acquire(); sim::yield(); a.acquire(); }, "t2");
    sim::Thread spinner([&] { while (true) spins.store(spins.load() + 1); }, "spinner");
    t1.start();
    t2.start();
    spinner.start();
  });
  // t1 takes a, t2 takes b, each yields and then blocks on the other's lock; from then
  // on only the spinner can run (main waits to join it at the end of its scope).
  checker::ReplayOptions options;
  options.max_steps = 50;
  std::vector<sim::ThreadId> choices(options.max_steps, 3);
  std::copy_n(std::vector<sim::ThreadId>{1, 2, 1, 2}.begin(), 4, choices.begin());
  const checker::ReplayResult run = checker::replay(model, choices, options);
  CHECK(run.divergence.value_or("") == "");
  REQUIRE(run.trace.finding.has_value());
  CHECK(run.trace.finding->kind == sim::FindingKind::kStepBound);
  CHECK(checker::explain_partial_deadlock(run.trace) ==
        "Meanwhile, a partial deadlock among threads that are blocked for good:\n"
        "Wait-for cycle: t1 -> b -> t2 -> a -> t1.\n"
        "  t1 holds a and waits for b, held by t2\n"
        "  t2 holds b and waits for a, held by t1\n");
}

TEST_CASE("--dot: the Graphviz text of the philosophers' cycle, and dot -Tsvg renders it") {
  const checker::Trace trace = philosophers_deadlock();
  CHECK(checker::wait_for_dot(trace) ==
        "digraph wait_for {\n"
        "  rankdir=LR;\n"
        "  labelloc=t;\n"
        "  label=\"deadlock: no thread can run, and 4 threads have not finished\";\n"
        "  node [fontname=\"Helvetica\", fontsize=11];\n"
        "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        "  n0 [shape=box, label=\"main\"];\n"
        "  n1 [shape=ellipse, label=\"join philosopher-0\"];\n"
        "  n2 [shape=box, color=red, penwidth=2, label=\"philosopher-0\\nholds fork-0\"];\n"
        "  n3 [shape=ellipse, color=red, penwidth=2, label=\"fork-1\"];\n"
        "  n4 [shape=box, color=red, penwidth=2, label=\"philosopher-1\\nholds fork-1\"];\n"
        "  n5 [shape=ellipse, color=red, penwidth=2, label=\"fork-2\"];\n"
        "  n6 [shape=box, color=red, penwidth=2, label=\"philosopher-2\\nholds fork-2\"];\n"
        "  n7 [shape=ellipse, color=red, penwidth=2, label=\"fork-0\"];\n"
        "  n0 -> n1 [label=\"join\"];\n"
        "  n1 -> n2 [label=\"finishes with\"];\n"
        "  n2 -> n3 [label=\"acquire\", color=red, penwidth=2];\n"
        "  n3 -> n4 [label=\"held by\", color=red, penwidth=2];\n"
        "  n4 -> n5 [label=\"acquire\", color=red, penwidth=2];\n"
        "  n5 -> n6 [label=\"held by\", color=red, penwidth=2];\n"
        "  n6 -> n7 [label=\"acquire\", color=red, penwidth=2];\n"
        "  n7 -> n2 [label=\"held by\", color=red, penwidth=2];\n"
        "}\n");

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("interleave-wait-for-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Case {
    std::string name;
    sim::ModelInstance model;
    std::string a_thread;  // a thread the picture must show
  };
  for (const Case& c : {Case{"philosophers", test::philosophers(3), "philosopher-2"},
                        Case{"executor", test::model("executor-deadlock"), "worker-1"},
                        Case{"nested", test::model("nested-submit", {{"workers", "1"}}), "worker-0"}}) {
    const std::string& name = c.name;
    CAPTURE(name);
    const std::filesystem::path in = dir / (name + ".dot");
    const std::filesystem::path out = dir / (name + ".svg");
    std::ofstream(in) << checker::wait_for_dot(first_deadlock(c.model, test::dfs_first_bug()));
    // graphviz is a build dependency of the tests (scripts/setup.sh installs it).
    const std::string command = "dot -Tsvg '" + in.string() + "' -o '" + out.string() + "' 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    const std::string svg = read_text(out);
    CHECK(svg.find("<svg") != std::string::npos);
    // Graphviz writes each line of a label as its own <text>, with "-" as "&#45;".
    std::string escaped;
    for (char ch : c.a_thread) escaped += ch == '-' ? std::string("&#45;") : std::string(1, ch);
    CHECK(svg.find(">" + escaped + "</text>") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

#if defined(INTERLEAVE_CLI_PATH)
TEST_CASE("check --dot and replay --dot write a graph dot renders") {
  const std::filesystem::path from_check = test::cli_scratch() / "check.dot";
  const test::CliResult check = test::run_interleave("check executor-deadlock --strategy dfs --dot " +
                                                     test::shell_quote(from_check.string()));
  CHECK(check.code == 1);
  CHECK(check.out.find("  wait-for graph written to " + from_check.string() + "\n") != std::string::npos);
  const std::filesystem::path from_replay = test::cli_scratch() / "replay.dot";
  const test::CliResult replay = test::run_interleave(
      "replay --schedule executor-deadlock:workers=2:0x3.1.2x2.1 --dot " + test::shell_quote(from_replay.string()));
  CHECK(replay.code == 1);
  // The same deadlock, so the same graph, whichever command wrote it.
  CHECK(test::read_text_file(from_check) == test::read_text_file(from_replay));
  const std::string command = "dot -Tsvg " + test::shell_quote(from_replay.string()) + " -o /dev/null";
  CHECK(std::system(command.c_str()) == 0);
}
#endif

}  // TEST_SUITE

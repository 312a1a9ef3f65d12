// The queue seed models, each with its exact expected answer:
// - producer-consumer-event (seed 000) hangs: the consumer read the event before main
//   set it, the producer saw it set and stopped, and the consumer's get() waits on the
//   empty pipeline while main waits for the consumer's worker at the end of the
//   with-block;
// - queue-workers (seed 003) terminates with every item processed, exhaustively, in
//   exactly the number of executions a lattice-path count derives; its idle daemon
//   workers are cut off at exit as a note, not a finding;
// - sentinel-consumers (seed 004) terminates with every value consumed and every
//   consumer gone; a random() draw of 0.0 (never drawn by the searches) loses values;
// - print-lock-copy (seed 002) never mixes two messages in one output line, over every
//   schedule; without the lock it can.
// Every finding replays to the same finding and events.
#include "support.hpp"

#include "checker/report.hpp"
#include "checker/strategies/dfs.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Replays a found bug from its choices and draws; it must end the same way, event for
// event.
void require_replays(const sim::ModelInstance& model, const checker::Trace& trace, std::uint32_t max_steps,
                     bool ignore_time) {
  const checker::ReplayResult replayed =
      checker::replay(model, trace.choices, {.max_steps = max_steps, .ignore_time = ignore_time, .draws = trace.draws});
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_finding(replayed.trace.finding, trace.finding);
  test::require_same_events(replayed.trace.events, trace.events);
  CHECK(replayed.trace.output.size() == trace.output.size());
}

// Every execution of `model` by DFS, each record handed to `visit`; returns the count.
std::uint64_t for_each_execution(const sim::ModelInstance& model,
                                 const std::function<void(const sim::ExecutionRecord&)>& visit) {
  sim::Runtime runtime;
  checker::DfsStrategy dfs;
  std::uint64_t executions = 0;
  while (dfs.next_execution()) {
    visit(runtime.run(model.main, dfs, {}));
    ++executions;
  }
  return executions;
}

// The last event of `thread` of `kind` on the object named `object`.
const sim::Event* last_event(const checker::Trace& trace, sim::ThreadId thread, sim::OpKind kind,
                             const std::string& object) {
  const sim::Event* found = nullptr;
  for (const sim::Event& e : trace.events) {
    if (e.thread == thread && e.kind == kind && trace.object_names.at(e.object) == object) found = &e;
  }
  return found;
}

// Runs the lowest-numbered enabled thread, and every random() draw is the middle of its
// range (random() = 0.5).
class HalfDraws final : public sim::Scheduler {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) override {
    return enabled.front();
  }
  std::uint64_t draw(std::uint64_t bound, std::uint32_t) override { return bound / 2; }
};

std::size_t index_of(const checker::Trace& trace, const sim::Event* event) {
  return static_cast<std::size_t>(event - trace.events.data());
}

// The producer-consumer-event hang, however it was reached: main waits for worker-1
// (which runs the consumer) at the end of the with-block, and worker-1 waits in get()
// on the empty pipeline; worker-0 (the producer) has finished.
void require_consumer_hang(const checker::Trace& trace) {
  REQUIRE(trace.finding.has_value());
  const sim::Finding& f = *trace.finding;
  CHECK(f.kind == sim::FindingKind::kDeadlock);
  CHECK(f.message == "no thread can run, and 2 threads have not finished");
  const sim::ThreadId producer = test::thread_named(trace, "worker-0");
  const sim::ThreadId consumer = test::thread_named(trace, "worker-1");
  REQUIRE(f.blocked.size() == 2);
  const sim::BlockedThread* main = test::blocked_entry(trace, sim::kMainThread);
  REQUIRE(main != nullptr);
  CHECK(main->op == sim::OpKind::kJoin);
  CHECK(main->blocker == consumer);
  CHECK(main->waits_for == "worker-1 to finish");
  const sim::BlockedThread* get = test::blocked_entry(trace, consumer);
  REQUIRE(get != nullptr);
  CHECK(get->op == sim::OpKind::kGet);
  CHECK(trace.object_names.at(get->object) == "pipeline");
  CHECK(get->waits_for.starts_with("pipeline.get(): pipeline is empty; "));

  // worker-1 runs the consumer: the second task main submitted.
  std::vector<sim::ObjectId> submitted;
  for (const sim::Event& e : trace.events) {
    if (e.thread == sim::kMainThread && e.kind == sim::OpKind::kSubmit) submitted.push_back(e.object);
  }
  REQUIRE(submitted.size() == 2);
  std::vector<sim::ObjectId> consumer_tasks;
  for (const sim::Event& e : trace.events) {
    if (e.thread == consumer && e.kind == sim::OpKind::kTaskStart) consumer_tasks.push_back(e.object);
  }
  CHECK(consumer_tasks == std::vector<sim::ObjectId>{submitted[1]});

  // The race: the consumer's last look at the event saw it clear, before main set it;
  // the producer's last look saw it set, and it stopped.
  const sim::Event* set = last_event(trace, sim::kMainThread, sim::OpKind::kSet, "event");
  const sim::Event* consumer_look = last_event(trace, consumer, sim::OpKind::kRead, "event");
  const sim::Event* producer_look = last_event(trace, producer, sim::OpKind::kRead, "event");
  REQUIRE(set != nullptr);
  REQUIRE(consumer_look != nullptr);
  REQUIRE(producer_look != nullptr);
  CHECK(consumer_look->value == 0);
  CHECK(index_of(trace, consumer_look) < index_of(trace, set));
  CHECK(producer_look->value == 1);
  CHECK(index_of(trace, producer_look) > index_of(trace, set));

  const std::string explanation = checker::explain_finding(trace);
  CHECK(explanation.find("main waits for worker-1 to finish") != std::string::npos);
  // The consumer's worker is named after the task it runs.
  CHECK(explanation.find("\n  worker-1 (running consumer) waits for pipeline.get(): pipeline is empty") !=
        std::string::npos);
}

// Lattice paths: the number of interleavings of main's puts and its one write
// (`main_steps` = items + 1) with one worker's 6 steps per item (get, 4 writes,
// task_done), where the worker's get of item k comes after main's put of item k.
// Main's join and last print come after the last task_done, so add no choice.
std::uint64_t one_worker_schedules(int items) {
  const int main_steps = items + 1;
  const int worker_steps = 6 * items;
  std::vector<std::vector<std::uint64_t>> paths(main_steps + 1, std::vector<std::uint64_t>(worker_steps + 1, 0));
  paths[0][0] = 1;
  for (int i = 0; i <= main_steps; ++i) {
    for (int j = 0; j <= worker_steps; ++j) {
      if (i == 0 && j == 0) continue;
      std::uint64_t n = 0;
      if (i > 0) n += paths[i - 1][j];
      // worker step j-1 may follow i main steps; a get (every 6th step) needs its put.
      if (j > 0 && ((j - 1) % 6 != 0 || i >= (j - 1) / 6 + 1)) n += paths[i][j - 1];
      paths[i][j] = n;
    }
  }
  return paths[main_steps][worker_steps];
}

}  // namespace

TEST_SUITE("models: queue") {

TEST_CASE("producer-consumer-event: DFS finds the consumer hung in get()") {
  const sim::ModelInstance model = test::model("producer-consumer-event");
  CHECK(model.params == Params{{"maxsize", "10"}, {"sleep-ms", "100"}, {"network-ms", "10"}});
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  CHECK_FALSE(result.exhaustive);
  const checker::Trace& trace = result.bugs[0].trace;
  require_consumer_hang(trace);
  // The producer, which put its messages on the pipeline, has finished.
  CHECK(test::blocked_entry(trace, test::thread_named(trace, "worker-1"))->waits_for ==
        "pipeline.get(): pipeline is empty; worker-0, which put items on it, has finished");
  // On the virtual clock the hang comes when main's sleep ends: at 0.1 s, the producer
  // having got one message every 10 ms.
  CHECK(trace.duration == 100'000'000);
  require_replays(model, trace, test::dfs_first_bug().max_steps, false);
}

TEST_CASE("producer-consumer-event: with time ignored, the hang can come before any message") {
  // (Random search: DFS backtracks from the end of the first, clean, execution and
  // would need millions of executions to get back to main's preemption at the start.)
  const sim::ModelInstance model = test::model("producer-consumer-event", {{"network-ms", "0"}});
  checker::ExploreOptions options = test::random_first_bug(1, 500);
  options.ignore_time = true;
  const checker::ExploreResult result = checker::explore(model, options);
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  require_consumer_hang(trace);
  CHECK(trace.duration == 0);
  require_replays(model, trace, options.max_steps, true);
}

TEST_CASE("producer-consumer-event: the seed's producer without network time never lets main's sleep end") {
  // --network-ms 0 on the virtual clock: producer and consumer can always run, so
  // the clock never reaches 0.1 s and every execution goes over the step bound.
  const sim::ModelInstance model = test::model("producer-consumer-event", {{"network-ms", "0"}});
  checker::ExploreOptions options = test::dfs_first_bug();
  options.max_steps = 500;
  const checker::ExploreResult result = checker::explore(model, options);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.executions == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  REQUIRE(trace.finding.has_value());
  CHECK(trace.finding->kind == sim::FindingKind::kStepBound);
  CHECK(trace.duration == 0);
  require_replays(model, trace, options.max_steps, false);
}

TEST_CASE("queue-workers: every item processed, exhaustively, in the derived number of schedules") {
  CHECK(one_worker_schedules(1) == 7);
  for (int items = 1; items <= 3; ++items) {
    CAPTURE(items);
    const checker::ExploreResult result = checker::explore(
        test::model("queue-workers", {{"workers", "1"}, {"items", std::to_string(items)}}), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{items});
    CHECK(result.executions == one_worker_schedules(items));
  }
  // One item and w workers: whichever worker gets it, main's one write falls in any
  // of 7 places among that worker's 6 steps; the other workers never leave get().
  for (int workers = 2; workers <= 3; ++workers) {
    CAPTURE(workers);
    const checker::ExploreResult result = checker::explore(
        test::model("queue-workers", {{"workers", std::to_string(workers)}, {"items", "1"}}), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{1});
    CHECK(result.executions == 7u * static_cast<unsigned>(workers));
  }
}

TEST_CASE("queue-workers at its defaults (2 workers, 2 items): every item processed, exhaustive under DPOR") {
  const sim::ModelInstance model = test::model("queue-workers");
  CHECK(model.params == Params{{"workers", "2"}, {"items", "2"}});
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.stop_at_first_bug = false;
  const checker::ExploreResult result = checker::explore(model, options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

TEST_CASE("queue-workers: the idle daemon workers are cut off at exit as a note, not a finding") {
  const checker::ExploreResult result =
      checker::explore(test::model("queue-workers", {{"workers", "2"}, {"items", "1"}}), test::dfs_all());
  REQUIRE(result.cut_off_example.has_value());
  const checker::Trace& trace = *result.cut_off_example;
  CHECK_FALSE(trace.finding.has_value());
  REQUIRE(trace.cut_off_daemons.size() == 2);
  for (const sim::CutOffDaemon& d : trace.cut_off_daemons) {
    CAPTURE(trace.thread_names.at(d.thread));
    CHECK_FALSE(d.mid_work);
    CHECK(d.doing == "blocked waiting for q.get(): q is empty; main, which put items on it, has not finished");
  }
  CHECK(trace.thread_names.at(trace.cut_off_daemons[0].thread) == "Thread-1 (worker)");
  CHECK(trace.thread_names.at(trace.cut_off_daemons[1].thread) == "Thread-2 (worker)");
}

TEST_CASE("sentinel-consumers: terminates with every value consumed and every consumer gone") {
  // Exhaustive with one consumer (two producer threads, two values).
  const checker::ExploreResult small = checker::explore(
      test::model("sentinel-consumers", {{"consumers", "1"}, {"producers", "2"}, {"items", "2"}}), test::dfs_all());
  CHECK(small.exhaustive);
  CHECK(small.bugs.empty());
  CHECK(test::string_outcomes(small) == std::set<std::string>{"2 values consumed, 1 consumers exited"});

  // Two consumers passing the sentinel on, one value: exhaustive too (118,272
  // schedules; DPOR finds no fewer, since queue and executor steps count as dependent
  // with every step).
  const checker::ExploreResult two = checker::explore(
      test::model("sentinel-consumers", {{"consumers", "2"}, {"producers", "1"}, {"items", "1"}}), test::dfs_all());
  CHECK(two.exhaustive);
  CHECK(two.bugs.empty());
  CHECK(test::string_outcomes(two) == std::set<std::string>{"1 values consumed, 2 consumers exited"});

  // Larger sizes are beyond an exhaustive search in a unit test: a random sample.
  for (const int consumers : {2, 3}) {
    CAPTURE(consumers);
    const checker::ExploreResult result = checker::explore(
        test::model("sentinel-consumers", {{"consumers", std::to_string(consumers)}, {"producers", "2"}, {"items", "2"}}),
        test::random_first_bug(7, 300));
    CHECK(result.executions == 300);
    CHECK(result.bugs.empty());
    CHECK(test::string_outcomes(result) ==
          std::set<std::string>{"2 values consumed, " + std::to_string(consumers) + " consumers exited"});
  }

  // One execution where random() is 0.5 (a value of 5.0), read line by line: the
  // consumer manager's line comes after its pool.join(), so after both consumers
  // returned, one of them having taken the sentinel at 5 s, the other at 10 s.
  sim::Runtime runtime;
  HalfDraws scheduler;
  const sim::ExecutionRecord& record = runtime.run(
      test::model("sentinel-consumers", {{"consumers", "2"}, {"producers", "1"}, {"items", "1"}}).main, scheduler, {});
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("1 values consumed, 2 consumers exited")});
  std::vector<std::pair<sim::Nanos, std::string>> lines;
  for (const sim::OutputLine& line : record.output) lines.emplace_back(line.time, line.text);
  constexpr sim::Nanos s5 = 5'000'000'000, s10 = 10'000'000'000;
  CHECK(lines == std::vector<std::pair<sim::Nanos, std::string>>{{s5, ">producer_manager done."},
                                                                  {s10, "Consumer got: 5.0"},
                                                                  {s10, ">consumer_manager done."},
                                                                  {s10, ">main done."}});
}

TEST_CASE("sentinel-consumers: a random() of 0.0 is taken for the sentinel and values are lost") {
  // test::run_once draws 0 for the first draw: the only producer's random() is 0.0.
  const sim::ModelInstance model =
      test::model("sentinel-consumers", {{"consumers", "2"}, {"producers", "1"}, {"items", "1"}});
  const sim::ExecutionRecord record = test::run_once(model.main);
  REQUIRE(record.draws == std::vector<std::uint64_t>{0});
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kAssertion);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message ==
        "only 0 of the 1 values produced were consumed: 2 consumer(s) took the value 0.0 for the None "
        "sentinel (`if not value:` is true for 0.0 too)");
  std::vector<std::string> lines;
  for (const sim::OutputLine& line : record.output) lines.push_back(line.text);
  CHECK(lines == std::vector<std::string>{">consumer_manager done.", ">producer_manager done.", ">main done."});
  require_replays(model, checker::to_trace(record), sim::RunOptions{}.max_steps, false);
}

TEST_CASE("print-lock-copy: no finding, and no output line ever mixes two messages") {
  const sim::ModelInstance model = test::model("print-lock-copy");
  CHECK(model.params == Params{{"workers", "2"}, {"files", "2"}, {"no-lock", "false"}});
  const std::set<std::string> messages = {
      "Starting thread : Thread-1 (process_queue)", "Finished thread : Thread-1 (process_queue)",
      "Starting thread : Thread-2 (process_queue)", "Finished thread : Thread-2 (process_queue)",
      "Execution time = 0.00000"};
  std::uint64_t mixed = 0;
  std::uint64_t with_finding = 0;
  std::uint64_t cut_off_mid_work = 0;
  const std::uint64_t executions = for_each_execution(model, [&](const sim::ExecutionRecord& record) {
    with_finding += record.finding.has_value();
    for (const sim::CutOffDaemon& d : record.cut_off_daemons) cut_off_mid_work += d.mid_work;
    // 2 files: a Starting and a Finished line each, then main's line.
    bool whole = record.output.size() == 5 && record.output.back().text == "Execution time = 0.00000";
    for (const sim::OutputLine& line : record.output) whole = whole && messages.contains(line.text);
    mixed += !whole;
  });
  CHECK(with_finding == 0);
  CHECK(cut_off_mid_work == 0);
  CHECK(mixed == 0);
  // The same schedules the checker counts, exhaustively and without a bug.
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(result.executions == executions);
}

TEST_CASE("print-lock-copy --no-lock: two prints can mix into one line") {
  const sim::ModelInstance model = test::model("print-lock-copy", {{"no-lock", "true"}});
  std::set<std::string> lines;
  std::uint64_t with_finding = 0;
  for_each_execution(model, [&](const sim::ExecutionRecord& record) {
    with_finding += record.finding.has_value();
    for (const sim::OutputLine& line : record.output) lines.insert(line.text);
  });
  CHECK(with_finding == 0);  // mixed output is not a bug the checker reports by itself
  // Thread-1 writes its text, Thread-2 writes its text, then both line ends.
  CHECK(lines.contains("Starting thread : Thread-1 (process_queue)Starting thread : Thread-2 (process_queue)"));
  CHECK(lines.contains(""));
  CHECK(lines.contains("Finished thread : Thread-1 (process_queue)Starting thread : Thread-2 (process_queue)"));
}

}  // TEST_SUITE

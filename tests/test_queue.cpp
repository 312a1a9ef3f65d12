// queue.Queue and queue.SimpleQueue against CPython 3.11's semantics: FIFO order,
// qsize/empty/full, maxsize (0 and negative unbounded), Full and Empty from the
// non-blocking and timed forms at exact virtual times, the ValueError of a negative
// timeout exactly where CPython raises it, task_done/join and the misuse of too many
// task_done calls, the values recorded with each step, and for every blocking operation
// (get on empty, put on full, join with unfinished tasks) the hang the checker finds,
// explained by naming the queue and who could have unblocked it.
#include "support.hpp"

#include "checker/report.hpp"
#include "checker/strategies/dfs.hpp"
#include "sim/queue.hpp"
#include "sim/simple_queue.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr sim::Nanos kSecond = 1'000'000'000;

std::vector<const sim::Event*> events_of(const sim::ExecutionRecord& record, sim::OpKind kind) {
  std::vector<const sim::Event*> found;
  for (const sim::Event& e : record.events) {
    if (e.kind == kind) found.push_back(&e);
  }
  return found;
}

// The one blocked thread of a deadlock finding that is `thread`.
const sim::BlockedThread& blocked(const sim::ExecutionRecord& record, sim::ThreadId thread) {
  REQUIRE(record.finding.has_value());
  for (const sim::BlockedThread& b : record.finding->blocked) {
    if (b.thread == thread) return b;
  }
  FAIL("thread " << thread << " is not blocked");
  return record.finding->blocked.front();
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const sim::Full& e) {
    return std::string("Full|") + e.what();
  } catch (const sim::Empty& e) {
    return std::string("Empty|") + e.what();
  } catch (const std::invalid_argument& e) {
    return std::string("ValueError|") + e.what();
  }
  return "none";
}

checker::ExploreResult explore_all(const std::function<void()>& main, bool ignore_time = false) {
  checker::ExploreOptions options = test::dfs_all();
  options.ignore_time = ignore_time;
  return checker::explore(test::inline_model("queue", main), options);
}

// Every execution of `main` by DFS, each record handed to `visit`; returns the count.
std::uint64_t for_each_execution(const std::function<void()>& main,
                                 const std::function<void(const sim::ExecutionRecord&)>& visit) {
  sim::Runtime runtime;
  checker::DfsStrategy dfs;
  std::uint64_t executions = 0;
  while (dfs.next_execution()) {
    visit(runtime.run(main, dfs, {}));
    ++executions;
  }
  return executions;
}

// Two threads that each do `if <look>: <act>` on the queue, a check-then-act race. Each
// has two steps, and main only joins them, so there are 6 schedules; the 4 where both
// look before either acts end with one of them blocked in its act forever.
void require_check_then_act_hang(const std::function<void(sim::Queue<int>&)>& setup,
                                 const std::function<void(sim::Queue<int>&)>& check_then_act,
                                 sim::OpKind act, const std::string& waits_for) {
  const auto main = [&] {
    sim::Queue<int> q(1, "q");
    setup(q);
    sim::Thread a([&] { check_then_act(q); }, "a");
    sim::Thread b([&] { check_then_act(q); }, "b");
    a.start();
    b.start();
    a.join();
    b.join();
  };
  const checker::ExploreResult result = checker::explore(test::inline_model("race", main), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 6);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == 4);
  const checker::Trace& trace = result.bugs[0].trace;
  REQUIRE(trace.finding.has_value());
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  // Main waits to join the thread whose act blocked; the other one has finished.
  REQUIRE(trace.finding->blocked.size() == 2);
  const sim::BlockedThread* main_entry = test::blocked_entry(trace, sim::kMainThread);
  REQUIRE(main_entry != nullptr);
  CHECK(main_entry->op == sim::OpKind::kJoin);
  const sim::ThreadId stuck = main_entry->blocker;
  REQUIRE((stuck == test::thread_named(trace, "a") || stuck == test::thread_named(trace, "b")));
  const sim::BlockedThread* actor = test::blocked_entry(trace, stuck);
  REQUIRE(actor != nullptr);
  CHECK(actor->op == act);
  CHECK(trace.object_names.at(actor->object) == "q");
  CHECK(actor->blocker == sim::kNoThread);
  CHECK(actor->waits_for == waits_for);
  CHECK(checker::explain_finding(trace).find(trace.thread_names.at(stuck) + " waits for " + waits_for) !=
        std::string::npos);
  // Replayed, the schedule ends the same way.
  const checker::ReplayResult replayed = checker::replay(test::inline_model("race", main), trace.choices);
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_finding(replayed.trace.finding, trace.finding);
  test::require_same_events(replayed.trace.events, trace.events);
}

}  // namespace

TEST_SUITE("queue") {

TEST_CASE("FIFO order, qsize, empty and full; every call is one step with its value") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(3, "q");
    std::string r;
    r += q.empty() ? "E" : "e";
    q.put(10);
    q.put(20);
    r += q.full() ? "F" : "f";
    q.put_nowait(30);
    r += q.full() ? "F" : "f";
    r += std::to_string(q.qsize());
    r += "," + std::to_string(q.get());
    r += "," + std::to_string(q.get_nowait());
    r += "," + std::to_string(q.get());
    r += q.empty() ? "E" : "e";
    CHECK(q.maxsize() == 3);
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("EfF3,10,20,30E")});
  CHECK(record.object_names == std::vector<std::string>{"q"});
  std::vector<std::int64_t> puts, gets, reads;
  for (const sim::Event* e : events_of(record, sim::OpKind::kPut)) puts.push_back(e->value);
  for (const sim::Event* e : events_of(record, sim::OpKind::kGet)) gets.push_back(e->value);
  for (const sim::Event* e : events_of(record, sim::OpKind::kRead)) reads.push_back(e->value);
  CHECK(puts == std::vector<std::int64_t>{10, 20, 30});
  CHECK(gets == std::vector<std::int64_t>{10, 20, 30});
  CHECK(reads == std::vector<std::int64_t>{1, 0, 1, 3, 1});  // empty, full, full, qsize, empty
  // One scheduling point per call: 3 puts + 3 gets + 5 reads, nothing else.
  CHECK(record.choices.size() == 11);
}

TEST_CASE("maxsize 0 or negative is unbounded: full() is never true and put never raises") {
  for (const std::int64_t maxsize : {0, -1, -5}) {
    CAPTURE(maxsize);
    const sim::ExecutionRecord record = test::run_once([maxsize] {
      sim::Queue<int> q(maxsize, "q");
      for (int i = 0; i < 100; ++i) q.put(i, false);  // put_nowait never raises Full
      sim::outcome(std::to_string(q.qsize()) + (q.full() ? "F" : "f"));
    });
    CHECK_FALSE(record.finding.has_value());
    CHECK(record.outcome == sim::Outcome{std::string("100f")});
  }
}

TEST_CASE("put_nowait on a full queue raises Full; get_nowait on an empty one raises Empty") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(1, "q");
    CHECK(error_of([&] { q.get_nowait(); }) == "Empty|queue.Empty: q.get() on an empty queue");
    CHECK(error_of([&] { q.get(false); }) == "Empty|queue.Empty: q.get() on an empty queue");
    q.put(1);
    CHECK(error_of([&] { q.put_nowait(2); }) == "Full|queue.Full: q.put() on a full queue (maxsize 1)");
    CHECK(error_of([&] { q.put(2, false); }) == "Full|queue.Full: q.put() on a full queue (maxsize 1)");
    // A failed put adds no item and no unfinished task.
    sim::outcome(q.qsize());
    q.get();
    q.task_done();
    q.join();  // returns at once: the one item put was marked done
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  CHECK(record.duration == 0);
  // The failed attempts are steps too (they took the queue's mutex), without a value.
  const auto gets = events_of(record, sim::OpKind::kGet);
  REQUIRE(gets.size() == 3);
  CHECK_FALSE(gets[0]->has_value);
  CHECK_FALSE(gets[1]->has_value);
  CHECK(gets[2]->has_value);
}

TEST_CASE("an uncaught Empty is an uncaught-exception finding naming the queue") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "jobs");
    q.get_nowait();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message == "queue.Empty: jobs.get() on an empty queue");
}

TEST_CASE("timed get and put raise at the exact virtual time of their timeout") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(1, "q");
    CHECK(error_of([&] { q.get(true, 0.5); }) ==
          "Empty|queue.Empty: q.get() on an empty queue, still empty after the timeout of 0.5 s");
    q.put(7);
    CHECK(error_of([&] { q.put(8, true, 0.25); }) ==
          "Full|queue.Full: q.put() on a full queue (maxsize 1), still full after the timeout of 0.25 s");
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.duration == kSecond * 3 / 4);
  const auto gets = events_of(record, sim::OpKind::kGet);
  const auto puts = events_of(record, sim::OpKind::kPut);
  REQUIRE(gets.size() == 1);
  REQUIRE(puts.size() == 2);
  CHECK(gets[0]->time == kSecond / 2);
  CHECK(puts[0]->time == kSecond / 2);
  CHECK(puts[1]->time == kSecond * 3 / 4);
}

TEST_CASE("timeout 0 only looks: Empty at once when empty, the item when there is one") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(1, "q");
    CHECK(error_of([&] { q.get(true, 0.0); }).starts_with("Empty|"));
    q.put(3, true, 0.0);
    CHECK(error_of([&] { q.put(4, true, 0.0); }).starts_with("Full|"));
    sim::outcome(q.get(true, 0.0));
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{3}});
  CHECK(record.duration == 0);
}

TEST_CASE("a timed get returns the item as soon as another thread puts it") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    sim::Thread producer([&] {
      sim::sleep(0.3);
      q.put(42);
    }, "producer");
    producer.start();
    sim::outcome(q.get(true, 1.0));
    producer.join();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{42}});
  CHECK(record.duration == kSecond * 3 / 10);
  const auto gets = events_of(record, sim::OpKind::kGet);
  REQUIRE(gets.size() == 1);
  CHECK(gets[0]->time == kSecond * 3 / 10);
  CHECK(gets[0]->thread == sim::kMainThread);
}

TEST_CASE("a blocking put on a full queue waits until a get makes room") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(1, "q");
    sim::Thread consumer([&] {
      sim::sleep(2);
      sim::outcome(q.get());
    }, "consumer");
    consumer.start();
    q.put(1);
    q.put(2);  // waits for the consumer's get at t = 2
    consumer.join();
    CHECK(q.qsize() == 1);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{1}});
  const auto puts = events_of(record, sim::OpKind::kPut);
  REQUIRE(puts.size() == 2);
  CHECK(puts[0]->time == 0);
  CHECK(puts[1]->time == 2 * kSecond);
  CHECK(puts[1]->value == 2);
}

TEST_CASE("a negative timeout raises ValueError exactly where CPython does") {
  const sim::ExecutionRecord record = test::run_once([] {
    const std::string value_error =
        "ValueError|'timeout' must be a non-negative number (leave the timeout out for Python's None)";
    sim::Queue<int> bounded(2, "b");
    sim::Queue<int> unbounded(0, "u");
    // get(block=True, timeout<0) raises whether or not an item is there.
    CHECK(error_of([&] { bounded.get(true, -1.0); }) == value_error);
    // put on a bounded queue with block=True raises even with room...
    CHECK(error_of([&] { bounded.put(1, true, -1.0); }) == value_error);
    // ...but an unbounded put never looks at the timeout,
    CHECK(error_of([&] { unbounded.put(1, true, -1.0); }) == "none");
    // and block=False ignores the timeout altogether.
    CHECK(error_of([&] { bounded.put(2, false, -1.0); }) == "none");
    CHECK(error_of([&] { bounded.get(true, -0.5); }) == value_error);
    const int from_bounded = bounded.get(false, -1.0);
    sim::outcome(from_bounded * 10 + unbounded.get(false, -1.0));
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{21}});
}

TEST_CASE("items of any type: strings and None sentinels record no value") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<std::string> words(0, "words");
    sim::Queue<std::optional<int>> maybe(0, "maybe");
    words.put("hello");
    maybe.put(5);
    maybe.put(std::nullopt);  // queue.put(None)
    const std::optional<int> five = maybe.get();
    const std::optional<int> none = maybe.get();
    sim::outcome(words.get() + (five == 5 ? " 5" : " ?") + (none ? " ?" : " None"));
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("hello 5 None")});
  std::string shape;
  for (const sim::Event* e : events_of(record, sim::OpKind::kPut)) shape += e->has_value ? std::to_string(e->value) : "-";
  for (const sim::Event* e : events_of(record, sim::OpKind::kGet)) shape += e->has_value ? std::to_string(e->value) : "-";
  CHECK(shape == "-5-5--");
}

TEST_CASE("task_done and join: join returns once every put item is marked done") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    q.join();  // nothing put: returns at once
    sim::Thread worker([&] {
      for (int i = 0; i < 2; ++i) {
        q.get();
        sim::sleep(1);
        q.task_done();
      }
    }, "worker");
    worker.start();
    q.put(1);
    q.put(2);
    q.join();
    sim::outcome(static_cast<std::int64_t>(sim::Runtime::current().now()));
    worker.join();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::int64_t{2 * kSecond}});
  // task_done records the unfinished tasks left; join is a wait step on the queue.
  std::vector<std::int64_t> left;
  for (const sim::Event* e : events_of(record, sim::OpKind::kTaskDone)) left.push_back(e->value);
  CHECK(left == std::vector<std::int64_t>{1, 0});
  const auto waits = events_of(record, sim::OpKind::kWait);
  REQUIRE(waits.size() == 2);
  CHECK(waits[0]->time == 0);
  CHECK(waits[1]->time == 2 * kSecond);
  CHECK(waits[1]->thread == sim::kMainThread);
}

TEST_CASE("task_done called more times than items were put is a misuse finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    q.put(1);
    q.get();
    q.task_done();
    q.task_done();  // CPython: ValueError: task_done() called too many times
    sim::outcome("not reached");
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kMisuse);
  CHECK(record.finding->thread == sim::kMainThread);
  CHECK(record.finding->message ==
        "task_done() on q called more times than items were put on it (Python raises ValueError: "
        "task_done() called too many times)");
  CHECK_FALSE(record.outcome.has_value());
  // The misused step is in the trace, as the last event, with the value -1.
  REQUIRE_FALSE(record.events.empty());
  CHECK(record.events.back().kind == sim::OpKind::kTaskDone);
  CHECK(record.events.back().value == -1);
}

TEST_CASE("hang: get on an empty queue, nothing ever put") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    q.get();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  const sim::BlockedThread& b = blocked(record, sim::kMainThread);
  CHECK(b.op == sim::OpKind::kGet);
  CHECK(record.object_names.at(b.object) == "q");
  CHECK(b.blocker == sim::kNoThread);
  CHECK(b.waits_for == "q.get(): q is empty; no other thread ever put items on it");
}

TEST_CASE("hang: a consumer waits on a queue whose producer has finished") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> pipeline(0, "pipeline");
    sim::Thread producer([&] { pipeline.put(1); }, "producer");
    sim::Thread consumer([&] {
      pipeline.get();
      pipeline.get();  // one more than was put
    }, "consumer");
    producer.start();
    consumer.start();
    producer.join();
    consumer.join();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(record.finding->message == "no thread can run, and 2 threads have not finished");
  const sim::BlockedThread& c = blocked(record, 2);
  CHECK(record.thread_names.at(2) == "consumer");
  CHECK(c.op == sim::OpKind::kGet);
  CHECK(c.waits_for == "pipeline.get(): pipeline is empty; producer, which put items on it, has finished");
  const sim::BlockedThread& m = blocked(record, sim::kMainThread);
  CHECK(m.op == sim::OpKind::kJoin);
  CHECK(m.waits_for == "consumer to finish");
  const std::string explanation = checker::explain_finding(checker::to_trace(record));
  CHECK(explanation.find("consumer waits for pipeline.get(): pipeline is empty; producer, which put "
                         "items on it, has finished") != std::string::npos);
}

TEST_CASE("hang: several putters, some finished, some not") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    sim::Queue<int> gate(0, "gate");
    sim::Thread a([&] { q.put(1); }, "a");
    sim::Thread b([&] {
      q.put(2);
      gate.get();  // never comes
    }, "b");
    a.start();
    b.start();
    q.get();
    q.get();
    q.get();
  });
  REQUIRE(record.finding.has_value());
  CHECK(blocked(record, sim::kMainThread).waits_for ==
        "q.get(): q is empty; of the threads that put items on it, a has finished and b has not");
  CHECK(blocked(record, 2).waits_for == "gate.get(): gate is empty; no other thread ever put items on it");
}

TEST_CASE("hang: put on a full queue whose consumer has finished") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(2, "q");
    sim::Thread consumer([&] { q.get(); }, "consumer");
    consumer.start();
    q.put(1);
    consumer.join();
    q.put(2);
    q.put(3);
    q.put(4);  // full with 2 and 3, and nobody takes anything anymore
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  const sim::BlockedThread& b = blocked(record, sim::kMainThread);
  CHECK(b.op == sim::OpKind::kPut);
  CHECK(record.object_names.at(b.object) == "q");
  CHECK(b.waits_for == "q.put(): q is full (maxsize 2); consumer, which took items from it, has finished");
}

TEST_CASE("hang: join with tasks never marked done") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    sim::Thread worker([&] {
      q.get();  // forgets task_done()
    }, "worker");
    worker.start();
    q.put(1);
    q.put(2);
    worker.join();
    q.join();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(record.finding->message == "no thread can run, and 1 thread has not finished");
  const sim::BlockedThread& b = blocked(record, sim::kMainThread);
  CHECK(b.op == sim::OpKind::kWait);
  CHECK(record.object_names.at(b.object) == "q");
  CHECK(b.waits_for == "q.join(): 2 tasks not marked done (1 still in q); worker, which took items from it, has finished");
}

TEST_CASE("the checker finds the hang of get() on an empty queue: two consumers race for one item") {
  require_check_then_act_hang([](sim::Queue<int>& q) { q.put(1); },
                              [](sim::Queue<int>& q) {
                                if (!q.empty()) q.get();
                              },
                              sim::OpKind::kGet, "q.get(): q is empty; main, which put items on it, has not finished");
}

TEST_CASE("the checker finds the hang of put() on a full queue: two producers race for one slot") {
  require_check_then_act_hang([](sim::Queue<int>&) {},
                              [](sim::Queue<int>& q) {
                                if (!q.full()) q.put(1);
                              },
                              sim::OpKind::kPut, "q.put(): q is full (maxsize 1); no other thread ever took items from it");
}

TEST_CASE("the checker finds the hang of join(): a worker that leaves when it finds the queue empty") {
  // worker: while not q.empty(): q.get(); q.task_done()
  // main:   q.put(1); q.put(2); q.join()
  // The worker may look before main's first put, or between the two puts, and leave:
  // join() then waits for tasks nobody will mark done.
  std::set<std::string> hangs;
  std::set<std::int64_t> processed;
  std::uint64_t clean = 0;
  const std::uint64_t executions = for_each_execution(
      [] {
        sim::Queue<int> q(0, "q");
        std::int64_t done = 0;
        sim::Thread worker([&] {
          while (!q.empty()) {
            q.get();
            q.task_done();
            ++done;
          }
        }, "worker");
        worker.start();
        q.put(1);
        q.put(2);
        q.join();
        sim::outcome(done);
        worker.join();
      },
      [&](const sim::ExecutionRecord& record) {
        if (!record.finding) {
          ++clean;
          if (record.outcome) processed.insert(std::get<std::int64_t>(*record.outcome));
          return;
        }
        CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
        REQUIRE(record.finding->blocked.size() == 1);
        CHECK(record.finding->blocked[0].thread == sim::kMainThread);
        CHECK(record.finding->blocked[0].op == sim::OpKind::kWait);
        hangs.insert(record.finding->blocked[0].waits_for);
      });
  CHECK(hangs == std::set<std::string>{
                     "q.join(): 2 tasks not marked done (2 still in q); no other thread ever took items from it",
                     "q.join(): 1 task not marked done (1 still in q); worker, which took items from it, has finished"});
  CHECK(clean > 0);
  CHECK(clean < executions);
  CHECK(processed == std::set<std::int64_t>{2});
}

TEST_CASE("every schedule of a get-before-put race: the get waits, no schedule hangs") {
  const checker::ExploreResult result = explore_all([] {
    sim::Queue<int> q(0, "q");
    sim::Thread producer([&] {
      q.put(1);
      q.put(2);
    }, "producer");
    producer.start();
    const int first = q.get();
    const int second = q.get();
    producer.join();
    sim::outcome(first * 10 + second);
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{12});
}

TEST_CASE("two producers: both FIFO orders of their items are reachable") {
  const checker::ExploreResult result = explore_all([] {
    sim::Queue<int> q(0, "q");
    sim::Thread a([&] { q.put(1); }, "a");
    sim::Thread b([&] { q.put(2); }, "b");
    a.start();
    b.start();
    const int first = q.get();
    sim::outcome(first * 10 + q.get());
    a.join();
    b.join();
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{12, 21});
}

TEST_CASE("with time ignored, a timed get may time out before the put; on the clock it never does") {
  for (const bool ignore_time : {false, true}) {
    CAPTURE(ignore_time);
    const checker::ExploreResult result = explore_all([] {
      sim::Queue<int> q(0, "q");
      sim::Thread producer([&] { q.put(7); }, "producer");
      producer.start();
      std::int64_t got = -1;
      try {
        got = q.get(true, 1.0);
      } catch (const sim::Empty&) {
      }
      producer.join();
      sim::outcome(got);
    }, ignore_time);
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == (ignore_time ? std::set<std::int64_t>{-1, 7} : std::set<std::int64_t>{7}));
  }
}

TEST_CASE("a daemon worker blocked in get() at exit is a note, not a finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Queue<int> q(0, "q");
    sim::Thread worker([&] {
      while (true) {
        q.get();
        q.task_done();
      }
    }, "worker", true);
    worker.start();
    q.put(1);
    q.join();
  });
  CHECK_FALSE(record.finding.has_value());
  REQUIRE(record.cut_off_daemons.size() == 1);
  CHECK(record.cut_off_daemons[0].thread == 1);
  CHECK_FALSE(record.cut_off_daemons[0].mid_work);
  CHECK(record.cut_off_daemons[0].doing ==
        "blocked waiting for q.get(): q is empty; main, which put items on it, has not finished");
}

}  // TEST_SUITE

TEST_SUITE("queue: SimpleQueue") {

TEST_CASE("FIFO put/get, qsize and empty; put never blocks") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::SimpleQueue<int> q("sq");
    std::string r = q.empty() ? "E" : "e";
    for (int i = 1; i <= 3; ++i) q.put(i, false, 0.0);  // block and timeout are ignored
    q.put_nowait(4);
    r += std::to_string(q.qsize());
    for (int i = 0; i < 4; ++i) r += std::to_string(q.get());
    r += q.empty() ? "E" : "e";
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("E41234E")});
}

TEST_CASE("get_nowait raises Empty, a timed get raises it at its deadline, negative timeout is ValueError") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::SimpleQueue<std::string> q("sq");
    CHECK(error_of([&] { q.get_nowait(); }) == "Empty|queue.Empty: sq.get() on an empty queue");
    CHECK(error_of([&] { q.get(true, 1.5); }) ==
          "Empty|queue.Empty: sq.get() on an empty queue, still empty after the timeout of 1.5 s");
    CHECK(error_of([&] { q.get(true, -1.0); }).starts_with("ValueError|'timeout' must be a non-negative number"));
    q.put("x");
    sim::outcome(q.get(false, -1.0));  // block=False ignores the timeout
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("x")});
  CHECK(record.duration == kSecond * 3 / 2);
}

TEST_CASE("hang: get on an empty SimpleQueue") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::SimpleQueue<int> results("results");
    sim::Thread t([&] { results.put(1); }, "t");
    t.start();
    t.join();
    results.get();
    results.get();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(blocked(record, sim::kMainThread).waits_for ==
        "results.get(): results is empty; t, which put items on it, has finished");
}

}  // TEST_SUITE

// The data-race detector: for every synchronizing primitive, a model in which that
// primitive orders a store before a load in every schedule (no race in any execution),
// and the same model with the edge taken away (a race in some execution, naming the
// two accesses). Then the seed models: the locked counter and every correctly
// synchronized model report no race; the racy counter and fake-database do.
#include "checker/explore.hpp"
#include "checker/race_detector.hpp"
#include "checker/strategies/dfs.hpp"
#include "sim/asyncio/asyncio.hpp"
#include "sim/barrier.hpp"
#include "sim/condition.hpp"
#include "sim/event.hpp"
#include "sim/executor.hpp"
#include "sim/futures_wait.hpp"
#include "sim/queue.hpp"
#include "sim/rlock.hpp"
#include "sim/semaphore.hpp"
#include "sim/simple_queue.hpp"
#include "support.hpp"

#include <mutex>

namespace asyncio = sim::asyncio;

namespace {

struct RaceSurvey {
  std::uint64_t executions = 0;
  std::uint64_t racy = 0;                // executions with a race
  std::optional<checker::Trace> example; // the first racy execution, with its race as finding
};

// Every schedule of `model` (DFS, up to `limit` executions), each checked for races.
RaceSurvey survey(const sim::ModelInstance& model, std::uint64_t limit = 20'000) {
  RaceSurvey result;
  sim::Runtime runtime;
  checker::DfsStrategy dfs;
  checker::RaceDetector detector;
  while (result.executions < limit && dfs.next_execution()) {
    const sim::ExecutionRecord& record = runtime.run(model.main, dfs, {});
    dfs.execution_finished(record);
    ++result.executions;
    const auto race = detector.find(record);
    if (!race) continue;
    ++result.racy;
    if (result.example) continue;
    result.example = checker::to_trace(record);
    result.example->finding = checker::race_finding(*race, record.events, record.thread_names, record.object_names);
  }
  return result;
}

RaceSurvey survey(std::function<void()> main) { return survey(test::inline_model("race", std::move(main))); }

// The race of `survey`'s example, as the two events it names.
std::pair<sim::Event, sim::Event> raced_events(const RaceSurvey& s) {
  checker::RaceDetector detector;
  const auto race = detector.find(*s.example);
  REQUIRE(race.has_value());
  return {s.example->events[race->first], s.example->events[race->second]};
}

// The example's race is between a store of `data` and a load of it, each from this file.
void check_store_load_race(const RaceSurvey& s) {
  REQUIRE(s.example.has_value());
  const auto [first, second] = raced_events(s);
  const std::string& data = s.example->object_names[first.object];
  CHECK(data == "data");
  CHECK(first.object == second.object);
  CHECK(first.thread != second.thread);
  CHECK((first.kind == sim::OpKind::kStore || second.kind == sim::OpKind::kStore));
  CHECK(checker::source_text(first).starts_with("tests/test_race_detector.cpp:"));
  CHECK(checker::source_text(second).starts_with("tests/test_race_detector.cpp:"));
  CHECK(s.example->finding->kind == sim::FindingKind::kDataRace);
  CHECK(s.example->finding->thread == second.thread);
}

// The shape shared by most primitives: `writer` stores data = 1 and then signals;
// main waits for the signal and loads data. `edge` says whether main waits.
struct Handoff {
  std::function<void()> signal;  // after the store, in the writer
  std::function<void()> wait;    // before the load, in main
};

void handoff(sim::Shared<std::int64_t>& data, const Handoff& h, bool edge) {
  sim::Thread writer([&] {
    data.store(1);
    h.signal();
  }, "writer");
  writer.start();
  if (edge) h.wait();
  sim::outcome(data.load());
  if (!edge) h.wait();
  writer.join();
}

}  // namespace

TEST_SUITE("race detector") {

TEST_CASE("thread start orders the parent's earlier steps before the child's") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Thread reader([&] { sim::outcome(data.load()); }, "reader");
      if (edge) data.store(1);
      reader.start();
      if (!edge) data.store(1);  // after start: the child may read first
      reader.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));  // unordered whichever runs first
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("join orders the joined thread's steps before the joiner's later steps") {
  // The load after the join is ordered; before it, it races.
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Thread writer([&] { data.store(1); }, "writer");
      writer.start();
      if (edge) writer.join();
      sim::outcome(data.load());
      if (!edge) writer.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a join that timed out orders nothing") {
  const RaceSurvey s = survey([] {
    sim::Shared<std::int64_t> data("data", 0);
    sim::Thread writer([&] { data.store(1); }, "writer");
    writer.start();
    writer.join(0.0);  // returns at once if the writer has not finished
    sim::outcome(data.load());
    writer.join();
  });
  // The writer finishes before the timed join (ordered) or not (a race).
  CHECK(s.racy > 0);
  CHECK(s.racy < s.executions);
  check_store_load_race(s);
}

TEST_CASE("a lock orders a release before the next acquire") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Lock lock("lock");
      sim::Thread writer([&] {
        std::scoped_lock with(lock);
        data.store(1);
      }, "writer");
      writer.start();
      if (edge) {
        std::scoped_lock with(lock);
        sim::outcome(data.load());
      } else {
        sim::outcome(data.load());
      }
      writer.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a failed try-acquire orders nothing") {
  const RaceSurvey s = survey([] {
    sim::Shared<std::int64_t> data("data", 0);
    sim::Lock lock("lock");
    sim::Thread writer([&] {
      std::scoped_lock with(lock);
      data.store(1);
    }, "writer");
    writer.start();
    const bool got = lock.acquire(false);
    sim::outcome(data.load());  // read whether or not the lock was taken
    if (got) lock.release();
    writer.join();
  });
  CHECK(s.racy > 0);
  CHECK(s.racy < s.executions);
  check_store_load_race(s);
}

TEST_CASE("an RLock orders a release before the next acquire, also when reentered") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::RLock lock("rlock");
      sim::Thread writer([&] {
        std::scoped_lock outer(lock);
        std::scoped_lock inner(lock);
        data.store(1);
      }, "writer");
      writer.start();
      if (edge) lock.acquire();
      sim::outcome(data.load());
      if (edge) lock.release();
      writer.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a condition's notify and lock order the producer before the woken waiter") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Shared<std::int64_t> ready("ready", 0);
      sim::Condition cond("cond");
      sim::Thread producer([&] {
        data.store(1);
        std::scoped_lock with(cond);
        ready.store(1);
        cond.notify();
      }, "producer");
      producer.start();
      if (edge) {
        std::scoped_lock with(cond);
        while (ready.load() == 0) cond.wait();
      }
      sim::outcome(data.load());  // without the wait: read at any time
      producer.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a semaphore orders a release before the acquire it enables") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Semaphore sem(0, "sem");
      sim::Thread writer([&] {
        data.store(1);
        sem.release();
      }, "writer");
      writer.start();
      // Without the edge: a non-blocking acquire that may fail, and read anyway.
      if (edge) sem.acquire(); else sem.acquire(false);
      sim::outcome(data.load());
      writer.join();
    });
    if (edge) {
      CHECK(s.racy == 0);
    } else {
      CHECK(s.racy > 0);
      CHECK(s.racy < s.executions);  // when the acquire succeeds, it is ordered
      check_store_load_race(s);
    }
  }
}

TEST_CASE("an event orders set before a wait that returned true") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::ThreadingEvent event("event");
      sim::Thread writer([&] {
        data.store(1);
        event.set();
      }, "writer");
      writer.start();
      // Without the edge: wait(timeout=0) returns False at once when not set.
      if (edge) event.wait(); else event.wait(0.0);
      sim::outcome(data.load());
      writer.join();
    });
    if (edge) {
      CHECK(s.racy == 0);
    } else {
      CHECK(s.racy > 0);
      CHECK(s.racy < s.executions);
      check_store_load_race(s);
    }
  }
}

TEST_CASE("a barrier orders every arrival before every departure") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Shared<std::int64_t> other("other", 0);
      sim::Barrier barrier(3, {.name = "barrier"});
      sim::Thread a([&] {
        data.store(1);
        barrier.wait();
      }, "a");
      sim::Thread b([&] {
        other.store(1);
        barrier.wait();
        if (edge) sim::outcome(data.load());  // after a's arrival
      }, "b");
      a.start();
      b.start();
      if (!edge) sim::outcome(data.load());  // before main's own arrival
      barrier.wait();
      if (edge) sim::outcome(data.load() + other.load());
      a.join();
      b.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a queue orders a put before the get that returns its item") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Queue<int> queue(0, "queue");
      handoff(data, {[&] { queue.put(1); }, [&] { queue.get(); }}, edge);
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a SimpleQueue orders a put before the get that returns its item") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::SimpleQueue<std::string> queue("queue");  // non-numeric items
      handoff(data, {[&] { queue.put("go"); }, [&] { queue.get(); }}, edge);
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("Queue.join orders every task_done before join returns") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Queue<int> queue(0, "queue");
      sim::Thread worker([&] {
        queue.get();
        data.store(1);
        queue.task_done();
      }, "worker");
      worker.start();
      queue.put(1);
      if (edge) queue.join();
      sim::outcome(data.load());
      worker.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("executor submit orders the submitter's earlier steps before the task") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::ThreadPoolExecutor executor(1);
      if (edge) data.store(1);
      auto f = executor.submit([&] { return data.load(); });
      if (!edge) data.store(1);  // after submit: the task may already run
      sim::outcome(f.result());
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("a future orders the task before result() and a done() that saw it finished") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::ThreadPoolExecutor executor(1);
      auto f = executor.submit([&] {
        data.store(1);
        return 1;
      });
      if (edge) f.result();
      sim::outcome(data.load());
      if (!edge) f.result();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
  const RaceSurvey polled = survey([] {
    sim::Shared<std::int64_t> data("data", 0);
    sim::ThreadPoolExecutor executor(1);
    auto f = executor.submit([&] {
      data.store(1);
      return 1;
    });
    if (f.done()) sim::outcome(data.load());  // ordered: done() saw the task finish
  });
  CHECK(polled.racy == 0);
  CHECK(polled.executions > 1);
}

TEST_CASE("futures.wait orders the tasks it saw finish before it returns") {
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::ThreadPoolExecutor executor(2);
      std::vector<sim::Future<int>> fs;
      fs.push_back(executor.submit([&] {
        data.store(1);
        return 1;
      }));
      fs.push_back(executor.submit([] { return 2; }));
      if (edge) sim::wait(fs);
      sim::outcome(data.load());
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("asyncio tasks share their loop's thread: no race between them; a real thread races") {
  const RaceSurvey tasks = survey([] {
    sim::Shared<std::int64_t> data("data", 0);
    asyncio::run([&] {
      auto a = asyncio::create_task([&] {
        const std::int64_t v = data.load();
        asyncio::sleep(0);
        data.store(v + 1);
      });
      auto b = asyncio::create_task([&] { data.store(data.load() + 1); });
      asyncio::gather(a, b);
    });
    sim::outcome(data.load());
  });
  CHECK(tasks.racy == 0);
  for (const bool edge : {true, false}) {
    CAPTURE(edge);
    const RaceSurvey s = survey([edge] {
      sim::Shared<std::int64_t> data("data", 0);
      sim::Thread writer([&] { data.store(1); }, "writer");
      writer.start();
      if (edge) writer.join();  // joined before the loop starts
      asyncio::run([&] {
        auto task = asyncio::create_task([&] { return data.load(); });
        sim::outcome(asyncio::await(task));
      });
      if (!edge) writer.join();
    });
    CHECK(s.racy == (edge ? 0 : s.executions));
    if (!edge) check_store_load_race(s);
  }
}

TEST_CASE("the racy counter: the report names both accesses and the missing edge") {
  const RaceSurvey s = survey(test::counter(2, 1));
  CHECK(s.racy == s.executions);
  REQUIRE(s.example.has_value());
  // The first DFS execution runs Thread-1 to the end, then Thread-2: Thread-2's load
  // races with Thread-1's store.
  const checker::Trace& trace = *s.example;
  const sim::ThreadId t1 = test::thread_named(trace, "Thread-1");
  const sim::ThreadId t2 = test::thread_named(trace, "Thread-2");
  std::size_t store = 0;
  std::size_t load = 0;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const sim::Event& e = trace.events[i];
    if (e.thread == t1 && e.kind == sim::OpKind::kStore) store = i;
    if (e.thread == t2 && e.kind == sim::OpKind::kLoad && load == 0) load = i;
  }
  REQUIRE(store < load);
  const std::string store_site = checker::source_text(trace.events[store]);
  const std::string load_site = checker::source_text(trace.events[load]);
  CHECK(store_site.starts_with("models/counter.cpp:"));
  CHECK(trace.finding->message ==
        "Thread-1's store counter = 1 (step " + std::to_string(store + 1) + ", " + store_site +
            ") and Thread-2's load counter -> 1 (step " + std::to_string(load + 1) + ", " + load_site +
            ") are unordered: no lock, join, queue or future orders these two accesses");
  CHECK(trace.finding->thread == t2);
}

TEST_CASE("the locked counter has no race; fake-database has one") {
  CHECK(survey(test::counter(2, 2, true)).racy == 0);
  const RaceSurvey db = survey(test::model("fake-database", {{"updates", "3"}}), 200);
  CHECK(db.racy > 0);
  REQUIRE(db.example.has_value());
  CHECK(db.example->object_names[raced_events(db).first.object] == "value");
}

TEST_CASE("fake-database --locked has no race in any trace: the executor's exit joins its finished workers") {
  // Found by exhaustive DPOR: a worker that finished before the `with` block ended was
  // joined without a recorded join, so its last store looked unordered with main's load.
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.ignore_time = true;
  options.detect_races = true;
  options.stop_at_first_bug = false;
  const checker::ExploreResult result =
      checker::explore(test::model("fake-database", {{"locked", "true"}, {"updates", "3"}}), options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
}

TEST_CASE("correctly synchronized seed models report no race") {
  // Every model with its default parameters, and with --locked / --ordered where it
  // has them, except the two racy ones the seeds show on purpose.
  for (const models::ModelSpec& spec : models::all_models()) {
    std::vector<std::vector<std::pair<std::string, std::string>>> variants = {{}};
    for (const models::ParamSpec& p : spec.params) {
      if (p.is_flag && (p.name == "locked" || p.name == "ordered")) variants.push_back({{p.name, "true"}});
    }
    for (const auto& params : variants) {
      const bool racy = (spec.name == "counter" || spec.name == "fake-database") && params.empty();
      if (racy) continue;
      CAPTURE(spec.name);
      CAPTURE(params.size());
      const RaceSurvey s = survey(models::instantiate(spec.name, params), 300);
      CHECK(s.racy == 0);
      if (s.example) MESSAGE(s.example->finding->message);
    }
  }
}

}  // TEST_SUITE

TEST_SUITE("race detector in explore") {

TEST_CASE("explore with detect_races: a race is a bug after the others and never stops the search") {
  checker::ExploreOptions options = test::dfs_first_bug();
  options.detect_races = true;
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), options);
  // DFS's first execution runs the threads one after the other: a race, but no lost
  // update, so the search goes on to the lost update and stops there.
  REQUIRE(result.bugs.size() == 2);
  CHECK(result.bugs[0].trace.finding->kind == sim::FindingKind::kAssertion);
  CHECK(result.bugs[1].trace.finding->kind == sim::FindingKind::kDataRace);
  CHECK(result.bugs[1].execution == 1);
  CHECK(result.bugs[1].execution < result.bugs[0].execution);
  // Every execution before the lost update raced on the same pair of accesses.
  CHECK(result.bugs[1].occurrences == result.bugs[0].execution - 1);

  options.detect_races = false;
  const checker::ExploreResult without = checker::explore(test::counter(2, 2), options);
  REQUIRE(without.bugs.size() == 1);
  CHECK(without.bugs[0].trace.finding->kind == sim::FindingKind::kAssertion);

  options.detect_races = true;
  options.stop_at_first_bug = false;
  CHECK(checker::explore(test::counter(2, 2, true), options).bugs.empty());
}

}  // TEST_SUITE

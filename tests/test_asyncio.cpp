// asyncio on the fiber runtime, against CPython 3.11: tasks switch only at awaits (a
// lost update across `await sleep(0)`, none without it), the loop's own order is FIFO
// and fixed (one execution per pure asyncio model; printed orders equal CPython's, which
// were obtained by running the quoted Python), virtual durations (concurrent sleeps
// overlap; a blocking time.sleep in a task stops the whole loop), gather, TaskGroup,
// exceptions and cancellation, and hangs reported with what each task awaits.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/asyncio/asyncio.hpp"
#include "sim/output.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace asyncio = sim::asyncio;

namespace {

constexpr sim::Nanos kSecond = 1'000'000'000;

std::vector<std::string> lines(const sim::ExecutionRecord& record) {
  std::vector<std::string> text;
  for (const sim::OutputLine& line : record.output) text.push_back(line.text);
  return text;
}

// Exhaustive DFS that must find nothing.
checker::ExploreResult explore_all(const std::function<void()>& main) {
  const checker::ExploreResult result = checker::explore(test::inline_model("asyncio", main), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  return result;
}

const sim::BlockedThread& blocked_named(const sim::ExecutionRecord& record, const std::string& name) {
  for (const sim::BlockedThread& b : record.finding->blocked) {
    if (record.thread_names.at(b.thread) == name) return b;
  }
  FAIL("no blocked thread named " << name);
  return record.finding->blocked.front();
}

// counter += 1 in two tasks, with `await asyncio.sleep(0)` between the read and the
// write (or not).
void two_incrementers(bool await_between) {
  sim::Shared<std::int64_t> counter("counter", 0);
  auto increment = [&counter, await_between] {
    const std::int64_t v = counter.load();
    if (await_between) asyncio::sleep(0);
    counter.store(v + 1);
  };
  asyncio::run([&] {
    auto a = asyncio::create_task(increment);
    auto b = asyncio::create_task(increment);
    asyncio::gather(a, b);
  });
  sim::outcome(counter.load());
}

}  // namespace

TEST_SUITE("asyncio") {

TEST_CASE("a lost update across an await, deterministically; none without one") {
  // v = counter; await asyncio.sleep(0); counter = v + 1 — in two tasks. FIFO order
  // runs both reads before either write: the result is 1, in the only execution.
  const checker::ExploreResult lost = explore_all([] { two_incrementers(true); });
  CHECK(lost.executions == 1);
  CHECK(test::int_outcomes(lost) == std::set<std::int64_t>{1});
  // No await between read and write: each task's increment is atomic.
  const checker::ExploreResult kept = explore_all([] { two_incrementers(false); });
  CHECK(kept.executions == 1);
  CHECK(test::int_outcomes(kept) == std::set<std::int64_t>{2});
}

TEST_CASE("between awaits no other task of the loop is enabled, even at Shared steps") {
  // Every scheduling point of a pure asyncio model offers exactly one thread.
  class OnlyOne final : public sim::Scheduler {
   public:
    sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) override {
      max_enabled = std::max(max_enabled, enabled.size());
      ++decisions;
      return enabled.front();
    }
    std::uint64_t draw(std::uint64_t bound, std::uint32_t) override { return bound - 1; }
    std::size_t max_enabled = 0;
    std::size_t decisions = 0;
  };
  sim::Runtime runtime;
  OnlyOne scheduler;
  const sim::ExecutionRecord& record = runtime.run([] { two_incrementers(true); }, scheduler, {});
  CHECK_FALSE(record.finding.has_value());
  CHECK(scheduler.decisions > 6);  // the loads and stores of both tasks are scheduling points
  CHECK(scheduler.max_enabled == 1);
}

TEST_CASE("FIFO order of tasks and sleep(0), as CPython prints it") {
  // async def worker(name, n):
  //     for i in range(n):
  //         print(name, i); await asyncio.sleep(0)
  // async def main():
  //     a = asyncio.create_task(worker('a', 3)); b = asyncio.create_task(worker('b', 2))
  //     print('main'); await asyncio.sleep(0); print('main again')
  //     await a; print('a done'); await b; print('b done')
  const sim::ExecutionRecord record = test::run_once([] {
    auto worker = [](std::string name, int n) {
      for (int i = 0; i < n; ++i) {
        sim::print(name + " " + std::to_string(i));
        asyncio::sleep(0);
      }
    };
    asyncio::run([&] {
      auto a = asyncio::create_task([&] { worker("a", 3); });
      auto b = asyncio::create_task([&] { worker("b", 2); });
      sim::print("main");  // the tasks have not run yet: create_task only schedules them
      asyncio::sleep(0);
      sim::print("main again");
      asyncio::await(a);
      sim::print("a done");
      asyncio::await(b);  // already done: no suspension
      sim::print("b done");
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(lines(record) == std::vector<std::string>{"main", "a 0", "b 0", "main again", "a 1", "b 1", "a 2",
                                                  "a done", "b done"});
  CHECK(record.duration == 0);
}

TEST_CASE("a task never awaited runs its first step, then asyncio.run cancels it") {
  // async def t(): print("started"); await asyncio.sleep(1); print("finished")
  // async def main(): asyncio.create_task(t())
  // CPython prints only "started": main's completion stops the loop after the
  // iteration in which t's first step runs; then t is cancelled in its sleep.
  bool cancelled = false;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::Task<void> t;
    asyncio::run([&] {
      t = asyncio::create_task([] {
        sim::print("started");
        asyncio::sleep(1);
        sim::print("finished");
      });
    });
    cancelled = t.cancelled();
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(lines(record) == std::vector<std::string>{"started"});
  CHECK(cancelled);
  CHECK(record.duration == 0);  // the cancelled timer is not waited for
}

TEST_CASE("gather returns results in argument order; the sleeps overlap") {
  // async def sleeper(name, d): await asyncio.sleep(d); print(name, 'woke'); return name
  // print(await asyncio.gather(sleeper('x', 3), sleeper('y', 1), sleeper('z', 2)))
  std::tuple<std::string, std::string, std::string> results;
  const sim::ExecutionRecord record = test::run_once([&] {
    auto sleeper = [](std::string name, double d) {
      asyncio::sleep(d);
      sim::print(name + " woke");
      return name;
    };
    results = asyncio::run([&] {
      return asyncio::gather([&] { return sleeper("x", 3); }, [&] { return sleeper("y", 1); },
                             [&] { return sleeper("z", 2); });
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(lines(record) == std::vector<std::string>{"y woke", "z woke", "x woke"});
  CHECK(results == std::tuple<std::string, std::string, std::string>{"x", "y", "z"});
  CHECK(record.duration == 3 * kSecond);  // max(3, 1, 2), not the sum
  const checker::ExploreResult all = explore_all([] {
    asyncio::run([] { asyncio::gather([] { asyncio::sleep(1); }, [] { asyncio::sleep(2); }); });
  });
  CHECK(all.executions == 1);
}

TEST_CASE("virtual durations: concurrent sleeps overlap, awaited ones add up") {
  auto duration = [](const std::function<void()>& coroutine) {
    const sim::ExecutionRecord record = test::run_once([&] { asyncio::run(coroutine); });
    CHECK_FALSE(record.finding.has_value());
    return record.duration;
  };
  // Three tasks sleeping 1 s at the same time: 1 s in all.
  CHECK(duration([] {
          std::vector<asyncio::Task<void>> tasks;
          for (int i = 0; i < 3; ++i) tasks.push_back(asyncio::create_task([] { asyncio::sleep(1); }));
          asyncio::gather(tasks);
        }) == kSecond);
  // await sleep(1); await sleep(2): 3 s.
  CHECK(duration([] {
          asyncio::sleep(1);
          asyncio::sleep(2);
        }) == 3 * kSecond);
  // Fractions of a second, exactly: 0.25 + max(0.5, 0.75).
  CHECK(duration([] {
          asyncio::sleep(0.25);
          asyncio::gather([] { asyncio::sleep(0.5); }, [] { asyncio::sleep(0.75); });
        }) == kSecond);
  // A blocking time.sleep inside a task stops the whole loop. A timer armed before it
  // expires during it (1 s in all); a task that had not started yet starts its sleep
  // only after it (1 + 1 = 2 s).
  CHECK(duration([] {
          auto other = asyncio::create_task([] { asyncio::sleep(1); });
          asyncio::sleep(0);  // `other` starts its sleep at t=0
          sim::sleep(1);      // time.sleep(1): the loop is blocked meanwhile
          asyncio::await(other);
        }) == kSecond);
  CHECK(duration([] {
          sim::sleep(1);  // before `other` even starts
          auto other = asyncio::create_task([] { asyncio::sleep(1); });
          asyncio::await(other);
        }) == 2 * kSecond);
}

TEST_CASE("TaskGroup waits for all its tasks on exit") {
  std::vector<std::string> order;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      asyncio::task_group([&](asyncio::TaskGroup& tg) {
        tg.create_task([&] {
          asyncio::sleep(3);
          order.push_back("boiling kettle");
        });
        tg.create_task([&] {
          asyncio::sleep(2);
          order.push_back("cleaning cups");
        });
        order.push_back("body end");
      });
      order.push_back("after the group");
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(order == std::vector<std::string>{"body end", "cleaning cups", "boiling kettle", "after the group"});
  CHECK(record.duration == 3 * kSecond);
}

TEST_CASE("an exception is stored in its task and raised where it is awaited") {
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      auto failing = asyncio::create_task([]() -> int { throw std::invalid_argument("bad value"); });
      asyncio::sleep(1);  // the task fails meanwhile; nothing is raised here
      log.push_back(failing.done() ? "done" : "pending");
      try {
        asyncio::await(failing);
      } catch (const std::invalid_argument& e) {
        log.push_back(std::string("caught ") + e.what());
      }
      try {
        failing.result();
      } catch (const std::invalid_argument& e) {
        log.push_back(std::string("again ") + e.what());
      }
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"done", "caught bad value", "again bad value"});
}

TEST_CASE("gather raises the first exception to happen; the other tasks are not cancelled") {
  // async def boom(d): await asyncio.sleep(d); raise ValueError(f"boom {d}")
  // try: await asyncio.gather(boom(2), boom(1), sleeper('w', 3))
  // except ValueError as e: print('caught', e)
  // CPython: "caught boom 1"; 'w' is cancelled only when asyncio.run ends.
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    auto boom = [](int d) {
      asyncio::sleep(d);
      throw std::invalid_argument("boom " + std::to_string(d));
    };
    asyncio::run([&] {
      auto w = asyncio::create_task([&] {
        asyncio::sleep(3);
        log.push_back("w woke");
      });
      try {
        asyncio::gather([&] { boom(2); }, [&] { boom(1); }, w);
      } catch (const std::invalid_argument& e) {
        log.push_back(std::string("caught ") + e.what());
      }
      log.push_back(w.done() ? "w done" : "w still running");
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"caught boom 1", "w still running"});
  CHECK(record.duration == kSecond);
}

TEST_CASE("gather with return_exceptions waits for all and returns the exceptions") {
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      std::vector<asyncio::Task<int>> tasks;
      for (int i = 1; i <= 3; ++i) {
        tasks.push_back(asyncio::create_task([i] {
          asyncio::sleep(i);
          if (i == 2) throw std::runtime_error("task 2 failed");
          return i * 10;
        }));
      }
      const std::vector<std::exception_ptr> errors = asyncio::gather(tasks, asyncio::return_exceptions);
      for (std::size_t i = 0; i < errors.size(); ++i) {
        log.push_back(errors[i] ? asyncio::describe_exception(errors[i]) : std::to_string(tasks[i].result()));
      }
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"10", "task 2 failed", "30"});
  CHECK(record.duration == 3 * kSecond);
}

TEST_CASE("a failing task cancels its TaskGroup: siblings and the body, then an ExceptionGroup") {
  // try:
  //     async with asyncio.TaskGroup() as tg:
  //         tg.create_task(sleeper('long', 10)); tg.create_task(boom(1))
  //         await asyncio.sleep(5); print('body end')
  // except* ValueError as eg: print('group', eg.exceptions)
  // CPython: neither 'long' nor 'body end' is printed; the group holds boom 1; 1 s.
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      try {
        asyncio::task_group([&](asyncio::TaskGroup& tg) {
          tg.create_task([&] {
            asyncio::sleep(10);
            log.push_back("long woke");
          });
          tg.create_task([] {
            asyncio::sleep(1);
            throw std::invalid_argument("boom 1");
          });
          asyncio::sleep(5);
          log.push_back("body end");
        });
      } catch (const asyncio::ExceptionGroup& eg) {
        log.push_back(eg.what());
        log.push_back(std::to_string(eg.exceptions.size()));
      }
      log.push_back("main end");
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"unhandled errors in a TaskGroup (1 sub-exception): boom 1", "1",
                                        "main end"});
  CHECK(record.duration == kSecond);
}

TEST_CASE("cancel: CancelledError at the await; a task may catch it and go on") {
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      auto sleeper = asyncio::create_task([&] {
        asyncio::sleep(10);
        log.push_back("not reached");
      });
      auto stubborn = asyncio::create_task([&]() -> int {
        bool cancelled = false;
        try {
          asyncio::sleep(10);
        } catch (const asyncio::CancelledError&) {
          cancelled = true;
        }
        log.push_back(cancelled ? "stubborn caught it" : "stubborn slept");
        asyncio::sleep(1);
        return 7;
      });
      asyncio::sleep(1);
      CHECK(sleeper.cancel());
      CHECK(stubborn.cancel());
      bool raised = false;
      try {
        asyncio::await(sleeper);
      } catch (const asyncio::CancelledError&) {
        raised = true;
      }
      log.push_back(raised ? "await raised CancelledError" : "await returned");
      log.push_back(sleeper.cancelled() ? "sleeper cancelled" : "sleeper not cancelled");
      log.push_back("stubborn returned " + std::to_string(asyncio::await(stubborn)));
      CHECK_FALSE(stubborn.cancel());  // done
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"stubborn caught it", "await raised CancelledError", "sleeper cancelled",
                                        "stubborn returned 7"});
  CHECK(record.duration == 2 * kSecond);  // the cancelled 10 s timers are not waited for
}

TEST_CASE("an exception escaping asyncio.run is an uncaught-exception finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    asyncio::run([] {
      auto t = asyncio::create_task([] {
        asyncio::sleep(1);
        throw std::runtime_error("task failed");
      });
      asyncio::await(t);
    });
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(record.finding->message == "task failed");
  CHECK(record.finding->thread == sim::kMainThread);
  // Outside any task there is no running loop (CPython: RuntimeError).
  const sim::ExecutionRecord outside = test::run_once([] { asyncio::sleep(1); });
  REQUIRE(outside.finding.has_value());
  CHECK(outside.finding->message == "no running event loop");
  // asyncio.run inside a task.
  const sim::ExecutionRecord nested = test::run_once([] { asyncio::run([] { asyncio::run([] {}); }); });
  REQUIRE(nested.finding.has_value());
  CHECK(nested.finding->message == "asyncio.run() cannot be called from a running event loop");
}

TEST_CASE("awaiting an event nobody sets is a hang, explained per task") {
  const sim::ExecutionRecord record = test::run_once([] {
    asyncio::Event ready("ready");
    asyncio::run([&] {
      auto waiter = asyncio::create_task([&] { ready.wait(); }, "waiter");
      asyncio::await(waiter);
    });
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(record.finding->message == "no thread can run, and 3 threads have not finished");
  const sim::BlockedThread& loop = blocked_named(record, "main");
  CHECK(loop.waits_for ==
        "its event loop to have something to run: no task is ready and no timer is pending, so asyncio.run() "
        "never returns");
  CHECK(loop.blocker == sim::kNoThread);
  const sim::BlockedThread& main_task = blocked_named(record, "Task-1");
  CHECK(main_task.waits_for == "task waiter to finish");
  CHECK(record.thread_names.at(main_task.blocker) == "waiter");
  const sim::BlockedThread& waiter = blocked_named(record, "waiter");
  CHECK(waiter.waits_for == "event ready to be set, which nobody does");
  CHECK(waiter.blocker == sim::kNoThread);
  CHECK(record.object_names.at(waiter.object) == "ready");
}

TEST_CASE("a future nobody completes, and two tasks awaiting each other") {
  const sim::ExecutionRecord future = test::run_once([] {
    asyncio::run([] {
      asyncio::Future<int> f("f");
      asyncio::await(f);
    });
  });
  REQUIRE(future.finding.has_value());
  CHECK(future.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(blocked_named(future, "Task-1").waits_for == "future f, which nobody completes");

  const sim::ExecutionRecord cycle = test::run_once([] {
    asyncio::run([] {
      asyncio::Task<void> a, b;
      a = asyncio::create_task([&] { asyncio::await(b); }, "a");
      b = asyncio::create_task([&] { asyncio::await(a); }, "b");
      asyncio::await(a);
    });
  });
  REQUIRE(cycle.finding.has_value());
  CHECK(cycle.finding->kind == sim::FindingKind::kDeadlock);
  CHECK(blocked_named(cycle, "a").waits_for == "task b to finish");
  CHECK(blocked_named(cycle, "b").waits_for == "task a to finish");
  const std::string text = checker::explain_finding(checker::to_trace(cycle));
  CAPTURE(text);
  CHECK(text.find("Wait-for cycle: a -> task b -> b -> task a -> a.") != std::string::npos);
}

TEST_CASE("a future set by another task; result() before then is InvalidStateError") {
  std::vector<std::string> log;
  const sim::ExecutionRecord record = test::run_once([&] {
    asyncio::run([&] {
      asyncio::Future<std::string> f("f");
      try {
        f.result();
      } catch (const asyncio::InvalidStateError& e) {
        log.push_back(e.what());
      }
      asyncio::create_task([&] {
        asyncio::sleep(2);
        f.set_result("hello");
      });
      log.push_back(asyncio::await(f));
    });
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(log == std::vector<std::string>{"Result is not set.", "hello"});
  CHECK(record.duration == 2 * kSecond);
}

TEST_CASE("other OS threads still interleave with the loop's thread") {
  // A thread sets x = 1 while a task reads x twice, with an await in between: the task
  // may see 0 0, 0 1 or 1 1 (never 1 0), depending on where the thread's store falls.
  const checker::ExploreResult result = explore_all([] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread writer([&x] { x.store(1); }, "writer");
    writer.start();
    std::int64_t seen = 0;
    asyncio::run([&] {
      const std::int64_t first = x.load();
      asyncio::sleep(0);
      seen = first * 10 + x.load();
    });
    writer.join();
    sim::outcome(seen);
  });
  CHECK(result.executions > 1);
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{0, 1, 11});
}

TEST_CASE("with time ignored the loop keeps its own timer order, and one schedule") {
  checker::ExploreOptions options = test::dfs_all();
  options.ignore_time = true;
  const checker::ExploreResult result = checker::explore(test::inline_model("asyncio", [] {
    std::string order;
    asyncio::run([&] {
      asyncio::gather([&] { asyncio::sleep(3); order += "x"; }, [&] { asyncio::sleep(1); order += "y"; },
                      [&] { asyncio::sleep(2); order += "z"; });
    });
    sim::outcome(order + " at " + std::to_string(sim::Runtime::current().now()));
  }), options);
  CHECK(result.exhaustive);
  CHECK(result.executions == 1);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"yzx at 0"});  // the runtime's clock stays at 0
}

TEST_CASE("a failing check in a task ends the execution; the other tasks unwind") {
  const sim::ExecutionRecord record = test::run_once([] {
    asyncio::run([] {
      auto sleeper = asyncio::create_task([] { asyncio::sleep(5); });
      auto checker_task = asyncio::create_task([] {
        asyncio::sleep(1);
        sim::check(false, "checked in a task");
        asyncio::sleep(1);
      }, "checker");
      asyncio::gather(sleeper, checker_task);
    });
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kAssertion);
  CHECK(record.finding->message == "checked in a task");
  CHECK(record.thread_names.at(record.finding->thread) == "checker");
  CHECK(record.duration == kSecond);
}

TEST_CASE("a task spinning on sleep(0) forever goes over the step bound") {
  const sim::ExecutionRecord record = test::run_once([] {
    asyncio::run([] {
      auto spinner = asyncio::create_task([] {
        for (;;) asyncio::sleep(0);
      });
      asyncio::await(spinner);
    });
  }, 500);
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kStepBound);
}

TEST_CASE("a loop on a daemon thread is cut off at exit with its tasks") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Thread daemon([] {
      asyncio::run([] {
        auto t = asyncio::create_task([] { asyncio::sleep(10); }, "sleeper");
        asyncio::await(t);
      });
    }, "loop", true);
    daemon.start();
    sim::sleep(1);
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDaemonCutOff);
  std::set<std::string> cut_off;
  for (const sim::CutOffDaemon& d : record.cut_off_daemons) cut_off.insert(record.thread_names.at(d.thread));
  CHECK(cut_off == std::set<std::string>{"loop", "Task-1", "sleeper"});
  CHECK(record.duration == kSecond);
}

}  // TEST_SUITE

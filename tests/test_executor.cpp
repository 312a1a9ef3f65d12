// concurrent.futures against CPython 3.11's semantics, method by method: submit, map,
// shutdown(wait, cancel_futures) and the implicit shutdown of ThreadPoolExecutor;
// result/exception with timeouts on the virtual clock, done/running/cancelled/cancel
// of Future; as_completed and wait. Then, for every blocking operation, the hang it
// can cause, found and explained. Expected values are derived in the comments from the
// durations each case chooses; outcome sets are over every schedule (exhaustive DFS).
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/executor.hpp"
#include "sim/future.hpp"
#include "sim/futures_wait.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace {

constexpr sim::Nanos kSecond = 1'000'000'000;

// An outcome set that doctest can print when a check fails.
struct Outcomes {
  std::set<std::string> values;
  bool operator==(const std::set<std::string>& other) const { return values == other; }
};

// Every execution of `main` (exhaustive DFS), which must find nothing; the outcome set.
Outcomes outcomes_of(const std::function<void()>& main, bool ignore_time = false) {
  checker::ExploreOptions options = test::dfs_all();
  options.ignore_time = ignore_time;
  const checker::ExploreResult result = checker::explore(test::inline_model("executor", main), options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  for (const checker::FoundBug& bug : result.bugs) MESSAGE(checker::explain_finding(bug.trace));
  return {test::string_outcomes(result)};
}

// The first finding of an exhaustive DFS, which must find one.
checker::Trace first_bug(const std::function<void()>& main) {
  const checker::ExploreResult result = checker::explore(test::inline_model("executor", main), test::dfs_first_bug());
  REQUIRE_FALSE(result.bugs.empty());
  return result.bugs[0].trace;
}

// The virtual time now, in seconds, as "@1.5".
std::string at() { return fmt::format("@{:g}", static_cast<double>(sim::Runtime::current().now()) / kSecond); }

// A task that sleeps `seconds` and returns `value`.
auto sleeper(double seconds, int value) {
  return [seconds, value] {
    sim::sleep(seconds);
    return value;
  };
}

std::string joined(const std::vector<int>& values) {
  std::string text;
  for (int v : values) text += (text.empty() ? "" : " ") + std::to_string(v);
  return text;
}

}  // namespace

template <>
struct doctest::StringMaker<Outcomes> {
  static doctest::String convert(const Outcomes& outcomes) {
    std::string text = "{";
    for (const std::string& v : outcomes.values) text += (text.size() > 1 ? ", \"" : "\"") + v + "\"";
    return (text + "}").c_str();
  }
};

TEST_SUITE("executor: ThreadPoolExecutor") {

TEST_CASE("a submit racing with shutdown on another thread is accepted or raises RuntimeError") {
  const auto outcomes = outcomes_of([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Thread closer([&pool] { pool.shutdown(false); }, "closer");
    closer.start();
    std::string what = "accepted";
    try {
      pool.submit([] { return 1; });
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    closer.join();
    sim::outcome(what);
  });
  CHECK(outcomes == std::set<std::string>{"accepted", "cannot schedule new futures after shutdown"});
}

TEST_CASE("max_workers must be positive (ValueError)") {
  const auto outcomes = outcomes_of([] {
    try {
      sim::ThreadPoolExecutor pool(0);
      sim::outcome("created");
    } catch (const std::invalid_argument& e) {
      sim::outcome(e.what());
    }
  });
  CHECK(outcomes == std::set<std::string>{"max_workers must be greater than 0"});
}

TEST_CASE("map hands out results in submission order, each once it is done") {
  // Three workers run the three calls at once; they finish at 3, 1 and 2 s. The first
  // result (item 3) is reached at 3 s, and by then the other two are done.
  const auto outcomes = outcomes_of([] {
    sim::ThreadPoolExecutor pool(3);
    std::string got;
    for (int r : pool.map([](int d) { sim::sleep(d); return d * 10; }, std::vector<int>{3, 1, 2})) {
      got += std::to_string(r) + at() + " ";
    }
    sim::outcome(got);
  });
  CHECK(outcomes == std::set<std::string>{"30@3 10@3 20@3 "});
}

TEST_CASE("map raises a task's exception when its result is reached and cancels the calls not handed out") {
  // One worker: item 1 runs 0..1 s, item 2 raises at 1 s. Main gets 1, then the
  // exception at 1 s, and cancels items 3 and 4. At that instant the worker takes the
  // next item: it takes 3 before main cancels it (3 runs, cancel(4) succeeds); or main
  // cancels 3, the worker skips it and takes 4 before main cancels 4 (4 runs); or main
  // cancels both first (neither runs).
  const auto outcomes = outcomes_of([] {
    std::vector<int> started;
    std::string got;
    {
      sim::ThreadPoolExecutor pool(1);
      auto task = [&started](int x) {
        started.push_back(x);
        if (x == 2) throw std::out_of_range("bad 2");
        sim::sleep(1);
        return x;
      };
      try {
        for (int r : pool.map(task, std::vector<int>{1, 2, 3, 4})) got += std::to_string(r) + at() + " ";
      } catch (const std::out_of_range& e) {
        got += std::string(e.what()) + at();
      }
    }
    sim::outcome(got + " | ran " + joined(started));
  });
  CHECK(outcomes == std::set<std::string>{"1@1 bad 2@1 | ran 1 2 3", "1@1 bad 2@1 | ran 1 2 4",
                                          "1@1 bad 2@1 | ran 1 2"});
}

TEST_CASE("map's timeout counts from the call; TimeoutError cancels the calls not handed out") {
  // One worker: item 1 runs 0..1 s, item 3 runs 1..4 s, the last item waits. The map
  // deadline is 2 s: item 3's result times out at 2 s, the running call cannot be
  // cancelled, the waiting one is, and the pool's exit waits for item 3 until 4 s.
  const auto outcomes = outcomes_of([] {
    std::vector<int> started;
    std::string got;
    {
      sim::ThreadPoolExecutor pool(1);
      auto task = [&started](int x) {
        started.push_back(x);
        sim::sleep(x);
        return x;
      };
      try {
        for (int r : pool.map(task, std::vector<int>{1, 3, 5}, {.timeout = 2})) got += std::to_string(r) + at() + " ";
      } catch (const sim::TimeoutError&) {
        got += "TimeoutError" + at();
      }
    }
    sim::outcome(got + " | ran " + joined(started) + " | exit" + at());
  });
  CHECK(outcomes == std::set<std::string>{"1@1 TimeoutError@2 | ran 1 3 | exit@4"});
}

TEST_CASE("map's results never iterated cancel nothing; dropped after one, the rest are cancelled") {
  // Never iterated, the generator never starts: all three calls run.
  CHECK(outcomes_of([] {
          std::vector<int> started;
          {
            sim::ThreadPoolExecutor pool(1);
            pool.map([&started](int x) { started.push_back(x); return x; }, std::vector<int>{1, 2, 3});
          }
          sim::outcome("ran " + joined(started));
        }) == std::set<std::string>{"ran 1 2 3"});
  // Dropped after the first result (at 1 s), the generator closes and cancels 2 and 3,
  // racing with the worker that takes the next item at that instant (as in the
  // exception case above).
  CHECK(outcomes_of([] {
          std::vector<int> started;
          {
            sim::ThreadPoolExecutor pool(1);
            auto results = pool.map([&started](int x) { started.push_back(x); sim::sleep(1); return x; },
                                    std::vector<int>{1, 2, 3});
            for (int r : results) {
              (void)r;
              break;
            }
          }
          sim::outcome("ran " + joined(started));
        }) == std::set<std::string>{"ran 1 2", "ran 1 3", "ran 1"});
}

TEST_CASE("map over a task returning nothing yields one None per item") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          int count = 0;
          for (std::monostate none : pool.map([](int) {}, std::vector<int>{1, 2, 3})) {
            (void)none;
            ++count;
          }
          sim::outcome(std::to_string(count));
        }) == std::set<std::string>{"3"});
}

TEST_CASE("shutdown(wait=False) returns at once; the tasks still run to the end") {
  const auto outcomes = outcomes_of([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f = pool.submit(sleeper(2, 7));
    pool.shutdown(false);
    std::string text = "returned" + at();
    const int r = f.result();
    sim::outcome(text + ", result " + std::to_string(r) + at());
  });
  CHECK(outcomes == std::set<std::string>{"returned@0, result 7@2"});
}

TEST_CASE("shutdown(cancel_futures=True) cancels the queued futures; the running one finishes") {
  // One worker; main sleeps 0.5 s so the worker has surely taken f1 (1 s long).
  const auto outcomes = outcomes_of([] {
    std::vector<int> started;
    sim::ThreadPoolExecutor pool(1);
    auto task = [&started](int x) {
      started.push_back(x);
      sim::sleep(1);
      return x;
    };
    sim::Future<int> f1 = pool.submit([&task] { return task(1); });
    sim::Future<int> f2 = pool.submit([&task] { return task(2); });
    sim::Future<int> f3 = pool.submit([&task] { return task(3); });
    sim::sleep(0.5);
    pool.shutdown(true, true);
    std::string text = "shutdown returned" + at() + "; f1 " + std::to_string(f1.result());
    for (const sim::Future<int>* f : {&f2, &f3}) {
      text += fmt::format("; cancelled={} done={}", f->cancelled(), f->done());
      try {
        f->result();
      } catch (const sim::CancelledError&) {
        text += " CancelledError";
      }
    }
    sim::outcome(text + "; ran " + joined(started));
  });
  CHECK(outcomes == std::set<std::string>{
                        "shutdown returned@1; f1 1; cancelled=true done=true CancelledError; "
                        "cancelled=true done=true CancelledError; ran 1"});
}

TEST_CASE("the end of the executor's scope (a with block, or interpreter exit) waits for its tasks") {
  const auto outcomes = outcomes_of([] {
    std::string after;
    {
      sim::ThreadPoolExecutor pool(2);
      pool.submit(sleeper(2, 1));
      pool.submit(sleeper(3, 2));
    }
    sim::outcome("after the block" + at());
  });
  CHECK(outcomes == std::set<std::string>{"after the block@3"});
}

TEST_CASE("a cancelled work item is skipped: the worker takes the next one") {
  // f2 is cancelled while f1 runs; the worker skips it and runs f3 at 1 s.
  const auto outcomes = outcomes_of([] {
    std::vector<int> started;
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f1 = pool.submit([&started] { started.push_back(1); sim::sleep(1); return 1; });
    sim::Future<int> f2 = pool.submit([&started] { started.push_back(2); return 2; });
    sim::Future<int> f3 = pool.submit([&started] { started.push_back(3); return 3; });
    const bool cancelled = f2.cancel();
    const int r3 = f3.result();
    sim::outcome(fmt::format("cancel={} f3={}{} ran {}", cancelled, r3, at(), joined(started)));
  });
  // Main's cancel runs at 0 s, before f1 ends, in every schedule.
  CHECK(outcomes == std::set<std::string>{"cancel=true f3=3@1 ran 1 3"});
}

}  // TEST_SUITE

TEST_SUITE("executor: Future") {

TEST_CASE("result(timeout) raises TimeoutError exactly at the virtual deadline") {
  const auto outcomes = outcomes_of([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f = pool.submit(sleeper(1, 7));
    std::string text;
    try {
      f.result(0.5);
      text = "returned";
    } catch (const sim::TimeoutError&) {
      text = "TimeoutError" + at();
    }
    const int r = f.result();
    sim::outcome(text + ", then " + std::to_string(r) + at());
  });
  CHECK(outcomes == std::set<std::string>{"TimeoutError@0.5, then 7@1"});

  // The step itself: one result step at 0.5 s recording "not done" (0), then one at 1 s.
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadPoolExecutor pool(1);
    sim::Future<int> f = pool.submit(sleeper(1, 7));
    try {
      f.result(0.5);
    } catch (const sim::TimeoutError&) {
    }
    f.result();
  });
  std::vector<std::pair<sim::Nanos, std::int64_t>> results;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kFutureResult) results.emplace_back(e.time, e.has_value ? e.value : -1);
  }
  CHECK(results == std::vector<std::pair<sim::Nanos, std::int64_t>>{{kSecond / 2, 0}, {kSecond, -1}});
}

TEST_CASE("result(timeout) when the task ends exactly at the deadline: either, by schedule") {
  // Both the timeout and the task's sleep end at 1 s; the task still needs its finish
  // step, which main's timed-out result may come before or after.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          sim::Future<int> f = pool.submit(sleeper(1, 7));
          try {
            sim::outcome(std::to_string(f.result(1)));
          } catch (const sim::TimeoutError&) {
            sim::outcome("TimeoutError");
          }
        }) == std::set<std::string>{"7", "TimeoutError"});
}

TEST_CASE("with time ignored, a timeout may expire at any point, however long") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          sim::Future<int> f = pool.submit(sleeper(1, 7));
          try {
            sim::outcome(std::to_string(f.result(100)));
          } catch (const sim::TimeoutError&) {
            sim::outcome("TimeoutError");
          }
        }, /*ignore_time=*/true) == std::set<std::string>{"7", "TimeoutError"});
}

TEST_CASE("a task's exception propagates through result() with its type and message") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          sim::Future<int> f = pool.submit([]() -> int { throw std::out_of_range("index 3"); });
          try {
            f.result();
            sim::outcome("returned");
          } catch (const std::out_of_range& e) {
            sim::outcome(std::string("out_of_range: ") + e.what());
          }
        }) == std::set<std::string>{"out_of_range: index 3"});
}

TEST_CASE("exception() returns the stored exception or null; with a timeout it raises TimeoutError") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          sim::Future<int> bad = pool.submit([]() -> int { sim::sleep(1); throw std::logic_error("boom"); });
          sim::Future<int> good = pool.submit(sleeper(1, 1));
          std::string text;
          try {
            bad.exception(0.5);
          } catch (const sim::TimeoutError&) {
            text = "TimeoutError" + at();
          }
          try {
            std::rethrow_exception(bad.exception());
          } catch (const std::logic_error& e) {
            text += std::string("; bad: ") + e.what() + at();
          }
          text += good.exception() == nullptr ? "; good: None" : "; good: ?";
          sim::outcome(text);
        }) == std::set<std::string>{"TimeoutError@0.5; bad: boom@1; good: None"});
}

TEST_CASE("cancel() is True only for a pending future; cancelled futures raise CancelledError") {
  // One worker; at 0.5 s f1 runs (its 1 s sleep) and f2 waits in the queue.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          sim::Future<int> f1 = pool.submit(sleeper(1, 1));
          sim::Future<int> f2 = pool.submit(sleeper(1, 2));
          sim::sleep(0.5);
          std::string text = fmt::format("running: cancel={} running={}", f1.cancel(), f1.running());
          text += fmt::format("; pending: running={} cancel={} cancelled={} done={} cancel again={}", f2.running(),
                              f2.cancel(), f2.cancelled(), f2.done(), f2.cancel());
          try {
            f2.result();
          } catch (const sim::CancelledError&) {
            text += " result=CancelledError";
          }
          try {
            f2.exception();
          } catch (const sim::CancelledError&) {
            text += " exception=CancelledError";
          }
          f1.result();
          text += fmt::format("; finished: cancel={} cancelled={} done={}", f1.cancel(), f1.cancelled(), f1.done());
          sim::outcome(text);
        }) == std::set<std::string>{
                  "running: cancel=false running=true; pending: running=false cancel=true cancelled=true done=true "
                  "cancel again=true result=CancelledError exception=CancelledError; finished: cancel=false "
                  "cancelled=false done=true"});
}

TEST_CASE("cancel() wakes a thread blocked in result() with CancelledError") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          sim::Future<int> f1 = pool.submit(sleeper(1, 1));
          sim::Future<int> f2 = pool.submit(sleeper(1, 2));
          std::string seen;
          sim::Thread waiter([&f2, &seen] {
            try {
              f2.result();
            } catch (const sim::CancelledError&) {
              seen = "CancelledError" + at();
            }
          }, "waiter");
          waiter.start();
          sim::sleep(0.5);
          f2.cancel();
          waiter.join();
          sim::outcome(seen);
        }) == std::set<std::string>{"CancelledError@0.5"});
}

TEST_CASE("running() and done() follow a future from the queue to the end") {
  // One worker, two 1 s tasks: f2 waits until 1 s, then runs until 2 s.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          sim::Future<int> f1 = pool.submit(sleeper(1, 1));
          sim::Future<int> f2 = pool.submit(sleeper(1, 2));
          std::string text;
          for (double t : {0.5, 1.0, 1.0}) {
            sim::sleep(t);
            text += fmt::format("{}: f1 {}{} f2 {}{}; ", at(), f1.running() ? "R" : "-", f1.done() ? "D" : "-",
                                f2.running() ? "R" : "-", f2.done() ? "D" : "-");
          }
          sim::outcome(text);
        }) == std::set<std::string>{"@0.5: f1 R- f2 --; @1.5: f1 -D f2 R-; @2.5: f1 -D f2 -D; "});
}

}  // TEST_SUITE

TEST_SUITE("executor: as_completed and wait") {

TEST_CASE("as_completed yields futures in completion order on the virtual clock") {
  // Three workers; the tasks take 3, 1 and 2 s.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(3);
          std::vector<sim::Future<int>> fs;
          for (int i : {0, 1, 2}) fs.push_back(pool.submit(sleeper(std::vector<int>{3, 1, 2}[i], i)));
          std::string order;
          for (const sim::Future<int>& f : sim::as_completed(fs)) order += std::to_string(f.result()) + at() + " ";
          sim::outcome(order);
        }) == std::set<std::string>{"1@1 2@2 0@3 "});
}

TEST_CASE("as_completed: futures finishing at the same instant come in either order") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(1, 1))};
          std::string order;
          for (const sim::Future<int>& f : sim::as_completed(fs)) order += std::to_string(f.result());
          sim::outcome(order);
        }) == std::set<std::string>{"01", "10"});
}

TEST_CASE("as_completed(timeout) raises TimeoutError at the deadline, counting the unfinished") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(5, 1))};
          std::string order;
          try {
            for (const sim::Future<int>& f : sim::as_completed(fs, 2)) order += std::to_string(f.result()) + at() + " ";
          } catch (const sim::TimeoutError& e) {
            order += std::string("TimeoutError(") + e.what() + ")" + at();
          }
          sim::outcome(order);
        }) == std::set<std::string>{"0@1 TimeoutError(1 (of 2) futures unfinished)@2"});
}

TEST_CASE("as_completed yields a repeated future once, finished ones first") {
  // f0 is finished before the call; f1 finishes at 2 s.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          sim::Future<int> f0 = pool.submit(sleeper(1, 0));
          sim::Future<int> f1 = pool.submit(sleeper(2, 1));
          f0.result();
          std::string order;
          for (const sim::Future<int>& f : sim::as_completed(std::vector<sim::Future<int>>{f1, f0, f1, f0})) {
            order += std::to_string(f.result()) + at() + " ";
          }
          sim::outcome(order);
        }) == std::set<std::string>{"0@1 1@2 "});
}

TEST_CASE("as_completed sees a future cancelled in the queue once the worker skips it") {
  // One worker: f0 runs 0..1 s; f1, cancelled at 0 s, is notified when the worker
  // takes it off the queue right after f0 completes, so it comes second, at 1 s.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(1, 1))};
          fs[1].cancel();
          std::string order;
          for (const sim::Future<int>& f : sim::as_completed(fs)) {
            order += (f == fs[0] ? "f0" : "f1") + at() + (f.cancelled() ? " cancelled " : " ");
          }
          sim::outcome(order);
        }) == std::set<std::string>{"f0@1 f1@1 cancelled "});
}

TEST_CASE("wait returns when return_when holds: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED") {
  // Three workers: f0 ends at 2 s, f1 at 1 s, f2 raises at 1.5 s, f3 ends at 3 s.
  auto run = [](sim::ReturnWhen when, double timeout) {
    return outcomes_of([when, timeout] {
      sim::ThreadPoolExecutor pool(4);
      std::vector<sim::Future<int>> fs = {pool.submit(sleeper(2, 0)), pool.submit(sleeper(1, 1)),
                                          pool.submit([]() -> int { sim::sleep(1.5); throw std::runtime_error("f2"); }),
                                          pool.submit(sleeper(3, 3))};
      const sim::DoneAndNotDone<int> r = sim::wait(fs, timeout, when);
      std::string text = "returned" + at() + " done:";
      for (const auto& f : r.done) text += " " + f.name();
      text += " not_done:";
      for (const auto& f : r.not_done) text += " " + f.name();
      sim::outcome(text);
    });
  };
  CHECK(run(sim::ReturnWhen::kFirstCompleted, -1) == std::set<std::string>{"returned@1 done: future-1 not_done: future-0 future-2 future-3"});
  CHECK(run(sim::ReturnWhen::kFirstException, -1) ==
        std::set<std::string>{"returned@1.5 done: future-1 future-2 not_done: future-0 future-3"});
  CHECK(run(sim::ReturnWhen::kAllCompleted, -1) ==
        std::set<std::string>{"returned@3 done: future-0 future-1 future-2 future-3 not_done:"});
  // A timeout returns what is done by then.
  CHECK(run(sim::ReturnWhen::kAllCompleted, 2.5) ==
        std::set<std::string>{"returned@2.5 done: future-0 future-1 future-2 not_done: future-3"});
}

TEST_CASE("wait(FIRST_EXCEPTION) without an exception waits for all; an empty wait returns at once") {
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(2);
          std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(2, 1))};
          const auto r = sim::wait(fs, -1, sim::ReturnWhen::kFirstException);
          const auto empty = sim::wait(std::vector<sim::Future<int>>{}, -1, sim::ReturnWhen::kFirstCompleted);
          sim::outcome(fmt::format("{} done{}; empty: {} {}{}", r.done.size(), at(), empty.done.size(),
                                   empty.not_done.size(), at()));
        }) == std::set<std::string>{"2 done@2; empty: 0 0@2"});
}

TEST_CASE("wait counts futures cancelled by shutdown(cancel_futures=True) as not done (gh-109934)") {
  // CPython leaves them CANCELLED, never CANCELLED_AND_NOTIFIED, so wait() does not see
  // them complete, although done() is True.
  CHECK(outcomes_of([] {
          sim::ThreadPoolExecutor pool(1);
          std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(1, 1))};
          sim::sleep(0.5);
          pool.shutdown(true, true);
          const auto r = sim::wait(fs, 0);
          sim::outcome(fmt::format("done={} not_done={} cancelled={} done()={}", r.done.size(), r.not_done.size(),
                                   fs[1].cancelled(), fs[1].done()));
        }) == std::set<std::string>{"done=1 not_done=1 cancelled=true done()=true"});
}

}  // TEST_SUITE

TEST_SUITE("executor: hangs") {

// For each blocking operation, a program that hangs on it, and the report's words.

TEST_CASE("result(): a task waiting for a task queued behind it on the only worker") {
  const checker::Trace trace = first_bug([] {
    sim::ThreadPoolExecutor pool(1);
    pool.submit([&pool] { return pool.submit([] { return 1; }, {.future = "inner", .task = "leaf"}).result(); },
                {.future = "outer", .task = "parent"});
  });
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::ThreadId worker = test::thread_named(trace, "worker-0");
  const sim::BlockedThread* w = test::blocked_entry(trace, worker);
  REQUIRE(w != nullptr);
  CHECK(w->op == sim::OpKind::kFutureResult);
  CHECK(w->waits_for ==
        "future inner (leaf), which has not started: it waits in the queue, and the only worker (worker-0) is "
        "the thread waiting for it");
  CHECK(w->blocker == worker);  // it waits for itself
  CHECK(checker::finding_headline(trace) == "deadlock: worker-0 -> future inner -> worker-0");
}

TEST_CASE("result(): both workers of a pool wait for tasks queued behind them") {
  // Two parents take both workers; each waits for its child, queued behind the other
  // parent's child or its own sibling.
  const checker::Trace trace = first_bug([] {
    sim::ThreadPoolExecutor pool(2);
    auto parent = [&pool](const char* child) {
      return [&pool, child] { return pool.submit([] { return 1; }, {.future = child, .task = "leaf"}).result(); };
    };
    pool.submit(parent("c0"), {.future = "p0", .task = "parent"});
    pool.submit(parent("c1"), {.future = "p1", .task = "parent"});
  });
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::BlockedThread* w0 = test::blocked_entry(trace, test::thread_named(trace, "worker-0"));
  const sim::BlockedThread* w1 = test::blocked_entry(trace, test::thread_named(trace, "worker-1"));
  REQUIRE(w0 != nullptr);
  REQUIRE(w1 != nullptr);
  // DFS's first deadlock: worker-0 runs p0 and submits c0; worker-1 runs p1, submits c1.
  CHECK(w0->waits_for ==
        "future c0 (leaf), which has not started: it waits in the queue, and all 2 workers are busy: worker-0 "
        "is the thread waiting for it, worker-1 runs future p1 (parent)");
  CHECK(w1->waits_for ==
        "future c1 (leaf), which has not started: it waits in the queue behind 1 other task, and all 2 workers "
        "are busy: worker-0 runs future p0 (parent), worker-1 is the thread waiting for it");
  CHECK(w0->blocker == sim::kNoThread);  // either worker freeing up would do
}

TEST_CASE("map: a task mapping over its own one-worker pool") {
  const checker::Trace trace = first_bug([] {
    sim::ThreadPoolExecutor pool(1);
    pool.submit([&pool] {
      int sum = 0;
      for (int r : pool.map([](int x) { return x; }, std::vector<int>{1, 2}, {.task = "leaf"})) sum += r;
      return sum;
    }, {.future = "outer", .task = "parent"});
  });
  const sim::BlockedThread* w = test::blocked_entry(trace, test::thread_named(trace, "worker-0"));
  REQUIRE(w != nullptr);
  CHECK(w->waits_for ==
        "future future-1 (leaf), which has not started: it waits in the queue, and the only worker (worker-0) is "
        "the thread waiting for it");
}

TEST_CASE("as_completed: a task iterating over futures only its own worker could run") {
  const checker::Trace trace = first_bug([] {
    sim::ThreadPoolExecutor pool(1);
    pool.submit([&pool] {
      std::vector<sim::Future<int>> fs = {pool.submit([] { return 1; }, {.future = "a", .task = "leaf"}),
                                          pool.submit([] { return 2; }, {.future = "b", .task = "leaf"})};
      for (const sim::Future<int>& f : sim::as_completed(fs)) f.result();
      return 0;
    }, {.future = "outer", .task = "parent"});
  });
  const sim::ThreadId worker = test::thread_named(trace, "worker-0");
  const sim::BlockedThread* w = test::blocked_entry(trace, worker);
  REQUIRE(w != nullptr);
  CHECK(w->op == sim::OpKind::kWait);
  CHECK(w->waits_for ==
        "the next future of as_completed: future a (leaf), which has not started: it waits in the queue, and the "
        "only worker (worker-0) is the thread waiting for it; future b (leaf), which has not started: it waits in "
        "the queue behind 1 other task, and the only worker (worker-0) is the thread waiting for it");
  CHECK(w->blocker == worker);
}

TEST_CASE("wait(): futures cancelled by shutdown(cancel_futures=True) are never seen to complete") {
  const checker::Trace trace = first_bug([] {
    sim::ThreadPoolExecutor pool(1);
    std::vector<sim::Future<int>> fs = {pool.submit(sleeper(1, 0)), pool.submit(sleeper(1, 1))};
    sim::sleep(0.5);
    pool.shutdown(true, true);
    sim::wait(fs);
  });
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(trace.finding->blocked.size() == 1);
  const sim::BlockedThread& main = trace.finding->blocked[0];
  CHECK(main.thread == sim::kMainThread);
  CHECK(main.op == sim::OpKind::kWait);
  CHECK(main.waits_for ==
        "all futures of wait(ALL_COMPLETED): future future-1 (task), which was cancelled by "
        "shutdown(cancel_futures=True), and CPython 3.11 never tells wait() or as_completed() (the future stays "
        "CANCELLED instead of CANCELLED_AND_NOTIFIED: gh-87893, gh-109934)");
}

TEST_CASE("shutdown(wait=True) and the end of a with block: joining a worker that waits for the caller") {
  // Main holds L while it shuts the pool down; the task needs L.
  for (const bool explicit_shutdown : {true, false}) {
    CAPTURE(explicit_shutdown);
    const checker::Trace trace = first_bug([explicit_shutdown] {
      sim::Lock lock("L");
      std::scoped_lock with_lock(lock);
      sim::ThreadPoolExecutor pool(1);
      pool.submit([&lock] { std::scoped_lock with(lock); return 1; });
      if (explicit_shutdown) pool.shutdown();
    });
    CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
    CHECK(checker::finding_headline(trace) == "deadlock: main -> join worker-0 -> worker-0 -> L -> main");
  }
}

}  // TEST_SUITE

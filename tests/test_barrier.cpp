// threading.Barrier against CPython 3.11: all parties pass together with distinct
// arrival indices, the action runs once in the last thread before anyone passes, the
// barrier is cyclic (a fast thread waits for the previous round to drain), a timeout
// breaks it at its virtual time, abort/reset, an action that raises, n_waiting and
// broken, BrokenBarrierError uncaught, and the hangs (too few parties, an action that
// waits on its own barrier), explained.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/barrier.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

checker::ExploreResult explore_all(const std::function<void()>& main) {
  return checker::explore(test::inline_model("barrier", main), test::dfs_all());
}

constexpr sim::Nanos kMs = 1'000'000;

// wait() as text: the index, or "broken".
std::string wait_text(sim::Barrier& b, std::optional<double> timeout = std::nullopt) {
  try {
    return std::to_string(b.wait(timeout));
  } catch (const sim::BrokenBarrierError&) {
    return "broken";
  }
}

}  // namespace

TEST_SUITE("threading: Barrier") {

TEST_CASE("all parties pass together with distinct indices; the action runs first, in the last thread") {
  const checker::ExploreResult result = explore_all([] {
    int actions = 0;
    sim::ThreadId action_thread = sim::kNoThread;
    sim::Barrier b(3, {.name = "b", .action = [&] {
                         ++actions;
                         action_thread = sim::Runtime::current().current_thread();
                       }});
    std::vector<std::int64_t> index(3, -1);
    std::vector<sim::ThreadId> ids(3);
    std::vector<sim::Thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&, i] {
        ids[i] = sim::Runtime::current().current_thread();
        index[i] = b.wait();
        sim::check(actions == 1, "a thread passed before the action ran");
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    std::string text;
    for (int i = 0; i < 3; ++i) {
      text += std::to_string(index[i]);
      if (index[i] == 2) sim::check(ids[i] == action_thread, "the action ran in a thread that did not arrive last");
    }
    sim::outcome(text);
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  // Every arrival order happens, and indices follow it.
  CHECK(test::string_outcomes(result) == std::set<std::string>{"012", "021", "102", "120", "201", "210"});
}

TEST_CASE("the barrier is cyclic; a thread early for the next round waits for this one to drain") {
  const checker::ExploreResult result = explore_all([] {
    int actions = 0;
    sim::Barrier b(2, {.name = "b", .action = [&actions] { ++actions; }});
    std::string a_indices, b_indices;
    sim::Thread x([&] {
      for (int round = 0; round < 2; ++round) a_indices += std::to_string(b.wait());
    });
    sim::Thread y([&] {
      for (int round = 0; round < 2; ++round) b_indices += std::to_string(b.wait());
    });
    x.start();
    y.start();
    x.join();
    y.join();
    sim::outcome(a_indices + "|" + b_indices + "|" + std::to_string(actions));
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) == std::set<std::string>{"00|11|2", "01|10|2", "10|01|2", "11|00|2"});
}

TEST_CASE("too few parties: the barrier never trips, and the report says how many arrived") {
  const checker::ExploreResult result = explore_all([] {
    sim::Barrier b(3, {.name = "b"});
    sim::Thread x([&b] { b.wait(); }, "x");
    sim::Thread y([&b] { b.wait(); }, "y");
    x.start();
    y.start();
    x.join();
    y.join();
  });
  CHECK(result.exhaustive);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(trace.finding->blocked.size() == 3);
  for (const char* name : {"x", "y"}) {
    CAPTURE(name);
    const sim::BlockedThread* w = test::blocked_entry(trace, test::thread_named(trace, name));
    REQUIRE(w != nullptr);
    CHECK(w->op == sim::OpKind::kWait);
    CHECK(trace.object_names.at(w->object) == "b");
    CHECK(w->blocker == sim::kNoThread);
    CHECK(w->waits_for == "barrier b (only 2 of its 3 parties arrived)");
  }
  CHECK(checker::explain_finding(trace).find("x waits for barrier b (only 2 of its 3 parties arrived)") !=
        std::string::npos);
}

TEST_CASE("a wait that times out breaks the barrier for everyone, at its virtual time") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(3, {.name = "b"});
    std::string x_result, y_result;
    sim::Thread x([&] { x_result = wait_text(b, 1.0); }, "x");
    sim::Thread y([&] { y_result = wait_text(b); }, "y");
    x.start();
    y.start();
    x.join();
    y.join();
    const bool broken = b.broken();
    const std::int64_t waiting = b.n_waiting();
    sim::outcome(x_result + "|" + y_result + "|" + wait_text(b) + "|" + std::to_string(broken) + "|" +
                 std::to_string(waiting));
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("broken|broken|broken|1|0")});
  std::vector<sim::Nanos> aborts;
  for (const sim::Event& e : record.events) {
    if (e.kind == sim::OpKind::kAbort) aborts.push_back(e.time);
  }
  CHECK(aborts == std::vector<sim::Nanos>{1000 * kMs});
  CHECK(record.duration == 1000 * kMs);
}

TEST_CASE("the barrier's default timeout applies to wait(); timeout 0 breaks it at once") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier slow(2, {.name = "slow", .timeout = 0.25});
    sim::Barrier quick(2, {.name = "quick"});
    sim::outcome(wait_text(slow) + "|" + wait_text(quick, 0));
  });
  CHECK(record.outcome == sim::Outcome{std::string("broken|broken")});
  CHECK(record.duration == 250 * kMs);
}

TEST_CASE("a timeout that expires while the action runs does not break the barrier") {
  // CPython's timed-out waiter must first get the barrier's lock back, which the last
  // thread holds while the action runs; by then the barrier has tripped.
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(2, {.name = "b", .action = [] { sim::sleep(2); }});
    std::string x_result;
    sim::Thread x([&] { x_result = wait_text(b, 1.0); }, "x");
    x.start();
    sim::sleep(0.5);
    const std::string main_result = wait_text(b);
    x.join();
    sim::outcome(x_result + "|" + main_result);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("0|1")});
  CHECK(record.duration == 2500 * kMs);
}

TEST_CASE("abort breaks the barrier for waiting and later threads; reset repairs it") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(2, {.name = "b"});
    std::string x_result;
    sim::Thread x([&] { x_result = wait_text(b); }, "x");
    x.start();
    sim::sleep(1);
    b.abort();
    x.join();
    std::string r = x_result + "|" + wait_text(b) + "|" + std::to_string(b.broken());
    b.reset();
    r += "|" + std::to_string(b.broken());
    sim::Thread y([&] { x_result = wait_text(b); }, "y");
    y.start();
    r += "|" + wait_text(b);
    y.join();
    sim::outcome(r + "|" + x_result);
  });
  CHECK_FALSE(record.finding.has_value());
  // After the reset, run_once's scheduler (lowest thread first) lets main arrive
  // first (index 0), then y (index 1, the last party).
  CHECK(record.outcome == sim::Outcome{std::string("broken|broken|1|0|0|1")});
}

TEST_CASE("reset while threads wait: they get BrokenBarrierError, then the barrier fills again") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(3, {.name = "b"});
    std::string x_result, y_result;
    sim::Thread x([&] { x_result = wait_text(b); }, "x");
    x.start();
    sim::sleep(1);
    const std::int64_t waiting_before = b.n_waiting();
    b.reset();
    x.join();
    const bool broken_after = b.broken();
    sim::Thread y([&] { y_result = wait_text(b); }, "y");
    sim::Thread z([&] { x_result += "," + wait_text(b); }, "z");
    y.start();
    z.start();
    const std::string main_result = wait_text(b);
    y.join();
    z.join();
    sim::outcome(std::to_string(waiting_before) + "|" + x_result + "|" + std::to_string(broken_after) + "|" +
                 y_result + "|" + main_result);
  });
  CHECK_FALSE(record.finding.has_value());
  // x: broken by the reset. Then run_once's scheduler (lowest thread first) lets main
  // arrive first (index 0), then y (1), then z (2).
  CHECK(record.outcome == sim::Outcome{std::string("1|broken,2|0|1|0")});
}

TEST_CASE("an action that raises: the last thread gets its exception, the others BrokenBarrierError") {
  const checker::ExploreResult result = explore_all([] {
    sim::Barrier b(2, {.name = "b", .action = [] { throw std::runtime_error("action failed"); }});
    std::string x_result;
    sim::Thread x([&] {
      try {
        x_result = wait_text(b);
      } catch (const std::runtime_error& e) {
        x_result = e.what();
      }
    }, "x");
    x.start();
    std::string main_result;
    try {
      main_result = wait_text(b);
    } catch (const std::runtime_error& e) {
      main_result = e.what();
    }
    x.join();
    sim::outcome(x_result + "|" + main_result + "|" + wait_text(b));
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{"broken|action failed|broken", "action failed|broken|broken"});
}

TEST_CASE("n_waiting counts the threads waiting in this round") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(3, {.name = "b"});
    std::string r = std::to_string(b.n_waiting()) + std::to_string(b.parties());
    sim::Thread x([&b] { b.wait(); });
    sim::Thread y([&b] { b.wait(); });
    x.start();
    sim::sleep(1);
    r += std::to_string(b.n_waiting());
    y.start();
    sim::sleep(1);
    r += std::to_string(b.n_waiting());
    b.wait();
    r += std::to_string(b.n_waiting());
    x.join();
    y.join();
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("03120")});
}

TEST_CASE("an uncaught BrokenBarrierError is an uncaught-exception finding") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier b(2, {.name = "b"});
    b.abort();
    b.wait();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kUncaughtException);
  CHECK(record.finding->message == "barrier b is broken (threading.BrokenBarrierError)");
}

TEST_CASE("an action that waits on its own barrier waits for itself") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Barrier* self = nullptr;
    sim::Barrier b(1, {.name = "b", .action = [&self] { self->abort(); }});
    self = &b;
    b.wait();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(record.finding->blocked.size() == 1);
  const sim::BlockedThread& blocked = record.finding->blocked[0];
  CHECK(blocked.op == sim::OpKind::kAbort);
  CHECK(blocked.blocker == sim::kMainThread);
  CHECK(blocked.waits_for == "barrier b (its action is running in main, which holds the barrier's lock)");
}

}  // TEST_SUITE

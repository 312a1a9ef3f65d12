// Exact execution counts of exhaustive DFS, derived from the multinomial formula.
//
// By the runtime's protocol (sim/runtime.hpp) a scheduling point is a visible operation,
// a block or a finish; starting a thread and a join that completes are not. So for a
// model without blocking, each execution is one interleaving of the threads' visible
// steps and DFS runs exactly (sum s_i)! / prod(s_i!) of them, where s_i counts the
// visible steps thread i performs while others may run. Steps of the main thread
// before the first start or after the last join run alone and add no factor.
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace {

// Threads that each perform `steps[i]` loads of their own variable; the main thread
// performs `main_steps` loads between starting them and joining them.
sim::ModelInstance uneven_model(std::vector<int> steps, int main_steps) {
  return test::inline_model("uneven", [steps, main_steps] {
    std::deque<sim::Shared<std::int64_t>> vars;  // deque: Shared is not movable
    for (std::size_t i = 0; i < steps.size(); ++i) vars.emplace_back("v" + std::to_string(i), 0);
    sim::Shared<std::int64_t> own("main-var", 0);
    std::vector<sim::Thread> threads;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      threads.emplace_back([&vars, i, n = steps[i]] {
        for (int k = 0; k < n; ++k) vars[i].load();
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (int k = 0; k < main_steps; ++k) own.load();
    for (sim::Thread& t : threads) t.join();
    own.load();  // after every join: runs alone
  });
}

std::vector<std::uint64_t> counter_parts(int threads, int iters) {
  // Each increment is a load and a store: 2K visible steps per thread.
  return std::vector<std::uint64_t>(static_cast<std::size_t>(threads), 2 * static_cast<std::uint64_t>(iters));
}

}  // namespace

TEST_SUITE("dfs counts") {

TEST_CASE("multinomial helper") {
  CHECK(test::multinomial({}) == 1);
  CHECK(test::multinomial({5}) == 1);
  CHECK(test::multinomial({1, 1}) == 2);
  CHECK(test::multinomial({2, 2}) == 6);               // C(4,2)
  CHECK(test::multinomial({1, 2, 3}) == 60);           // 6! / (1! 2! 3!)
  CHECK(test::multinomial({4, 4, 4}) == 34650);        // 12! / (4!)^3
}

TEST_CASE("racy counter: (T*2K)! / ((2K)!)^T executions") {
  for (const auto& [threads, iters] :
       std::vector<std::pair<int, int>>{{1, 1}, {1, 3}, {2, 1}, {2, 2}, {3, 1}, {3, 2}, {2, 3}}) {
    CAPTURE(threads);
    CAPTURE(iters);
    const std::uint64_t expected = test::multinomial(counter_parts(threads, iters));
    const checker::ExploreResult result = checker::explore(test::counter(threads, iters), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK_FALSE(result.limit_hit);
    CHECK(result.executions == expected);
    CHECK(result.certificate ==
          "exhaustive: all " + checker::with_commas(expected) + (expected == 1 ? " schedule" : " schedules") +
              " explored (DFS)");
  }
}

TEST_CASE("threads with different numbers of steps: multinomial with unequal parts") {
  struct Case {
    std::vector<int> steps;
    int main_steps;
  };
  const std::vector<Case> cases = {
      {{1, 2, 3}, 0},
      {{3, 1}, 2},     // the main thread's own steps interleave too
      {{2, 0, 2}, 0},  // a thread without visible steps adds nothing
      {{1, 1, 1, 1}, 1},
      {{4}, 3},
  };
  for (const Case& c : cases) {
    std::vector<std::uint64_t> parts;
    for (int s : c.steps) parts.push_back(static_cast<std::uint64_t>(s));
    parts.push_back(static_cast<std::uint64_t>(c.main_steps));
    CAPTURE(parts.size());
    CAPTURE(c.main_steps);
    const std::uint64_t expected = test::multinomial(parts);
    const checker::ExploreResult result = checker::explore(uneven_model(c.steps, c.main_steps), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK(result.executions == expected);
  }
}

TEST_CASE("yield and sleep are steps like any other visible operation") {
  // Thread a: yield, sleep, yield; thread b: sleep, load. With time ignored, sleep is a
  // plain step: 5 steps, C(5, 2) orders. On the virtual clock the sleeps order
  // everything: a yields at t=0, b's sleep ends at 0.5 and b loads, a's sleep ends at 1
  // and a yields: exactly one execution, lasting 1 s.
  const auto model = test::inline_model("pauses", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread a([] {
      sim::yield();
      sim::sleep(1);
      sim::yield();
    });
    sim::Thread b([&x] {
      sim::sleep(0.5);
      x.load();
    });
    a.start();
    b.start();
  });
  checker::ExploreOptions time_ignored = test::dfs_all();
  time_ignored.ignore_time = true;
  const checker::ExploreResult result = checker::explore(model, time_ignored);
  CHECK(result.exhaustive);
  CHECK(result.executions == test::multinomial({3, 2}));

  const checker::ExploreResult timed = checker::explore(model, test::dfs_all());
  CHECK(timed.exhaustive);
  CHECK(timed.executions == 1);
  CHECK(test::run_once(model.main).duration == 1'000'000'000);
}

TEST_CASE("an exploration cut off by max_executions says so") {
  const std::uint64_t all = test::multinomial(counter_parts(2, 2));
  checker::ExploreOptions options = test::dfs_all();
  options.max_executions = all - 1;
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), options);
  CHECK(result.executions == all - 1);
  CHECK(result.limit_hit);
  CHECK_FALSE(result.exhaustive);
  CHECK(result.certificate == "stopped at the " + checker::with_commas(all - 1) + "-execution limit (" +
                                  checker::with_commas(all - 1) + " DFS executions): not exhaustive");
}

TEST_CASE("a budget of exactly the number of schedules is still exhaustive") {
  // All schedules were run, so "no other outcome" is proven; the budget ran out at the
  // same moment as the search, which is not a cut-off.
  const std::uint64_t all = test::multinomial(counter_parts(2, 2));
  checker::ExploreOptions options = test::dfs_all();
  options.max_executions = all;
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), options);
  CHECK(result.executions == all);
  CHECK(result.exhaustive);
  CHECK_FALSE(result.limit_hit);
}

TEST_CASE("default strategy: a model within DPOR's probe is answered exactly by DPOR alone") {
  // Locked counter: (T*K)!/(K!)^T orders of the critical sections, one trace each.
  checker::ExploreOptions options;
  options.stop_at_first_bug = false;
  const std::uint64_t traces = test::multinomial({2, 2});
  REQUIRE(traces < options.portfolio_probe);
  const checker::ExploreResult result = checker::explore(test::counter(2, 2, true), options);
  CHECK(result.exhaustive);
  CHECK(result.executions == traces);
  CHECK(result.certificate == "exhaustive: all " + checker::with_commas(traces) + " traces explored (DPOR)");
}

TEST_CASE("default strategy: past the probe, DPOR alone when the estimated tree fits the budget") {
  // Locked counter 3x2: 90 traces, past a probe of 50; Knuth's estimate of the DFS tree
  // is far below the default budget, so DPOR finishes alone, besides the 64 probes.
  checker::ExploreOptions options;
  options.stop_at_first_bug = false;
  options.portfolio_probe = 50;
  const std::uint64_t traces = test::multinomial({2, 2, 2});
  const checker::ExploreResult result = checker::explore(test::counter(3, 2, true), options);
  CHECK(result.exhaustive);
  CHECK(result.executions == traces + 64);
  // Outcome counts come from DPOR only: one per trace.
  CHECK(test::int_outcome_counts(result) == std::map<std::int64_t, std::uint64_t>{{6, traces}});
  CHECK(result.certificate == "exhaustive: all " + checker::with_commas(traces) +
                                  " traces explored (DPOR), besides 64 random-walk probes");
}

TEST_CASE("random strategy runs exactly random_executions and is never exhaustive") {
  checker::ExploreOptions options = test::random_first_bug(3, 40);
  options.stop_at_first_bug = false;
  const checker::ExploreResult result = checker::explore(test::counter(2, 1), options);
  CHECK(result.executions == options.random_executions);
  CHECK_FALSE(result.exhaustive);
  CHECK_FALSE(result.limit_hit);
  CHECK(result.certificate == "40 random executions (random walk, seed 3): not exhaustive");
}

}  // TEST_SUITE

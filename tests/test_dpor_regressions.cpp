// DPOR soundness regressions: small models on which DPOR once missed a trace that DFS
// runs. Each must give DFS's outcome set and findings (tests/dpor_differential.hpp).
#include "dpor_differential.hpp"
#include "support.hpp"

#include "sim/executor.hpp"
#include "sim/futures_wait.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

TEST_SUITE("dpor") {

// A blocked step j and a dependent step i of another thread taken while j's thread was
// disabled used to be no race ("transparent"), judged by the enabled set of the one
// order executed. Here B's futures.wait (ALL_COMPLETED) reads both futures, so it
// depends on A's cancel of the finished f0 (i); it is ready once the worker has taken
// the cancelled f1, a step independent of A's store and cancel of f0 that can move
// before them. In every order DPOR ran first, the worker took f1 after A's cancel of
// f0: B was disabled there, the race was dropped, and B's wait, ordered after that
// cancel, hid the race of B's load with A's earlier store, so "A cancelled f1, B saw
// x == 0" ("12 20") was never run. Now i is transparent only if every step between i
// and j that j comes after also comes after i. (Generated program seed 5,000,000 #123 of
// test_dpor_effects.cpp had the same shape at 1c0a784, where waits were dependent with
// every step: a lost notify that DPOR missed.)
TEST_CASE("DPOR: a wait enabled by a step that could move before a dependent step races with it") {
  const sim::ModelInstance model = test::inline_model("wait enabled by an independent step", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::ThreadPoolExecutor pool(1);
    std::vector<sim::Future<int>> fs;
    fs.push_back(pool.submit([] { return 1; }));
    fs[0].result();  // f0 is finished before the threads start
    fs.push_back(pool.submit([] { return 2; }));
    std::int64_t a = 0;
    std::int64_t b = 0;
    sim::Thread ta([&] {
      a = fs[1].cancel() ? 1 : 2;
      x.store(1);
      a = a * 10 + (fs[0].cancel() ? 1 : 2);  // fails: f0 is finished
    });
    sim::Thread tb([&] {
      const auto waited = sim::wait(fs, -1, sim::ReturnWhen::kAllCompleted);
      b = static_cast<std::int64_t>(waited.done.size()) * 10 + x.load();
    });
    ta.start();
    tb.start();
    ta.join();
    tb.join();
    pool.shutdown();
    sim::outcome(std::to_string(a) + " " + std::to_string(b));
  });
  // a: 1 if A cancelled f1 before the worker took it, then 2 (f0's cancel fails); b:
  // both futures done (20) plus the x B loaded.
  const std::set<std::string> expected{"12 20", "12 21", "22 20", "22 21"};
  for (bool ignore_time : {true, false}) {
    CAPTURE(ignore_time);
    const checker::ExploreResult result = checker::explore(model, test::dpor_all(ignore_time));
    CHECK(test::string_outcomes(result) == expected);
    CHECK(result.bugs.empty());
    CHECK(test::same_as_dfs(model, ignore_time, 10'000));
  }
}

}  // TEST_SUITE

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

// A step's recorded effects must not depend on the order of steps DPOR thinks commute.
// as_completed watches the futures left after its first wait, so a completion records
// a set on the as_completed object, which its later waits read. A wait that times out
// ends the generator, which unwatches the futures left: after it, f0's completion sets
// nothing, so the timed-out wait and the completion looked independent, and the order
// "f1 done, first wait (gets f1), f0 done, second wait (gets f0)" ("12") was never
// run when time is ignored (a timed wait can time out at any point). Unwatching now
// records a read of each future, which orders it with their completions. (Generated
// programs seed 6,000,000 #219 and #851 of test_dpor_effects.cpp at 1b6a527.)
TEST_CASE("DPOR: an as_completed that times out races with the completions it stops watching") {
  const sim::ModelInstance model = test::inline_model("as_completed timeout unwatches", [] {
    sim::ThreadPoolExecutor pool(2);
    std::vector<sim::Future<std::int64_t>> fs;
    fs.push_back(pool.submit([]() -> std::int64_t { return 5; }));
    fs.push_back(pool.submit([]() -> std::int64_t { return 1; }));
    std::int64_t seen = 0;
    try {
      for (const sim::Future<std::int64_t>& f : sim::as_completed(fs, 0.5)) seen = seen * 7 + f.result();
    } catch (const sim::TimeoutError&) {
      seen = seen * 7 + 8;
    }
    pool.shutdown();
    sim::outcome(std::to_string(seen));
  });
  // The results in the order as_completed gave them, then 8 for a timeout: both at the
  // first wait come in the order given (36); f1 alone first, then f0 (12). With time,
  // the tasks take none, so the 0.5 s timeout never fires.
  const std::set<std::string> timed{"12", "36"};
  const std::set<std::string> untimed{"8", "12", "15", "36", "43"};
  for (bool ignore_time : {true, false}) {
    CAPTURE(ignore_time);
    const checker::ExploreResult result = checker::explore(model, test::dpor_all(ignore_time));
    CHECK(test::string_outcomes(result) == (ignore_time ? untimed : timed));
    CHECK(result.bugs.empty());
    CHECK(test::same_as_dfs(model, ignore_time, 10'000));
  }
}

}  // TEST_SUITE

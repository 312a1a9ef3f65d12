// Determinism: the same model, options and seed give the same result, field for field
// (certificate, execution counts, outcomes, and every bug's schedule and events), for
// the random, default and DFS strategies, and independently of what ran before.
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void require_same_result(const checker::ExploreResult& a, const checker::ExploreResult& b) {
  CHECK(a.certificate == b.certificate);
  CHECK(a.executions == b.executions);
  CHECK(a.exhaustive == b.exhaustive);
  CHECK(a.limit_hit == b.limit_hit);
  REQUIRE(a.outcomes.size() == b.outcomes.size());
  for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
    CAPTURE(i);
    CHECK(a.outcomes[i].value == b.outcomes[i].value);
    CHECK(a.outcomes[i].count == b.outcomes[i].count);
  }
  REQUIRE(a.bugs.size() == b.bugs.size());
  for (std::size_t i = 0; i < a.bugs.size(); ++i) {
    CAPTURE(i);
    CHECK(a.bugs[i].strategy == b.bugs[i].strategy);
    CHECK(a.bugs[i].execution == b.bugs[i].execution);
    CHECK(a.bugs[i].occurrences == b.bugs[i].occurrences);
    test::require_same_trace(a.bugs[i].trace, b.bugs[i].trace);
  }
  REQUIRE(a.cut_off_example.has_value() == b.cut_off_example.has_value());
  if (a.cut_off_example) test::require_same_trace(*a.cut_off_example, *b.cut_off_example);
}

struct Subject {
  const char* name;
  sim::ModelInstance model;
};

std::vector<Subject> subjects() {
  return {
      {"counter 2x2", test::counter(2, 2)},
      {"counter 3x1", test::counter(3, 1)},
      {"philosophers 4", test::philosophers(4)},
      {"executor-deadlock", test::model("executor-deadlock")},
  };
}

std::vector<checker::ExploreOptions> strategies(std::uint64_t seed) {
  std::vector<checker::ExploreOptions> all;
  for (const bool stop : {true, false}) {
    checker::ExploreOptions random = test::random_first_bug(seed, 200);
    random.stop_at_first_bug = stop;
    all.push_back(random);
    checker::ExploreOptions fallback;  // kDefault: DPOR, then bounded slices past the probe
    fallback.seed = seed;
    fallback.portfolio_probe = 200;
    fallback.max_executions = 3'000;
    fallback.stop_at_first_bug = stop;
    all.push_back(fallback);
  }
  return all;
}

}  // namespace

TEST_SUITE("determinism") {

TEST_CASE("same seed, same result: random and default strategies") {
  for (const Subject& s : subjects()) {
    for (const std::uint64_t seed : {1ull, 7ull, 0xDEADBEEFull}) {
      for (const checker::ExploreOptions& options : strategies(seed)) {
        CAPTURE(s.name);
        CAPTURE(seed);
        CAPTURE(static_cast<int>(options.strategy));
        CAPTURE(options.stop_at_first_bug);
        const checker::ExploreResult first = checker::explore(s.model, options);
        const checker::ExploreResult second = checker::explore(s.model, options);
        require_same_result(first, second);
      }
    }
  }
}

TEST_CASE("same result whatever ran before in the process") {
  // Runtimes reuse stacks and buffers; nothing may leak from one exploration to the next.
  const checker::ExploreOptions options = test::random_first_bug(42, 300);
  const sim::ModelInstance counter = test::counter(3, 1);
  const checker::ExploreResult before = checker::explore(counter, options);
  checker::explore(test::philosophers(5), checker::ExploreOptions{});
  checker::explore(test::model("executor-deadlock"), test::dfs_all());
  const checker::ExploreResult after = checker::explore(counter, options);
  require_same_result(before, after);
  // A fresh instance of the same model and parameters behaves the same as well.
  require_same_result(before, checker::explore(test::counter(3, 1), options));
}

TEST_CASE("DFS is deterministic") {
  for (const Subject& s : subjects()) {
    CAPTURE(s.name);
    checker::ExploreOptions options = test::dfs_all();
    options.max_executions = 5'000;
    require_same_result(checker::explore(s.model, options), checker::explore(s.model, options));
    require_same_result(checker::explore(s.model, test::dfs_first_bug()),
                        checker::explore(s.model, test::dfs_first_bug()));
  }
}

TEST_CASE("replaying the same schedule twice gives the same trace") {
  const sim::ModelInstance model = test::philosophers(4);
  const checker::ExploreResult result = checker::explore(model, test::random_first_bug(9));
  REQUIRE(result.bugs.size() == 1);
  const auto& choices = result.bugs[0].trace.choices;
  const checker::ReplayResult a = checker::replay(model, choices);
  const checker::ReplayResult b = checker::replay(model, choices);
  CHECK(a.divergence == b.divergence);
  test::require_same_trace(a.trace, b.trace);
}

TEST_CASE("the random certificate names its seed and count") {
  for (const std::uint64_t seed : {1ull, 99ull}) {
    checker::ExploreOptions options = test::random_first_bug(seed, 25);
    options.stop_at_first_bug = false;
    const checker::ExploreResult result = checker::explore(test::counter(2, 1, true), options);
    CHECK(result.certificate == "25 random executions (random walk, seed " + std::to_string(seed) +
                                    "): not exhaustive");
  }
}

TEST_CASE("a model that is not deterministic apart from scheduling is refused") {
  // Every other execution starts one more thread: replaying DFS's prefix then offers a
  // different set of runnable threads.
  auto runs = std::make_shared<int>(0);
  const auto model = test::inline_model("flaky", [runs] {
    sim::Shared<std::int64_t> x("x", 0);
    const int extra = (*runs)++ % 2;
    std::vector<sim::Thread> threads;
    for (int i = 0; i < 2 + extra; ++i) threads.emplace_back([&x] { x.load(); });
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
  });
  CHECK_THROWS_WITH_AS(checker::explore(model, test::dfs_all()),
                       "model 'flaky' is not deterministic: replaying a schedule prefix gave different runnable "
                       "threads or operations (models may not use real time, real I/O or unseeded randomness)",
                       std::runtime_error);
}

}  // TEST_SUITE

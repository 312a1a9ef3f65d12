// The teaching oracle: the exact set of final values a model can print, over every
// schedule (exhaustive DFS). The racy counter's outcome counts are cross-checked
// against an independent enumeration written here, with no fibers and no runtime.
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace {

// Reference semantics of `counter += 1` in T threads x K iterations: every thread is a
// sequence of 2K steps (load into its register, store register + 1). Enumerates every
// interleaving and counts the final values.
class CounterOracle {
 public:
  CounterOracle(int threads, int iters)
      : iters_(iters), pc_(static_cast<std::size_t>(threads), 0), reg_(pc_.size(), 0) {}

  std::map<std::int64_t, std::uint64_t> final_values() {
    step();
    return counts_;
  }

 private:
  void step() {
    bool any = false;
    for (std::size_t t = 0; t < pc_.size(); ++t) {
      if (pc_[t] == 2 * iters_) continue;
      any = true;
      const std::int64_t saved_counter = counter_;
      const std::int64_t saved_reg = reg_[t];
      if (pc_[t] % 2 == 0) {
        reg_[t] = counter_;
      } else {
        counter_ = reg_[t] + 1;
      }
      ++pc_[t];
      step();
      --pc_[t];
      counter_ = saved_counter;
      reg_[t] = saved_reg;
    }
    if (!any) ++counts_[counter_];
  }

  int iters_;
  std::vector<int> pc_;
  std::vector<std::int64_t> reg_;
  std::int64_t counter_ = 0;
  std::map<std::int64_t, std::uint64_t> counts_;
};

struct CounterCase {
  int threads;
  int iters;
  std::set<std::int64_t> expected;  // the answer a teacher gives for this program
};

}  // namespace

TEST_SUITE("outcomes") {

TEST_CASE("racy counter: exact outcome sets over every schedule") {
  const std::vector<CounterCase> cases = {
      {2, 1, {1, 2}},
      {2, 2, {2, 3, 4}},
      {3, 1, {1, 2, 3}},
      {2, 3, {2, 3, 4, 5, 6}},
  };
  for (const CounterCase& c : cases) {
    CAPTURE(c.threads);
    CAPTURE(c.iters);
    const checker::ExploreResult result = checker::explore(test::counter(c.threads, c.iters), test::dfs_all());
    REQUIRE(result.exhaustive);
    CHECK_FALSE(result.limit_hit);
    CHECK(test::int_outcomes(result) == c.expected);
    // The same set from the general rule: every value from the smallest lost-update
    // result (1 with one increment per thread, else 2) up to no update lost.
    const std::int64_t lowest = c.iters == 1 ? 1 : 2;
    CHECK(test::int_outcomes(result) == test::range(lowest, std::int64_t{c.threads} * c.iters));

    // How many schedules give each value: exactly the reference enumeration's counts.
    CHECK(test::int_outcome_counts(result) == CounterOracle(c.threads, c.iters).final_values());

    // Every execution reported an outcome, so the counts add up to the executions.
    std::uint64_t total = 0;
    for (const checker::OutcomeCount& oc : result.outcomes) total += oc.count;
    CHECK(total == result.executions);

    // Every value below T*K is a lost update, reported as one assertion finding.
    REQUIRE(result.bugs.size() == static_cast<std::size_t>(c.expected.size() - 1));
    std::uint64_t failing = 0;
    for (const checker::FoundBug& bug : result.bugs) {
      CHECK(bug.trace.finding->kind == sim::FindingKind::kAssertion);
      CHECK(bug.trace.finding->thread == sim::kMainThread);
      failing += bug.occurrences;
    }
    CHECK(failing == total - test::int_outcome_counts(result).at(std::int64_t{c.threads} * c.iters));
  }
}

TEST_CASE("locked counter: only T*K, no finding, exhaustively") {
  for (const auto& [threads, iters] : std::vector<std::pair<int, int>>{{2, 2}, {3, 2}}) {
    CAPTURE(threads);
    CAPTURE(iters);
    const checker::ExploreResult result =
        checker::explore(test::counter(threads, iters, /*locked=*/true), test::dfs_all());
    REQUIRE(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{std::int64_t{threads} * iters});
    REQUIRE(result.outcomes.size() == 1);
    CHECK(result.outcomes[0].count == result.executions);
    CHECK(result.certificate == "exhaustive: all " + checker::with_commas(result.executions) +
                                    " schedules explored (DFS)");
  }
}

TEST_CASE("each lost update names the value it ended at and the value expected") {
  const int threads = 2, iters = 2;
  const checker::ExploreResult result = checker::explore(test::counter(threads, iters), test::dfs_all());
  REQUIRE(result.bugs.size() == 2);  // ends at 2 and at 3
  std::set<std::int64_t> seen;
  for (const checker::FoundBug& bug : result.bugs) {
    REQUIRE(bug.trace.outcome.has_value());
    const std::int64_t value = std::get<std::int64_t>(*bug.trace.outcome);
    seen.insert(value);
    CHECK(bug.trace.finding->message == "lost update: counter is " + std::to_string(value) + ", expected " +
                                            std::to_string(threads * iters) + " (" + std::to_string(threads) +
                                            " threads x " + std::to_string(iters) + " increments)");
  }
  CHECK(seen == test::range(2, threads * iters - 1));
}

TEST_CASE("string outcomes of an inline model") {
  // Two threads each append their letter to a shared "last writer": the outcome is
  // whoever wrote last, so both letters are possible and nothing else.
  const auto model = test::inline_model("last-writer", [] {
    sim::Shared<std::int64_t> last("last", 0);
    sim::Thread a([&] { last.store('a'); }, "a");
    sim::Thread b([&] { last.store('b'); }, "b");
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(std::string(1, static_cast<char>(last.load())));
  });
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  REQUIRE(result.exhaustive);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"a", "b"});
  CHECK(result.executions == test::multinomial({1, 1}));
}

}  // TEST_SUITE

// The fast paths of the exploration's bookkeeping give the same results as the plain
// ones: outcomes counted by value in a table near the first integer outcome (OutcomeCounts,
// checker/outcome_counts.hpp) and in a map otherwise come out merged, sorted and counted exactly, and
// findings compared first with the bug last seen with the same outcome are counted as
// the same bugs, in the order found, even where that guess is wrong.
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {

// Four threads store their number; the last one's number picks the outcome, so each
// of the 4! orders of the stores is one trace and each outcome ends 6 of them.
sim::ModelInstance last_writer_model() {
  return test::inline_model("last writer", [] {
    sim::Shared<std::int64_t> last{"last", -1};
    std::vector<sim::Thread> threads;
    for (std::int64_t n = 0; n < 4; ++n) threads.emplace_back([&last, n] { last.store(n); });
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    // The first integer outcome places the table. The two extremes are neighbours in its
    // unsigned arithmetic (it wraps), so both are in it unless 1000, far from them, comes
    // first; in the first executions, thread 2 stores last.
    switch (last.load()) {
      case 2:
        sim::outcome(std::numeric_limits<std::int64_t>::max());
        break;
      case 0:
        sim::outcome(std::numeric_limits<std::int64_t>::min());
        break;
      case 1:
        sim::outcome(std::int64_t{1000});
        break;
      default:
        sim::outcome(std::string("three"));
        break;
    }
  });
}

// Four threads store their number into `last`, and the first one also into `first`;
// every execution fails with a finding that names the first writer. With
// `with_outcome`, the outcome is the last writer, so the bug last seen with an outcome
// is often not the finding's; without, findings are compared in the plain order.
sim::ModelInstance first_and_last_writer_model(bool with_outcome) {
  return test::inline_model("first and last writer", [with_outcome] {
    sim::Shared<std::int64_t> first{"first", -1};
    sim::Shared<std::int64_t> last{"last", -1};
    std::vector<sim::Thread> threads;
    for (std::int64_t n = 0; n < 4; ++n) {
      threads.emplace_back([&first, &last, n] {
        last.store(n);
        if (first.load() < 0) first.store(n);
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    const std::int64_t last_writer = last.load();  // (in both variants: the same steps)
    if (with_outcome) sim::outcome(last_writer);
    sim::check(false, "first writer " + std::to_string(first.load()));
  });
}

}  // namespace

TEST_SUITE("dpor strategy fast paths") {
  TEST_CASE("outcomes counted in the table and in the map come out sorted, with exact counts") {
    for (const checker::StrategyKind strategy : {checker::StrategyKind::kDpor, checker::StrategyKind::kDfs}) {
      checker::ExploreOptions options;
      options.strategy = strategy;
      options.stop_at_first_bug = false;
      const checker::ExploreResult result = checker::explore(last_writer_model(), options);
      REQUIRE(result.exhaustive);
      REQUIRE(result.outcomes.size() == 4);
      CHECK(result.outcomes[0].value == sim::Outcome(std::numeric_limits<std::int64_t>::min()));
      CHECK(result.outcomes[1].value == sim::Outcome(std::int64_t{1000}));
      CHECK(result.outcomes[2].value == sim::Outcome(std::numeric_limits<std::int64_t>::max()));
      CHECK(result.outcomes[3].value == sim::Outcome(std::string("three")));
      std::uint64_t total = 0;
      for (const checker::OutcomeCount& outcome : result.outcomes) total += outcome.count;
      CHECK(total == result.executions);
      if (strategy == checker::StrategyKind::kDpor) {
        CHECK(result.executions == 24);
        for (const checker::OutcomeCount& outcome : result.outcomes) CHECK(outcome.count == 6);
      }
    }
  }

  TEST_CASE("findings compared by their outcome's last bug first are the same bugs, counted and ordered the same") {
    for (const checker::StrategyKind strategy : {checker::StrategyKind::kDpor, checker::StrategyKind::kDfs}) {
      checker::ExploreOptions options;
      options.strategy = strategy;
      options.stop_at_first_bug = false;
      const checker::ExploreResult hinted = checker::explore(first_and_last_writer_model(true), options);
      const checker::ExploreResult plain = checker::explore(first_and_last_writer_model(false), options);
      REQUIRE(hinted.exhaustive);
      REQUIRE(hinted.executions == plain.executions);
      REQUIRE(hinted.bugs.size() == 4);
      REQUIRE(plain.bugs.size() == 4);
      for (std::size_t b = 0; b < 4; ++b) {
        CHECK(hinted.bugs[b].trace.finding->message == plain.bugs[b].trace.finding->message);
        CHECK(hinted.bugs[b].occurrences == plain.bugs[b].occurrences);
        CHECK(hinted.bugs[b].execution == plain.bugs[b].execution);
        CHECK(hinted.bugs[b].trace.choices == plain.bugs[b].trace.choices);
      }
    }
  }
}

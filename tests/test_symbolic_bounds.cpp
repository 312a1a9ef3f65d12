// `bounds`: the Z3 proof of the racy counter's exact minimum and maximum final value
// agrees with exhaustive enumeration for every T x K with T*K <= 8, every witness
// replays on the fibers to the value it claims, and the answers match the known
// formula (min 2 for K >= 2, 1 for K = 1, K for a single thread; max T*K).
#include "support.hpp"

#include "checker/schedule.hpp"
#include "checker/symbolic/counter_bounds.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace {

// DPOR runs one execution per Mazurkiewicz trace of the fiber model; for the sizes
// where that count explodes (4x2: 5.2 million traces; T x 1: (T!)^2, 25 million at
// T = 7) the outcome set comes from a memoized search over the counter program's own
// states instead: per thread, how many increments are done and the value its pending
// store will write (if it has loaded), plus the shared counter.
bool dpor_affordable(int threads, int iters) {
  return (iters == 1 && threads <= 5) || (iters >= 2 && threads * iters <= 8 && !(threads == 4 && iters == 2));
}

struct CounterState {
  std::vector<int> done;    // increments finished, per thread
  std::vector<int> loaded;  // -1: next step is a load; else the value it loaded
  int counter = 0;
  auto operator<=>(const CounterState&) const = default;
};

void final_values(const CounterState& s, int iters, std::set<CounterState>& seen, std::set<std::int64_t>& out) {
  if (!seen.insert(s).second) return;
  bool any = false;
  for (std::size_t t = 0; t < s.done.size(); ++t) {
    if (s.done[t] == iters) continue;
    any = true;
    CounterState next = s;
    if (s.loaded[t] < 0) {
      next.loaded[t] = s.counter;
    } else {
      next.counter = s.loaded[t] + 1;
      next.loaded[t] = -1;
      ++next.done[t];
    }
    final_values(next, iters, seen, out);
  }
  if (!any) out.insert(s.counter);
}

std::set<std::int64_t> enumerated_outcomes(int threads, int iters) {
  if (dpor_affordable(threads, iters)) {
    checker::ExploreOptions options;
    options.strategy = checker::StrategyKind::kDpor;
    options.stop_at_first_bug = false;
    options.max_executions = 10'000'000;
    const checker::ExploreResult result = checker::explore(test::counter(threads, iters), options);
    REQUIRE(result.exhaustive);
    return test::int_outcomes(result);
  }
  const auto n = static_cast<std::size_t>(threads);
  std::set<CounterState> seen;
  std::set<std::int64_t> values;
  final_values({std::vector<int>(n, 0), std::vector<int>(n, -1), 0}, iters, seen, values);
  return values;
}

void require_confirmed(const checker::symbolic::Witness& witness, const sim::ModelInstance& model) {
  CAPTURE(witness.replay_note);
  CHECK(witness.replay_confirmed);
  // Confirmed independently of the library's own check: replay and read the outcome.
  const checker::ReplayResult replayed = checker::replay(model, witness.choices);
  REQUIRE_FALSE(replayed.divergence);
  REQUIRE(replayed.trace.outcome);
  CHECK(std::get<std::int64_t>(*replayed.trace.outcome) == witness.value);
}

}  // namespace

TEST_SUITE("symbolic") {

TEST_CASE("bounds: Z3's proven min and max equal the enumerated outcome set's, for every T x K <= 8") {
  for (int threads = 1; threads <= 8; ++threads) {
    for (int iters = 1; threads * iters <= 8; ++iters) {
      CAPTURE(threads);
      CAPTURE(iters);
      const sim::ModelInstance model = test::counter(threads, iters);
      const std::set<std::int64_t> outcomes = enumerated_outcomes(threads, iters);
      const checker::symbolic::CounterBounds bounds = checker::symbolic::counter_bounds(model);

      CHECK(bounds.min.witness.value == *outcomes.begin());
      CHECK(bounds.max.witness.value == *outcomes.rbegin());
      CHECK(bounds.min.beyond == bounds.min.witness.value - 1);
      CHECK(bounds.min.beyond_unsat);
      CHECK(bounds.max.beyond == bounds.max.witness.value + 1);
      CHECK(bounds.max.beyond_unsat);
      // The known answer, derived independently of both.
      const std::int64_t known_min = threads == 1 ? iters : (iters == 1 ? 1 : 2);
      CHECK(bounds.min.witness.value == known_min);
      CHECK(bounds.max.witness.value == threads * iters);
      require_confirmed(bounds.min.witness, model);
      require_confirmed(bounds.max.witness, model);
    }
  }
}

TEST_CASE("bounds: 'exactly v?' is SAT for every enumerated outcome, UNSAT outside the set") {
  for (const auto& [threads, iters] : std::vector<std::pair<int, int>>{{2, 2}, {3, 2}, {2, 3}, {3, 1}}) {
    CAPTURE(threads);
    CAPTURE(iters);
    const sim::ModelInstance model = test::counter(threads, iters);
    const std::set<std::int64_t> outcomes = enumerated_outcomes(threads, iters);
    for (std::int64_t v = 0; v <= threads * iters + 1; ++v) {
      CAPTURE(v);
      const checker::symbolic::ExactAnswer answer = checker::symbolic::counter_can_reach(model, v);
      CHECK(answer.witness.has_value() == (outcomes.count(v) == 1));
      if (answer.witness) require_confirmed(*answer.witness, model);
    }
  }
}

TEST_CASE("bounds: only the unlocked counter is encoded") {
  CHECK_THROWS_AS(checker::symbolic::counter_shape(test::counter(2, 2, true)), checker::InputError);
  CHECK_THROWS_AS(checker::symbolic::counter_shape(test::philosophers(3)), checker::InputError);
}

}  // TEST_SUITE

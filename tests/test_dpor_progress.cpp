// DPOR's share of the search done, which the progress line turns into "~N left": read off
// the current path (done branches out of those known at each scheduling point).
#include "checker/strategies/dpor.hpp"
#include "support.hpp"

namespace {

// T threads that each store once to the same variable: every order of the stores is
// its own trace (T! of them), and every pair of stores races.
std::function<void()> racing_stores(int threads) {
  return [threads] {
    sim::Shared<std::int64_t> x("x", 0);
    std::vector<sim::Thread> workers;
    workers.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) workers.emplace_back([&x, i] { x.store(i); });
    for (sim::Thread& w : workers) w.start();
    for (sim::Thread& w : workers) w.join();
  };
}

// The fraction after each execution.
std::vector<double> fractions(const std::function<void()>& main) {
  sim::Runtime runtime;
  checker::DporStrategy dpor;
  std::vector<double> out;
  while (dpor.next_execution()) {
    dpor.execution_finished(runtime.run(main, dpor, {}));
    out.push_back(dpor.explored_fraction());
  }
  return out;
}

}  // namespace

TEST_CASE("DPOR's explored fraction: k-1 of T! once every branch is known") {
  // Two and three threads: the first execution's races put every first store at the root
  // and every second one at the next point, so the estimate is exact from the start.
  CHECK(fractions(racing_stores(2)) == std::vector<double>{0.0, 0.5});
  const std::vector<double> three = fractions(racing_stores(3));
  REQUIRE(three.size() == 6);
  for (std::size_t k = 0; k < three.size(); ++k) CHECK(three[k] == doctest::Approx(k / 6.0));

  // Four threads: branches that later races add are not known yet at first, so early
  // values are optimistic (never below the true share); exact once they are known.
  const std::vector<double> four = fractions(racing_stores(4));
  REQUIRE(four.size() == 24);
  CHECK(four[0] == 0.0);
  for (std::size_t k = 1; k < four.size(); ++k) {
    CAPTURE(k);
    CHECK(four[k] >= four[k - 1]);
    CHECK(four[k] >= doctest::Approx(k / 24.0));
    if (k >= 4) CHECK(four[k] == doctest::Approx(k / 24.0));
  }
}

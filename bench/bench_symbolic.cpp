// Z3 solve times: `bounds` on the racy counter at T x K = 2x4, 3x3, 4x4, 3x5 (the min
// and max proofs, each two or more solver calls), and `predict` per run on counter
// traces of about 100, 1,000 and 10,000 events (windows of PredictOptions' sizes).
// Wall time on a possibly loaded machine: read the figures as orders of magnitude.
#include "checker/explore.hpp"
#include "checker/symbolic/counter_bounds.hpp"
#include "checker/symbolic/predict.hpp"
#include "checker/symbolic/stopwatch.hpp"
#include "models/registry.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace {

sim::ModelInstance counter(int threads, int iters, bool locked) {
  return models::instantiate("counter", {{"threads", std::to_string(threads)},
                                         {"iters", std::to_string(iters)},
                                         {"locked", locked ? "true" : "false"}});
}

void bench_bounds() {
  std::printf("bounds (exact min/max of the racy counter's final value):\n");
  std::printf("  %-6s %5s %10s %5s %10s %s\n", "TxK", "min", "min s", "max", "max s", "witnesses replayed");
  for (const auto& [t, k] : {std::pair{2, 4}, {3, 3}, {4, 4}, {3, 5}}) {
    const auto b = checker::symbolic::counter_bounds(counter(t, k, false));
    std::printf("  %dx%-4d %5lld %10.3f %5lld %10.3f %s\n", t, k, static_cast<long long>(b.min.witness.value),
                b.min.solve_seconds, static_cast<long long>(b.max.witness.value), b.max.solve_seconds,
                b.min.witness.replay_confirmed && b.max.witness.replay_confirmed ? "yes" : "NO");
  }
}

void bench_predict() {
  checker::ExploreOptions options;
  options.ignore_time = true;
  options.max_steps = 100'000;
  std::printf("predict (one random run, seed 1, per run):\n");
  std::printf("  %-22s %7s %7s %9s %9s %9s %9s %9s %s\n", "model", "events", "steps", "total s", "race s", "lost s",
              "queries", "given up", "predicted");
  for (const bool locked : {false, true}) {
    // About 100, 1,000 and 10,000 events: an increment records a load and a store, and
    // with the lock also an acquire and a release.
    const std::array<int, 3> sizes = locked ? std::array{5, 50, 500} : std::array{10, 100, 1000};
    for (const int iters : sizes) {
      const sim::ModelInstance model = counter(5, iters, locked);
      const checker::Trace observed = checker::run_one(model, 1, options);
      const checker::symbolic::Stopwatch watch;
      const auto result = checker::symbolic::predict_from(model, observed, options);
      const double total = watch.seconds();
      std::string predicted;
      for (const auto& p : result.predictions) {
        predicted += (predicted.empty() ? "" : ", ") + std::string(checker::symbolic::prediction_kind_name(p.kind));
      }
      const std::string name = "counter 5x" + std::to_string(iters) + (locked ? " locked" : "");
      std::printf("  %-22s %7zu %7zu %9.3f %9.3f %9.3f %9zu %9zu %s\n", name.c_str(), observed.events.size(),
                  result.steps, total, result.race.seconds, result.lost_update.seconds,
                  result.race.queries + result.lost_update.queries + result.deadlock.queries,
                  result.race.unknown + result.lost_update.unknown + result.deadlock.unknown,
                  predicted.empty() ? "nothing" : predicted.c_str());
    }
  }
}

}  // namespace

int main() {
  bench_bounds();
  bench_predict();
}

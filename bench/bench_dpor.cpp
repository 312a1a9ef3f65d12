// DPOR against the lower bound, printed as one table in one run: for `counter` (racy
// and locked, T x K in {2x2, 2x3, 2x4, 3x2, 3x3}) and `philosophers` (1 meal, N = 3..8;
// 2 meals, N = 3..6), the executions of an exhaustive DPOR search, the number of
// Mazurkiewicz traces (the known counts; see tests/test_dpor.cpp), their ratio, the
// sleep-set-blocked executions, wall time, executions per second, and for the
// philosophers the time to the first deadlock (a second search that stops there).
// Times are steady_clock medians: a search is repeated until the repetitions add up to
// 0.3 s (at least 3, at most 101 times); one that takes longer runs once.
//
// Usage: bench_dpor [--budget SECONDS] [--skip-slow] [--only TEXT] [--once] [--max-executions N]
//   The racy 3x3 counter (1,824,912 traces) runs only if its time, estimated from the
//   3x2 rate, fits the budget (default 120 s); --skip-slow skips it outright. For
//   profiling (valgrind --tool=callgrind): --only runs the rows whose label contains
//   TEXT (and the 3x3 counter regardless of the budget), --once runs each search once,
//   --max-executions stops each search there (the row then says NOT exhaustive).
#include "checker/explore.hpp"
#include "models/registry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::uint64_t factorial(std::uint64_t n) {
  std::uint64_t f = 1;
  for (std::uint64_t k = 2; k <= n; ++k) f *= k;
  return f;
}

struct Settings {
  double budget = 120;
  bool skip_slow = false;
  std::string only;  // empty: every row
  bool once = false;
  std::uint64_t max_executions = UINT64_MAX;
};
Settings settings;

struct Row {
  std::string label;
  sim::ModelInstance model;
  std::uint64_t traces;
  bool deadlocks;  // time the first deadlock too
};

checker::ExploreOptions dpor_options(bool stop_at_first_bug) {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.ignore_time = true;
  options.stop_at_first_bug = stop_at_first_bug;
  options.max_executions = settings.max_executions;
  return options;
}

std::string duration_text(double seconds) {
  char text[32];
  if (seconds < 1e-3) {
    std::snprintf(text, sizeof text, "%.0f us", seconds * 1e6);
  } else if (seconds < 1) {
    std::snprintf(text, sizeof text, "%.1f ms", seconds * 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.2f s", seconds);
  }
  return text;
}

// Runs `search` repeatedly (see the header); returns the median seconds and its result.
double timed(const std::function<checker::ExploreResult()>& search, checker::ExploreResult& result) {
  std::vector<double> times;
  double total = 0;
  while (times.empty() || (!settings.once && times.size() < 101 && (times.size() < 3 || total < 0.3) && total < 1)) {
    const Clock::time_point start = Clock::now();
    result = search();
    times.push_back(seconds_since(start));
    total += times.back();
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Runs one row and prints it; returns executions per second (0 if not selected).
double run_row(const Row& row) {
  if (row.label.find(settings.only) == std::string::npos) return 0;
  checker::ExploreResult result;
  const double seconds = timed([&] { return checker::explore(row.model, dpor_options(false)); }, result);
  std::string first_deadlock = "-";
  if (row.deadlocks) {
    checker::ExploreResult first;
    const double to_first = timed([&] { return checker::explore(row.model, dpor_options(true)); }, first);
    first_deadlock = !first.bugs.empty() && first.bugs[0].trace.finding->kind == sim::FindingKind::kDeadlock
                         ? duration_text(to_first) + " (exec " + checker::with_commas(first.bugs[0].execution) + ")"
                         : "none found";
  }
  const double rate = static_cast<double>(result.executions) / seconds;
  std::printf("%-26s %12s %12s %7.3f %9s %10s %12s  %s%s\n", row.label.c_str(),
              checker::with_commas(result.executions).c_str(), checker::with_commas(row.traces).c_str(),
              static_cast<double>(result.executions) / static_cast<double>(row.traces),
              checker::with_commas(result.sleep_set_blocked).c_str(), duration_text(seconds).c_str(),
              checker::with_commas(static_cast<std::uint64_t>(rate)).c_str(), first_deadlock.c_str(),
              result.exhaustive ? "" : "  (NOT exhaustive)");
  std::fflush(stdout);
  return rate;
}

sim::ModelInstance counter(int t, int k, bool locked) {
  return models::instantiate("counter", {{"threads", std::to_string(t)},
                                         {"iters", std::to_string(k)},
                                         {"locked", locked ? "true" : "false"}});
}

sim::ModelInstance philosophers(int n, int meals) {
  return models::instantiate("philosophers", {{"n", std::to_string(n)}, {"meals", std::to_string(meals)}});
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--skip-slow") == 0) {
      settings.skip_slow = true;
    } else if (std::strcmp(argv[i], "--once") == 0) {
      settings.once = true;
    } else if (std::strcmp(argv[i], "--budget") == 0 && has_value) {
      settings.budget = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--only") == 0 && has_value) {
      settings.only = argv[++i];
    } else if (std::strcmp(argv[i], "--max-executions") == 0 && has_value) {
      settings.max_executions = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr,
                   "usage: bench_dpor [--budget SECONDS] [--skip-slow] [--only TEXT] [--once] "
                   "[--max-executions N]\n");
      return 2;
    }
  }

  std::printf("%-26s %12s %12s %7s %9s %10s %12s  %s\n", "model", "executions", "traces", "ratio", "blocked",
              "time", "exec/s", "first deadlock");
  const std::vector<std::pair<int, int>> sizes = {{2, 2}, {2, 3}, {2, 4}, {3, 2}, {3, 3}};
  const std::vector<std::uint64_t> racy_traces = {34, 328, 3334, 7134, 1824912};
  double rate_3x2 = 0;
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    const auto [t, k] = sizes[s];
    const std::string label = "counter " + std::to_string(t) + "x" + std::to_string(k) + " racy";
    if (t == 3 && k == 3) {
      const double estimate = static_cast<double>(racy_traces[s]) / rate_3x2;
      const bool chosen = !settings.only.empty();  // by --only, or not at all
      if (chosen && label.find(settings.only) == std::string::npos) continue;
      if (settings.skip_slow || (!chosen && estimate > settings.budget)) {
        std::printf("%-26s skipped (%s; estimated %.0f s at the 3x2 rate, budget %.0f s)\n", label.c_str(),
                    settings.skip_slow ? "--skip-slow" : "over budget", estimate, settings.budget);
        continue;
      }
    }
    const double rate = run_row({label, counter(t, k, false), racy_traces[s], false});
    if (t == 3 && k == 2) rate_3x2 = rate;
  }
  for (const auto& [t, k] : sizes) {
    const std::uint64_t orders = factorial(static_cast<std::uint64_t>(t * k)) /
                                 [&] {
                                   std::uint64_t d = 1;
                                   for (int i = 0; i < t; ++i) d *= factorial(static_cast<std::uint64_t>(k));
                                   return d;
                                 }();
    run_row({"counter " + std::to_string(t) + "x" + std::to_string(k) + " locked", counter(t, k, true), orders, false});
  }
  for (int n = 3; n <= 8; ++n) {
    run_row({"philosophers n=" + std::to_string(n) + " meals=1", philosophers(n, 1), (std::uint64_t{1} << n) - 1, true});
  }
  const std::vector<std::uint64_t> two_meals = {106, 831, 5851, 38786};
  for (int n = 3; n <= 6; ++n) {
    run_row({"philosophers n=" + std::to_string(n) + " meals=2", philosophers(n, 2),
             two_meals[static_cast<std::size_t>(n - 3)], true});
  }
  return 0;
}

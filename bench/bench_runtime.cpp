// Micro-benchmarks of the execution engine, printed as one small table in one run:
//   1. the raw Boost.Context fiber round trip (the floor every visible step pays),
//   2. the runtime's cost per scheduling point on `counter`, with a scheduler that
//      switches thread at every step (the worst case) and with one that keeps the
//      current thread (no switches), each also as a multiple of (1),
//   3. exhaustive DFS throughput through checker::explore on small models, and on two
//      copies of `counter` local to this file that differ only in how the final check
//      is written, to split the cost of the finding path (building the message, then
//      recording and de-duplicating the finding) from the rest.
// Every figure is the median of several repetitions timed with steady_clock. Timing
// lives here only; the runtime itself never reads a clock.
//
// Usage: bench_runtime [all|fiber|steps|dfs|dfs-clean] [--reps N]
//   `dfs --reps 1` runs the exhaustive DFS of counter 3x2 only, and `dfs-clean --reps 1`
//   that of its copy without findings (each twice: warm-up, then measured), for callgrind.
#include "checker/explore.hpp"
#include "models/registry.hpp"
#include "sim/check.hpp"
#include "sim/lock.hpp"
#include "sim/runtime.hpp"
#include "sim/scheduler.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Runs `sample` (which returns one measurement) `reps` times after one warm-up call.
double median_of(int reps, const std::function<double()>& sample) {
  sample();
  std::vector<double> values;
  for (int i = 0; i < reps; ++i) values.push_back(sample());
  return median(std::move(values));
}

void line(const char* label, double value, const char* unit) {
  std::printf("  %-52s %14.2f %s\n", label, value, unit);
}

void count_line(const char* label, std::uint64_t value, const char* unit) {
  std::printf("  %-52s %14s %s\n", label, checker::with_commas(value).c_str(), unit);
}

// --- 1. raw fiber round trip -------------------------------------------------------

// Nanoseconds per round trip (caller -> fiber -> caller, i.e. two resumes).
double fiber_round_trip_ns(std::uint64_t round_trips) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber fiber(std::allocator_arg, ctx::fixedsize_stack(64 * 1024),
                   [&stop](ctx::fiber&& caller) {
                     while (!stop) caller = std::move(caller).resume();
                     return std::move(caller);
                   });
  fiber = std::move(fiber).resume();  // first entry: not timed
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < round_trips; ++i) fiber = std::move(fiber).resume();
  const double elapsed = seconds_since(start);
  stop = true;
  fiber = std::move(fiber).resume();  // the fiber returns; `fiber` is empty again
  if (fiber) std::abort();
  return elapsed * 1e9 / static_cast<double>(round_trips);
}

// --- 2. runtime cost per scheduling point ------------------------------------------

// The benches' schedulers draw the first value of every random() (counter draws none).
class FirstDraw : public sim::Scheduler {
 public:
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
};

// Always moves on to the next enabled thread after the current one (cyclically): every
// scheduling point with two or more enabled threads is a fiber switch.
class RoundRobin final : public FirstDraw {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t) override {
    for (sim::ThreadId id : enabled) {
      if (id > current) return id;
    }
    return enabled.front();
  }
};

// Keeps the current thread while it is enabled: no switch unless it blocks or ends.
class KeepCurrent final : public FirstDraw {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current,
                       std::uint32_t) override {
    for (sim::ThreadId id : enabled) {
      if (id == current) return id;
    }
    return enabled.front();
  }
};

struct StepSample {
  double ns_per_step = 0;
  std::uint64_t steps_per_execution = 0;
  std::uint64_t switches_per_execution = 0;  // choices that differ from the previous one
};

StepSample measure_steps(const sim::ModelInstance& model, sim::Scheduler& scheduler,
                         int executions) {
  sim::Runtime runtime;
  sim::RunOptions options;
  options.max_steps = 1'000'000;
  runtime.run(model.main, scheduler, options);  // warm the stack pool and the record
  std::uint64_t steps = 0;
  StepSample sample;
  const auto start = Clock::now();
  for (int i = 0; i < executions; ++i) {
    const sim::ExecutionRecord& record = runtime.run(model.main, scheduler, options);
    steps += record.choices.size();
    if (i == 0) {
      sample.steps_per_execution = record.choices.size();
      for (std::size_t k = 1; k < record.choices.size(); ++k) {
        sample.switches_per_execution += record.choices[k] != record.choices[k - 1];
      }
    }
  }
  sample.ns_per_step = seconds_since(start) * 1e9 / static_cast<double>(steps);
  return sample;
}

// --- 3. DFS throughput ---------------------------------------------------------------

enum class FinalCheck {
  kLazyMessage,  // the message is built only when the check fails
  kNone,         // no check: no execution has a finding
};

// models/counter.cpp's program (unlocked), with the final check written as `final_check`
// says. Same objects, threads and visible steps, hence the same 34,650 schedules at 3x2.
sim::ModelInstance counter_copy(int n_threads, int iters, FinalCheck final_check) {
  auto program = [n_threads, iters, final_check] {
    struct Globals {
      sim::Shared<std::int64_t> counter{"counter", 0};
      sim::Lock lock{"lock"};
    } g;
    auto worker = [&g, iters] {
      for (int i = 0; i < iters; ++i) g.counter.store(g.counter.load() + 1);
    };
    std::vector<sim::Thread> threads;
    threads.reserve(static_cast<std::size_t>(n_threads));
    for (int i = 0; i < n_threads; ++i) threads.emplace_back(worker);
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    const std::int64_t final_value = g.counter.load();
    sim::outcome(final_value);
    const std::int64_t expected = static_cast<std::int64_t>(n_threads) * iters;
    if (final_check == FinalCheck::kLazyMessage && final_value != expected) {
      sim::check(false, "lost update: the counter ends at " + std::to_string(final_value) +
                            ", expected " + std::to_string(expected));
    }
  };
  return {"counter-copy", {}, program};
}

struct DfsSample {
  std::uint64_t executions = 0;
  std::uint64_t with_finding = 0;  // executions that ended with a finding
  bool exhaustive = false;
  double seconds = 0;
};

DfsSample run_dfs(const sim::ModelInstance& model) {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDfs;
  options.stop_at_first_bug = false;
  options.max_executions = 100'000'000;
  const auto start = Clock::now();
  const checker::ExploreResult result = checker::explore(model, options);
  const double seconds = seconds_since(start);
  std::uint64_t with_finding = 0;
  for (const checker::FoundBug& bug : result.bugs) with_finding += bug.occurrences;
  return {result.executions, with_finding, result.exhaustive, seconds};
}

void report_dfs(const char* title, const sim::ModelInstance& model, int reps,
                std::uint64_t expected) {
  DfsSample last;
  const double seconds = median_of(reps, [&] {
    last = run_dfs(model);
    return last.seconds;
  });
  std::printf("DFS, %s\n", title);
  count_line("executions", last.executions, last.exhaustive ? "(exhaustive)" : "(NOT exhaustive)");
  if (expected != 0 && last.executions != expected) {
    std::printf("  ! expected %s executions\n", checker::with_commas(expected).c_str());
  }
  count_line("executions with a finding", last.with_finding, "");
  line("time", seconds * 1e3, "ms");
  line("throughput", static_cast<double>(last.executions) / seconds, "executions/s");
  line("time per execution", seconds * 1e9 / static_cast<double>(last.executions), "ns");
}

}  // namespace

int main(int argc, char** argv) {
  std::string part = "all";
  int reps = 7;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      part = argv[i];
    }
  }
  if (part != "all" && part != "fiber" && part != "steps" && part != "dfs" && part != "dfs-clean") {
    std::fprintf(stderr, "usage: bench_runtime [all|fiber|steps|dfs|dfs-clean] [--reps N]\n");
    return 2;
  }
  const bool all = part == "all";
  std::printf("bench_runtime: median of %d repetitions each\n", reps);

  double round_trip_ns = 0;
  if (all || part == "fiber" || part == "steps") {
    constexpr std::uint64_t kRoundTrips = 1'000'000;
    round_trip_ns = median_of(reps, [] { return fiber_round_trip_ns(kRoundTrips); });
    std::printf("raw boost::context::fiber (fixedsize_stack 64 KiB, %s round trips)\n",
                checker::with_commas(kRoundTrips).c_str());
    line("round trip (two resumes)", round_trip_ns, "ns");
  }

  if (all || part == "steps") {
    const sim::ModelInstance model =
        models::instantiate("counter", {{"threads", "3"}, {"iters", "200"}});
    constexpr int kExecutions = 300;
    const auto report = [&](const char* title, sim::Scheduler& scheduler) {
      StepSample last;
      const double ns = median_of(reps, [&] {
        last = measure_steps(model, scheduler, kExecutions);
        return last.ns_per_step;
      });
      std::printf("runtime, counter threads=3 iters=200, %s (%d executions)\n", title, kExecutions);
      count_line("scheduling points per execution", last.steps_per_execution, "");
      count_line("thread changes per execution", last.switches_per_execution, "");
      line("cost per scheduling point", ns, "ns");
      line("cost per scheduling point / fiber round trip", ns / round_trip_ns, "round trips");
    };
    RoundRobin round_robin;
    KeepCurrent keep_current;
    report("round-robin (switch at every step)", round_robin);
    report("keep current thread (no switches)", keep_current);
  }

  if (all || part == "dfs") {
    report_dfs("counter threads=3 iters=2 (12!/(4!^3) = 34,650 schedules)",
               models::instantiate("counter", {{"threads", "3"}, {"iters", "2"}}), reps, 34'650);
  }
  if (all) {
    report_dfs("copy of counter 3x2, message built only on failure",
               counter_copy(3, 2, FinalCheck::kLazyMessage), reps, 34'650);
  }
  if (all || part == "dfs-clean") {
    report_dfs("copy of counter 3x2, no final check (no findings)",
               counter_copy(3, 2, FinalCheck::kNone), reps, 34'650);
  }
  if (all) {
    report_dfs("philosophers n=3",
               models::instantiate("philosophers", {{"n", "3"}}), reps, 0);
  }
  return 0;
}

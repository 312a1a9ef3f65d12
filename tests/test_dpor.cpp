// DPOR (checker/strategies/dpor.hpp): exact execution counts against the number of
// Mazurkiewicz traces, and a differential test against plain DFS.
//
// Trace counts. The racy counter's are the known ones (2x2 = 34, 2x3 = 328, 2x4 = 3,334,
// 3x2 = 7,134); the locked counter has one trace per order of the critical sections,
// (T*K)! / (K!)^T; philosophers with one meal each have 2^N - 1 (each fork is taken
// first by one of its two philosophers; the one assignment where every philosopher
// holds its left fork first is the deadlock, and it ends before anyone eats); with two
// meals N = 3, 4: 106, 831. They count traces of the threads' own visible steps, so the
// first test checks that the registered models have exactly that shape.
//
// Differential test: DPOR must give the same outcome set and the same findings (kind
// and message) as DFS, with at most as many executions, on every registered model at
// small parameters and on generated programs (threads doing loads, stores, locked
// increments, try-locks, nested locks, semaphore and reentrant sections).
#include "dpor_differential.hpp"
#include "support.hpp"

#include "checker/strategies/splitmix.hpp"
#include "sim/rlock.hpp"
#include "sim/semaphore.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using test::dfs_all;
using test::dpor_all;
using test::findings;
using test::outcome_set;
using test::same_as_dfs;

sim::ModelInstance philosophers(int n, int meals) {
  return test::model("philosophers", {{"n", std::to_string(n)}, {"meals", std::to_string(meals)}});
}

// Runs DPOR exhaustively and checks it is exact: every execution a new trace.
checker::ExploreResult dpor_exact(const sim::ModelInstance& model, std::uint64_t traces) {
  const checker::ExploreResult result = checker::explore(model, dpor_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == traces);
  CHECK(result.sleep_set_blocked == 0);
  CHECK(result.certificate == "exhaustive: all " + checker::with_commas(traces) + " traces explored (DPOR)");
  return result;
}

// The visible steps of each non-main thread in one execution, as op names.
std::map<std::string, std::vector<std::string>> worker_steps(const sim::ModelInstance& model) {
  const sim::ExecutionRecord record = test::run_once(model.main);
  std::map<std::string, std::vector<std::string>> steps;
  for (const sim::Event& e : record.events) {
    if (e.thread != sim::kMainThread) steps[record.thread_names[e.thread]].emplace_back(sim::op_name(e.kind));
  }
  return steps;
}

}  // namespace

TEST_SUITE("dpor") {

TEST_CASE("the counted models have exactly the shape the trace counts assume") {
  const auto racy = worker_steps(test::counter(2, 2));
  CHECK(racy.size() == 2);
  for (const auto& [name, steps] : racy) {
    CAPTURE(name);
    CHECK(steps == std::vector<std::string>{"load", "store", "load", "store", "finish"});
  }
  const auto locked = worker_steps(test::counter(2, 2, true));
  CHECK(locked.size() == 2);
  for (const auto& [name, steps] : locked) {
    CAPTURE(name);
    CHECK(steps == std::vector<std::string>{"acquire", "load", "store", "release", "acquire", "load", "store",
                                            "release", "finish"});
  }
  const auto table = worker_steps(philosophers(3, 1));
  CHECK(table.size() == 3);
  for (const auto& [name, steps] : table) {
    CAPTURE(name);
    CHECK(steps == std::vector<std::string>{"acquire", "acquire", "release", "release", "finish"});
  }
}

TEST_CASE("racy counter: one execution per trace") {
  dpor_exact(test::counter(2, 2), 34);
  dpor_exact(test::counter(2, 3), 328);
  dpor_exact(test::counter(2, 4), 3334);
  const checker::ExploreResult result = dpor_exact(test::counter(3, 2), 7134);
  CHECK(test::int_outcomes(result) == test::range(2, 6));
}

TEST_CASE("locked counter: one execution per order of the critical sections, (T*K)!/(K!)^T") {
  for (const auto& [threads, iters] : std::vector<std::pair<int, int>>{{2, 1}, {2, 2}, {3, 1}, {3, 2}, {2, 3}}) {
    CAPTURE(threads);
    CAPTURE(iters);
    const auto k = static_cast<std::uint64_t>(iters);
    const std::uint64_t orders = test::multinomial(std::vector<std::uint64_t>(static_cast<std::size_t>(threads), k));
    const checker::ExploreResult result = dpor_exact(test::counter(threads, iters, true), orders);
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{threads * iters});
  }
  CHECK(test::multinomial({2, 2}) == 6);
  CHECK(test::multinomial({2, 2, 2}) == 90);
}

TEST_CASE("philosophers, one meal: 2^N - 1 traces, exactly one of them a deadlock") {
  for (int n = 3; n <= 6; ++n) {
    CAPTURE(n);
    const checker::ExploreResult result = dpor_exact(philosophers(n, 1), (std::uint64_t{1} << n) - 1);
    REQUIRE(result.bugs.size() == 1);
    CHECK(result.bugs[0].trace.finding->kind == sim::FindingKind::kDeadlock);
    CHECK(result.bugs[0].occurrences == 1);
    CHECK(result.bugs[0].trace.finding->blocked.size() == static_cast<std::size_t>(n) + 1);  // and main
  }
}

TEST_CASE("philosophers, two meals: 106 and 831 traces") {
  dpor_exact(philosophers(3, 2), 106);
  dpor_exact(philosophers(4, 2), 831);
}

TEST_CASE("a deadlock found by DPOR replays to the same finding") {
  checker::ExploreOptions options = dpor_all();
  options.stop_at_first_bug = true;
  const checker::ExploreResult result = checker::explore(philosophers(5, 1), options);
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.certificate.rfind("stopped at the first bug, found by DPOR execution ", 0) == 0);
  CHECK(result.bugs[0].strategy == "DPOR");
  const checker::Trace& found = result.bugs[0].trace;
  checker::ReplayOptions replay_options;
  replay_options.ignore_time = true;
  const checker::ReplayResult replayed = checker::replay(philosophers(5, 1), found.choices, replay_options);
  CHECK_FALSE(replayed.divergence);
  test::require_same_trace(replayed.trace, found);
}

TEST_CASE("independent failing threads: DPOR reaches each failure") {
  // Each thread stores to its own variable and then fails: no two steps conflict, but a
  // failure ends the execution, so the other thread's failure needs its own execution.
  const auto model = test::inline_model("two failures", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Shared<std::int64_t> y("y", 0);
    sim::Thread a([&x] {
      x.store(1);
      sim::check(false, "a failed");
    });
    sim::Thread b([&y] {
      y.store(1);
      sim::check(false, "b failed");
    });
    a.start();
    b.start();
    a.join();
    b.join();
  });
  const checker::ExploreResult result = checker::explore(model, dpor_all());
  std::set<std::string> messages;
  for (const checker::FoundBug& bug : result.bugs) messages.insert(bug.trace.finding->message);
  CHECK(messages == std::set<std::string>{"a failed", "b failed"});
  CHECK(result.exhaustive);
}

}  // TEST_SUITE

namespace {

// A registered model at parameters where DFS finishes quickly, in the time modes where
// it does.
struct Config {
  std::string model;
  std::vector<std::pair<std::string, std::string>> params;
  bool time_ignored = true;
  bool virtual_time = true;
};

constexpr std::uint64_t kDfsCap = 50'000;  // DFS executions: well under a second

// Compares DPOR with DFS on each config; returns the models it covered.
std::set<std::string> compare_registered(const std::vector<Config>& configs) {
  std::set<std::string> covered;
  for (const Config& config : configs) {
    bool registered = false;
    for (const models::ModelSpec& spec : models::all_models()) registered |= spec.name == config.model;
    if (!registered) continue;  // a model this list knows was renamed or removed
    for (bool ignore_time : {true, false}) {
      if (!(ignore_time ? config.time_ignored : config.virtual_time)) continue;
      std::string label = config.model;
      for (const auto& [key, value] : config.params) label += " --" + key + " " + value;
      CAPTURE(label);
      CAPTURE(ignore_time);
      const bool compared = same_as_dfs(test::model(config.model, config.params), ignore_time, kDfsCap);
      CHECK_MESSAGE(compared, "DFS did not finish within the cap: choose smaller parameters");
    }
    covered.insert(config.model);
  }
  return covered;
}

const std::vector<Config>& threading_configs() {
  static const std::vector<Config> configs = {
      {"counter", {{"threads", "2"}, {"iters", "2"}}},
      {"counter", {{"threads", "3"}, {"iters", "1"}}},
      {"counter", {{"threads", "2"}, {"iters", "2"}, {"locked", "true"}}},
      {"philosophers", {{"n", "3"}}},
      {"philosophers", {{"n", "2"}, {"meals", "2"}}},
      {"philosophers", {{"n", "3"}, {"ordered", "true"}}},
      {"philosophers", {{"n", "3"}, {"waiter", "true"}}},
      {"double-acquire", {}},
      {"double-acquire", {{"rlock", "true"}}},
      {"daemon-cutoff", {}},
      {"daemon-cutoff", {{"join", "true"}}},
      {"print-lock-copy", {{"workers", "1"}, {"files", "1"}}},
      {"kettle", {}},
      {"kettle", {{"concurrent", "true"}}},
      {"kettle", {{"taskgroup", "true"}}},
      {"downloads", {{"sites", "2"}}},
      {"downloads", {{"mode", "asyncio"}, {"sites", "2"}}},
  };
  return configs;
}

}  // namespace

TEST_SUITE("dpor") {

TEST_CASE("DPOR agrees with DFS when threads start threads") {
  // Thread numbers follow the order of creation, which differs between executions here.
  const auto model = test::inline_model("nested starts", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Shared<std::int64_t> y("y", 0);
    std::int64_t seen = -1;
    sim::Thread a([&] {
      x.store(1);
      sim::Thread c([&] {
        x.store(x.load() + 10);
        y.store(y.load() + 2);
      });
      c.start();
      c.join();
    });
    sim::Thread b([&] {
      y.store(1);
      sim::Thread d([&] {
        seen = x.load() * 100 + y.load();
        y.store(y.load() * 3);
        x.store(x.load() * 5);
      });
      d.start();
      d.join();
    });
    a.start();
    b.start();
    a.join();
    b.join();
    sim::outcome(std::to_string(x.load()) + " " + std::to_string(y.load()) + " " + std::to_string(seen));
  });
  for (bool ignore_time : {true, false}) {
    CAPTURE(ignore_time);
    CHECK(same_as_dfs(model, ignore_time, kDfsCap));
  }
}

TEST_CASE("DPOR agrees with DFS on the registered threading, asyncio and sequential models") {
  compare_registered(threading_configs());
}

TEST_CASE("DPOR agrees with DFS on the registered pool, future and queue models, and any new model") {
  // future-timeout, sentinel-consumers and as-completed with 2 workers only on the
  // virtual clock: with time ignored every timeout may fire at every point (over 200,000
  // schedules for the first two, 28,072 for as-completed). producer-consumer-event is
  // left out: over 200,000 schedules in both modes even with maxsize 1.
  const std::vector<Config> configs = {
      {"executor-deadlock", {{"workers", "1"}}},
      {"executor-deadlock", {{"workers", "2"}}},
      {"fake-database", {{"workers", "2"}, {"updates", "2"}}},
      {"fake-database", {{"workers", "1"}, {"updates", "2"}, {"locked", "true"}}},
      {"nested-submit", {{"workers", "1"}}},
      {"nested-submit", {{"workers", "2"}}},
      {"future-timeout", {}, false, true},
      {"as-completed", {{"workers", "1"}, {"durations", "21"}}},
      {"as-completed", {{"workers", "2"}, {"durations", "21"}}, false, true},
      {"queue-workers", {{"workers", "1"}, {"items", "1"}}},
      {"queue-workers", {{"workers", "2"}, {"items", "1"}}},
      {"sentinel-consumers", {{"consumers", "1"}, {"producers", "1"}, {"items", "1"}}, false, true},
      {"downloads", {{"mode", "threads"}, {"sites", "2"}, {"workers", "2"}}},
  };
  std::set<std::string> covered = compare_registered(configs);
  for (const Config& config : threading_configs()) covered.insert(config.model);
  covered.insert("producer-consumer-event");
  // Models registered after these lists were written: their defaults, if small.
  for (const models::ModelSpec& spec : models::all_models()) {
    if (covered.count(spec.name) != 0) continue;
    CAPTURE(spec.name);
    if (!same_as_dfs(test::model(spec.name), true, kDfsCap)) {
      MESSAGE("model " << spec.name << " skipped: DFS does not finish within " << kDfsCap << " executions");
    }
  }
}

}  // TEST_SUITE

// --- generated programs ---------------------------------------------------------------

namespace {

// A small random program: 2 or 3 threads, each doing 2 to 4 operations on two shared
// variables, two locks, a Semaphore(2) and an RLock (taken twice). Each thread folds what it loads into a local value and
// stores values derived from it, so the outcome (final variables and every thread's
// local value) tells interleavings apart.
struct Program {
  enum class Op : std::uint8_t { kLoad, kStore, kLockedIncrement, kTryLockedStore, kNested, kSemaphore, kReentrant };
  struct Instr {
    Op op;
    int var;    // 0 or 1
    int lock;   // 0 or 1; kNested takes `lock`, then the other one
  };
  std::vector<std::vector<Instr>> threads;

  bool reentrant() const {
    for (const auto& body : threads) {
      for (const Instr& instr : body) {
        if (instr.op == Op::kReentrant) return true;
      }
    }
    return false;
  }

  // Visible steps of one instruction, for the DFS size bound.
  static std::uint64_t steps(const Instr& instr) {
    switch (instr.op) {
      case Op::kLoad:
      case Op::kStore: return 1;
      case Op::kLockedIncrement: return 4;  // acquire, load, store, release
      case Op::kTryLockedStore: return 3;   // try-acquire, store, release (if acquired)
      case Op::kNested: return 5;           // acquire, acquire, store, release, release
      case Op::kSemaphore: return 3;        // acquire, store, release
      case Op::kReentrant: return 5;        // acquire twice, store, release twice
    }
    return 0;
  }
};

Program generate(std::uint64_t& state) {
  const auto next = [&state](std::uint64_t bound) { return checker::bounded(checker::splitmix64(state++), bound); };
  for (;;) {
    Program program;
    const std::size_t threads = 2 + next(2);
    std::vector<std::uint64_t> parts;
    for (std::size_t t = 0; t < threads; ++t) {
      std::vector<Program::Instr> body;
      const std::size_t ops = 2 + next(3);
      std::uint64_t steps = 0;
      for (std::size_t i = 0; i < ops; ++i) {
        const std::uint64_t pick = next(12);
        const auto op = pick < 3    ? Program::Op::kLoad
                        : pick < 6  ? Program::Op::kStore
                        : pick < 8  ? Program::Op::kLockedIncrement
                        : pick < 9  ? Program::Op::kTryLockedStore
                        : pick < 10 ? Program::Op::kNested
                        : pick < 11 ? Program::Op::kSemaphore
                                    : Program::Op::kReentrant;
        body.push_back({op, static_cast<int>(next(2)), static_cast<int>(next(2))});
        steps += Program::steps(body.back());
      }
      parts.push_back(steps);
      program.threads.push_back(std::move(body));
    }
    std::uint64_t total = 0;
    for (std::uint64_t p : parts) total += p;
    if (total <= 20 && test::multinomial(parts) <= 4000) return program;  // DFS stays small
  }
}

sim::ModelInstance build(const Program& program) {
  return test::inline_model("generated", [program] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Shared<std::int64_t> y("y", 0);
    sim::Lock l0("l0");
    sim::Lock l1("l1");
    sim::Semaphore permits(2, "permits");
    sim::RLock reentrant("reentrant");
    sim::Shared<std::int64_t>* vars[2] = {&x, &y};
    sim::Lock* locks[2] = {&l0, &l1};
    std::vector<std::int64_t> local(program.threads.size(), 0);
    std::vector<sim::Thread> threads;
    for (std::size_t t = 0; t < program.threads.size(); ++t) {
      threads.emplace_back([&, t] {
        std::int64_t& mine = local[t];
        const auto base = static_cast<std::int64_t>(10 * (t + 1));
        for (std::size_t i = 0; i < program.threads[t].size(); ++i) {
          const Program::Instr& in = program.threads[t][i];
          sim::Shared<std::int64_t>& var = *vars[in.var];
          sim::Lock& lock = *locks[in.lock];
          const auto tag = base + static_cast<std::int64_t>(i);
          switch (in.op) {
            case Program::Op::kLoad:
              mine = mine * 7 + var.load();
              break;
            case Program::Op::kStore:
              var.store(mine + tag);
              break;
            case Program::Op::kLockedIncrement: {
              lock.acquire();
              const std::int64_t v = var.load();
              mine = mine * 7 + v;
              var.store(v + 1);
              lock.release();
              break;
            }
            case Program::Op::kTryLockedStore:
              if (lock.acquire(false, -1)) {
                var.store(tag);
                lock.release();
              } else {
                mine = mine * 7 + 1000;
              }
              break;
            case Program::Op::kNested: {
              sim::Lock& other = *locks[1 - in.lock];
              lock.acquire();
              other.acquire();
              var.store(tag);
              other.release();
              lock.release();
              break;
            }
            case Program::Op::kSemaphore:
              permits.acquire();
              var.store(mine + tag);
              permits.release();
              break;
            case Program::Op::kReentrant:
              reentrant.acquire();
              reentrant.acquire();
              var.store(mine + tag);
              reentrant.release();
              reentrant.release();
              break;
          }
        }
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    std::string outcome = std::to_string(x.load()) + " " + std::to_string(y.load());
    for (std::int64_t v : local) outcome += " " + std::to_string(v);
    sim::outcome(outcome);
  });
}

void differential(std::uint64_t seed, int programs) {
  std::uint64_t state = seed;
  std::uint64_t dfs_total = 0;
  std::uint64_t dpor_total = 0;
  for (int p = 0; p < programs; ++p) {
    const Program program = generate(state);
    CAPTURE(seed);
    CAPTURE(p);
    const sim::ModelInstance model = build(program);
    const checker::ExploreResult expected = checker::explore(model, dfs_all());
    const checker::ExploreResult actual = checker::explore(model, dpor_all());
    REQUIRE(expected.exhaustive);
    CHECK(actual.exhaustive);
    CHECK(outcome_set(actual) == outcome_set(expected));
    CHECK(findings(actual) == findings(expected));
    CHECK(actual.executions <= expected.executions);
    // With the RLock, an acquire can be reentrant (no other thread could acquire there),
    // which the recorded steps do not tell apart from a Semaphore's acquire with
    // permits left: a reversal may turn out impossible and its execution end blocked.
    if (!program.reentrant()) CHECK(actual.sleep_set_blocked == 0);
    dfs_total += expected.executions;
    dpor_total += actual.executions;
  }
  CHECK(dpor_total < dfs_total);
}

}  // namespace

TEST_SUITE("dpor") {

// 4 x 125 programs; a longer soak: build with -DDPOR_GENERATED_PROGRAMS=5000.
#ifndef DPOR_GENERATED_PROGRAMS
#define DPOR_GENERATED_PROGRAMS 125
#endif
TEST_CASE("DPOR agrees with DFS on generated programs (1 of 4)") { differential(1'000, DPOR_GENERATED_PROGRAMS); }
TEST_CASE("DPOR agrees with DFS on generated programs (2 of 4)") { differential(2'000'000, DPOR_GENERATED_PROGRAMS); }
TEST_CASE("DPOR agrees with DFS on generated programs (3 of 4)") { differential(3'000'000, DPOR_GENERATED_PROGRAMS); }
TEST_CASE("DPOR agrees with DFS on generated programs (4 of 4)") { differential(4'000'000, DPOR_GENERATED_PROGRAMS); }

}  // TEST_SUITE

// Helpers shared by the test suites: exploring a model with fixed options, reading
// outcome sets and counts, the multinomial formula the execution counts are derived
// from, running one execution on the bare runtime, and field-by-field comparison of
// traces (doctest reports the first field that differs).
#pragma once

#include "checker/explore.hpp"
#include "models/registry.hpp"
#include "sim/execution.hpp"
#include "sim/model_instance.hpp"
#include "sim/runtime.hpp"
#include "sim/scheduler.hpp"
#include "sim/check.hpp"
#include "sim/lock.hpp"
#include "sim/shared.hpp"
#include "sim/sleep.hpp"
#include "sim/thread.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace test {

// An inline model: a name, no parameters, and the modeled main thread.
inline sim::ModelInstance inline_model(std::string name, std::function<void()> main) {
  return sim::ModelInstance{std::move(name), {}, std::move(main)};
}

inline sim::ModelInstance model(const std::string& name,
                                std::vector<std::pair<std::string, std::string>> params = {}) {
  return models::instantiate(name, params);
}

inline sim::ModelInstance counter(int threads, int iters, bool locked = false) {
  return model("counter", {{"threads", std::to_string(threads)},
                           {"iters", std::to_string(iters)},
                           {"locked", locked ? "true" : "false"}});
}

inline sim::ModelInstance philosophers(int n, bool ordered = false) {
  return model("philosophers", {{"n", std::to_string(n)}, {"ordered", ordered ? "true" : "false"}});
}

// Exhaustive DFS that keeps going after bugs: every schedule is run exactly once.
inline checker::ExploreOptions dfs_all() {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDfs;
  options.stop_at_first_bug = false;
  return options;
}

inline checker::ExploreOptions dfs_first_bug() {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDfs;
  options.stop_at_first_bug = true;
  return options;
}

inline checker::ExploreOptions random_first_bug(std::uint64_t seed, std::uint64_t executions = 500) {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kRandom;
  options.seed = seed;
  options.random_executions = executions;
  options.stop_at_first_bug = true;
  return options;
}

// The integer outcome values of an exploration, as a set.
inline std::set<std::int64_t> int_outcomes(const checker::ExploreResult& result) {
  std::set<std::int64_t> values;
  for (const checker::OutcomeCount& oc : result.outcomes) values.insert(std::get<std::int64_t>(oc.value));
  return values;
}

inline std::map<std::int64_t, std::uint64_t> int_outcome_counts(const checker::ExploreResult& result) {
  std::map<std::int64_t, std::uint64_t> counts;
  for (const checker::OutcomeCount& oc : result.outcomes) counts[std::get<std::int64_t>(oc.value)] = oc.count;
  return counts;
}

inline std::set<std::string> string_outcomes(const checker::ExploreResult& result) {
  std::set<std::string> values;
  for (const checker::OutcomeCount& oc : result.outcomes) values.insert(std::get<std::string>(oc.value));
  return values;
}

inline std::set<std::int64_t> range(std::int64_t lo, std::int64_t hi) {
  std::set<std::int64_t> values;
  for (std::int64_t v = lo; v <= hi; ++v) values.insert(v);
  return values;
}

inline std::uint64_t factorial(std::uint64_t n) {
  REQUIRE(n <= 20);  // 21! overflows 64 bits
  std::uint64_t f = 1;
  for (std::uint64_t k = 2; k <= n; ++k) f *= k;
  return f;
}

// (sum parts)! / prod(part!): the number of interleavings of sequences of these lengths.
inline std::uint64_t multinomial(const std::vector<std::uint64_t>& parts) {
  std::uint64_t total = 0;
  std::uint64_t divisor = 1;
  for (std::uint64_t part : parts) {
    total += part;
    divisor *= factorial(part);
  }
  return factorial(total) / divisor;
}

// Always runs the lowest-numbered enabled thread, and draws k for random() draw k:
// one fixed execution on the bare runtime.
class FirstEnabled final : public sim::Scheduler {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) override {
    return enabled.front();
  }
  std::uint64_t draw(std::uint64_t bound, std::uint32_t index) override { return index % bound; }
};

// Runs `main` once on a fresh runtime and returns a copy of the record.
inline sim::ExecutionRecord run_once(const std::function<void()>& main, std::uint32_t max_steps = 10'000,
                                     bool ignore_time = false) {
  sim::Runtime runtime;
  FirstEnabled scheduler;
  return runtime.run(main, scheduler, {max_steps, ignore_time});
}

inline sim::ThreadId thread_named(const checker::Trace& trace, const std::string& name) {
  for (sim::ThreadId id = 0; id < trace.thread_names.size(); ++id) {
    if (trace.thread_names[id] == name) return id;
  }
  FAIL("no thread named " << name);
  return sim::kNoThread;
}

inline const sim::BlockedThread* blocked_entry(const checker::Trace& trace, sim::ThreadId thread) {
  for (const sim::BlockedThread& b : trace.finding->blocked) {
    if (b.thread == thread) return &b;
  }
  return nullptr;
}

inline void require_same_events(const std::vector<sim::Event>& actual, const std::vector<sim::Event>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(actual[i].thread == expected[i].thread);
    CHECK(actual[i].kind == expected[i].kind);
    CHECK(actual[i].object == expected[i].object);
    CHECK(actual[i].value == expected[i].value);
    CHECK(actual[i].has_value == expected[i].has_value);
    CHECK(actual[i].decision == expected[i].decision);
  }
}

inline void require_same_finding(const std::optional<sim::Finding>& actual,
                                 const std::optional<sim::Finding>& expected) {
  REQUIRE(actual.has_value() == expected.has_value());
  if (!expected) return;
  CHECK(actual->kind == expected->kind);
  CHECK(actual->thread == expected->thread);
  CHECK(actual->message == expected->message);
  REQUIRE(actual->blocked.size() == expected->blocked.size());
  for (std::size_t i = 0; i < expected->blocked.size(); ++i) {
    CAPTURE(i);
    CHECK(actual->blocked[i].thread == expected->blocked[i].thread);
    CHECK(actual->blocked[i].op == expected->blocked[i].op);
    CHECK(actual->blocked[i].object == expected->blocked[i].object);
    CHECK(actual->blocked[i].blocker == expected->blocked[i].blocker);
    CHECK(actual->blocked[i].waits_for == expected->blocked[i].waits_for);
  }
}

// Every field of two traces, one by one.
inline void require_same_trace(const checker::Trace& actual, const checker::Trace& expected) {
  CHECK(actual.choices == expected.choices);
  CHECK(actual.reasons == expected.reasons);
  CHECK(actual.thread_names == expected.thread_names);
  CHECK(actual.object_names == expected.object_names);
  CHECK(actual.outcome == expected.outcome);
  require_same_finding(actual.finding, expected.finding);
  REQUIRE(actual.cut_off_daemons.size() == expected.cut_off_daemons.size());
  for (std::size_t i = 0; i < expected.cut_off_daemons.size(); ++i) {
    CHECK(actual.cut_off_daemons[i].thread == expected.cut_off_daemons[i].thread);
    CHECK(actual.cut_off_daemons[i].doing == expected.cut_off_daemons[i].doing);
  }
  require_same_events(actual.events, expected.events);
}

}  // namespace test


namespace test {

// Runs `body` in a forked child and says how the child ended: "ok" when body returned
// true, "failed" when it returned false, "signal N" when it crashed (so a test that
// crashes the process fails on its own instead of taking the whole binary down).
inline std::string in_child(const std::function<bool()>& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child reports by exit status only: restore default signal handling so a
    // crash is not also reported by doctest's handlers in the child.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
    bool ok = false;
    try {
      ok = body();
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  if (!WIFEXITED(status)) return "stopped";
  switch (WEXITSTATUS(status)) {
    case 0: return "ok";
    case 1: return "failed";
    case 3: return "threw";
    default: return "exit " + std::to_string(WEXITSTATUS(status));
  }
}

}  // namespace test

// Comparing DPOR with plain DFS on one model (tests/test_dpor.cpp,
// tests/test_dpor_effects.cpp): DPOR must give the same outcome set and the same
// findings (kind and message) as DFS, with at most as many executions.
#pragma once

#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>

namespace test {

// Exhaustive DPOR (or DFS) that keeps going after bugs, with time ignored or not.
inline checker::ExploreOptions dpor_all(bool ignore_time = true) {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.stop_at_first_bug = false;
  options.ignore_time = ignore_time;
  return options;
}

inline checker::ExploreOptions dfs_all(bool ignore_time) {
  checker::ExploreOptions options = dfs_all();
  options.ignore_time = ignore_time;
  return options;
}

// The distinct findings, as kind and message (DPOR must find every one DFS finds:
// also, for instance, each thing a daemon can be cut off doing).
inline std::set<std::string> findings(const checker::ExploreResult& result) {
  std::set<std::string> found;
  for (const checker::FoundBug& bug : result.bugs) {
    found.insert(std::string(sim::finding_kind_name(bug.trace.finding->kind)) + ": " + bug.trace.finding->message);
  }
  return found;
}

inline std::set<sim::Outcome> outcome_set(const checker::ExploreResult& result) {
  std::set<sim::Outcome> values;
  for (const checker::OutcomeCount& oc : result.outcomes) values.insert(oc.value);
  return values;
}

struct Comparison {
  bool compared = false;  // DFS finished within the cap, so the two were compared
  std::uint64_t dfs_executions = 0;
  std::uint64_t dpor_executions = 0;
};

// Checks that DFS and DPOR agree on `model`; compares (and checks) nothing when DFS
// does not finish within `cap` executions.
inline Comparison compare_with_dfs(const sim::ModelInstance& model, bool ignore_time, std::uint64_t cap) {
  checker::ExploreOptions dfs = dfs_all(ignore_time);
  dfs.max_executions = cap;
  const checker::ExploreResult expected = checker::explore(model, dfs);
  if (!expected.exhaustive) return {};
  const checker::ExploreResult actual = checker::explore(model, dpor_all(ignore_time));
  CHECK(actual.exhaustive);
  CHECK(outcome_set(actual) == outcome_set(expected));
  CHECK(findings(actual) == findings(expected));
  CHECK(actual.executions <= expected.executions);
  CHECK(actual.executions >= 1);
  return {true, expected.executions, actual.executions};
}

inline bool same_as_dfs(const sim::ModelInstance& model, bool ignore_time, std::uint64_t cap) {
  return compare_with_dfs(model, ignore_time, cap).compared;
}

}  // namespace test

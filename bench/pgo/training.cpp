// The training run of the profile-guided build (cmake/InterleavePgo.cmake): the
// instrumented libraries run this, and the profile it leaves tells the compiler which
// paths are hot. It exercises what users run, at sizes that take a few seconds in all:
// DPOR exhausting the counter and philosophers models at small sizes (not the 3x3
// counter, the benchmark's headline row: the profile must describe the workload in
// general, not the measured case), every registered model at its default parameters
// under the default strategy, and the other strategies on a few models. Code it never
// runs is optimized as without a profile (-fprofile-partial-training).
//
// Prints one line at the end; exits non-zero if a search throws.
#include "checker/explore.hpp"
#include "models/registry.hpp"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::uint64_t searches = 0;
std::uint64_t executions = 0;

void run(const std::string& model, const Params& params, const checker::ExploreOptions& options) {
  executions += checker::explore(models::instantiate(model, params), options).executions;
  ++searches;
}

// A search that goes on past its bugs: exhaustive, or all of its random executions.
checker::ExploreOptions whole_search(checker::StrategyKind strategy) {
  checker::ExploreOptions options;
  options.strategy = strategy;
  options.stop_at_first_bug = false;
  options.ignore_time = true;
  return options;
}

void train() {
  // The DPOR benchmark's models, below its largest sizes.
  for (const char* locked : {"false", "true"}) {
    for (const auto& [threads, iters] : {std::pair{"2", "2"}, {"2", "3"}, {"2", "4"}, {"3", "2"}}) {
      run("counter", {{"threads", threads}, {"iters", iters}, {"locked", locked}},
          whole_search(checker::StrategyKind::kDpor));
    }
  }
  for (const char* n : {"3", "4", "5", "6", "7"}) {
    run("philosophers", {{"n", n}, {"meals", "1"}}, whole_search(checker::StrategyKind::kDpor));
  }
  for (const char* n : {"3", "4", "5"}) {
    run("philosophers", {{"n", n}, {"meals", "2"}}, whole_search(checker::StrategyKind::kDpor));
  }
  // What `interleave check MODEL` does, for every model: the default strategy (the
  // portfolio on large trees), with virtual time, to the first bug.
  checker::ExploreOptions check;
  check.max_executions = 20'000;
  for (const models::ModelSpec& spec : models::all_models()) run(spec.name, {}, check);
  // The other strategies, to all of their executions.
  for (const checker::StrategyKind strategy : {checker::StrategyKind::kDfs, checker::StrategyKind::kBounded,
                                               checker::StrategyKind::kPct, checker::StrategyKind::kRandom}) {
    checker::ExploreOptions options = whole_search(strategy);
    options.random_executions = 5'000;
    run("counter", {{"threads", "2"}, {"iters", "3"}}, options);
    run("philosophers", {{"n", "4"}}, options);
  }
}

}  // namespace

int main() {
  try {
    train();
    std::printf("pgo training: %llu searches, %llu executions\n", static_cast<unsigned long long>(searches),
                static_cast<unsigned long long>(executions));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pgo training: %s\n", error.what());
    return 1;
  }
  return 0;
}

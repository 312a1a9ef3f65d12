// Outcome witnesses: the outcome set and counts agree with explore(), each witness
// replays to its outcome, and no execution producing an outcome is shorter (or as
// short with fewer preemptions) than its witness.
#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/witness.hpp"
#include "support.hpp"

#include <cstdio>

namespace {

// For each outcome, the smallest (steps, preemptions) over every DFS execution.
std::map<sim::Outcome, std::pair<std::size_t, std::size_t>> shortest_by_brute_force(const sim::ModelInstance& model) {
  std::map<sim::Outcome, std::pair<std::size_t, std::size_t>> best;
  sim::Runtime runtime;
  checker::DfsStrategy dfs;
  while (dfs.next_execution()) {
    const sim::ExecutionRecord& record = runtime.run(model.main, dfs, {});
    dfs.execution_finished(record);
    if (!record.outcome) continue;
    const std::pair here(record.events.size(), checker::preemptions(record.reasons));
    const auto [it, fresh] = best.try_emplace(*record.outcome, here);
    if (!fresh) it->second = std::min(it->second, here);
  }
  return best;
}

void check_witnesses(const sim::ModelInstance& model) {
  const checker::WitnessResult result = checker::find_witnesses(model, test::dfs_all());
  CHECK(result.exhaustive);
  const checker::ExploreResult explored = checker::explore(model, test::dfs_all());
  REQUIRE(result.witnesses.size() == explored.outcomes.size());
  const auto shortest = shortest_by_brute_force(model);
  for (std::size_t i = 0; i < result.witnesses.size(); ++i) {
    const checker::Witness& w = result.witnesses[i];
    CAPTURE(checker::outcome_text(w.outcome));
    CHECK(w.outcome == explored.outcomes[i].value);
    CHECK(w.executions == explored.outcomes[i].count);
    CHECK(std::pair(w.steps, w.preemptions) == shortest.at(w.outcome));
    CHECK(w.steps == w.trace.events.size());
    CHECK(w.preemptions == checker::preemptions(w.trace));
    const checker::ReplayResult replayed = checker::replay(model, w.trace.choices, {.draws = w.trace.draws});
    CHECK_FALSE(replayed.divergence.has_value());
    CHECK(replayed.trace.outcome == w.outcome);
    test::require_same_trace(replayed.trace, w.trace);
  }
}

}  // namespace

TEST_SUITE("witness") {

TEST_CASE("counter 2x2: outcomes {2, 3, 4}; the witness of 2 replays to 2") {
  const sim::ModelInstance model = test::counter(2, 2);
  const checker::WitnessResult result = checker::find_witnesses(model, test::dfs_all());
  std::set<std::int64_t> values;
  for (const checker::Witness& w : result.witnesses) values.insert(std::get<std::int64_t>(w.outcome));
  CHECK(values == std::set<std::int64_t>{2, 3, 4});
  const checker::Witness& two = result.witnesses.front();
  REQUIRE(two.outcome == sim::Outcome{std::int64_t{2}});
  CHECK(checker::replay(model, two.trace.choices).trace.outcome == sim::Outcome{std::int64_t{2}});
  // 4 is what the threads produce one after the other: no preemption is needed.
  CHECK(result.witnesses.back().preemptions == 0);
  // 2 needs each thread to lose an update, which no serial run does.
  CHECK(two.preemptions > 0);
  check_witnesses(model);
}

TEST_CASE("witnesses are shortest for other models too") {
  check_witnesses(test::counter(3, 1));
  check_witnesses(test::counter(2, 2, true));  // one outcome, many schedules
}

TEST_CASE("a search cut short by the execution limit says so") {
  checker::ExploreOptions options = test::dfs_all();
  options.max_executions = 3;
  const checker::WitnessResult result = checker::find_witnesses(test::counter(2, 2), options);
  CHECK_FALSE(result.exhaustive);
  CHECK(result.executions == 3);
}

}  // TEST_SUITE

#if defined(INTERLEAVE_CLI_PATH)
namespace {

std::string cli_output(const std::string& args) {
  std::string out;
  FILE* pipe = ::popen((std::string(INTERLEAVE_CLI_PATH) + " " + args + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_SUITE("witness") {

TEST_CASE("interleave outcomes --witness prints each outcome's witness as columns") {
  const std::string out = cli_output("outcomes counter --threads 2 --iters 2 --witness");
  const checker::WitnessResult found = checker::find_witnesses(test::counter(2, 2), test::dfs_all());
  CHECK(out.find("among all " + checker::with_commas(found.executions) + " DFS schedules\n") != std::string::npos);
  for (const checker::Witness& w : found.witnesses) {
    CAPTURE(checker::outcome_text(w.outcome));
    const std::string header = "\noutcome " + checker::outcome_text(w.outcome) + ": " + std::to_string(w.steps) +
                               " steps, " + std::to_string(w.preemptions) +
                               (w.preemptions == 1 ? " preemption\n" : " preemptions\n");
    const std::size_t at = out.find(header);
    REQUIRE(at != std::string::npos);
    // The first rows of its column view follow, indented.
    const std::string columns = checker::render_columns(w.trace);
    const std::size_t end_of_first = columns.find('\n') + 1;
    const std::string expected = "  " + columns.substr(0, end_of_first) + "  " +
                                 columns.substr(end_of_first, columns.find('\n', end_of_first) + 1 - end_of_first);
    CHECK(out.compare(at + header.size(), expected.size(), expected) == 0);
    // Then the schedule that replays it, and replaying that schedule gives the outcome.
    const std::string schedule =
        checker::encode_schedule(test::counter(2, 2), {w.trace.choices, w.trace.draws, false});
    CHECK(out.find("  schedule: " + schedule + "\n", at) != std::string::npos);
    const std::string replayed = cli_output("replay --schedule " + schedule);
    CHECK(replayed.find("outcome: " + checker::outcome_text(w.outcome) + "\n") != std::string::npos);
  }
}

TEST_CASE("interleave check reports a race after the lost update, each with its shrink line") {
  const std::string out = cli_output("check counter --threads 2 --iters 2");
  const std::size_t lost = out.find("bug 1 of 2: assertion in main: lost update");
  const std::size_t race = out.find("bug 2 of 2: data-race in ");
  REQUIRE(lost != std::string::npos);
  REQUIRE(race != std::string::npos);
  CHECK(lost < race);
  CHECK(out.find("no lock, join, queue or future orders these two accesses", race) != std::string::npos);
  for (const std::size_t from : {lost, race}) {
    const std::size_t shrunk = out.find("\n  shrunk from ", from);
    const std::size_t minimal = out.find("\n  already minimal: ", from);
    CHECK(std::min(shrunk, minimal) < out.find("  schedule: ", from));
  }
}

}  // TEST_SUITE
#endif  // INTERLEAVE_CLI_PATH

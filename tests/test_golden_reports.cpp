// Golden reports: for each kind of finding on a seed model, the full terminal report of
// `interleave check MODEL ...` is kept in tests/golden/NAME.txt (the command on the
// first line, after "$ ", then stdout byte for byte) and compared exactly, with the exit
// code. Every command pins --strategy and --seed, so a golden changes only when the
// words of a report or the search itself change.
//
// After an intended change of the reports, rewrite the files with
//   INTERLEAVE_UPDATE_GOLDEN=1 ./interleave_tests -ts=golden
// (each rewritten case then fails, saying it rewrote the file), and review the change
// with `git diff tests/golden` before committing it.
//
// Misuse has no seed model (no seed program misuses a primitive), so its golden is the
// library's report of a two-line model: headline, explanation and interleaving.
#include "cli_run.hpp"
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/lock.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "tests" / "golden" / (name + ".txt");
}

bool updating() {
  const char* flag = std::getenv("INTERLEAVE_UPDATE_GOLDEN");
  return flag != nullptr && std::string(flag) == "1";
}

std::string read_golden(const std::string& name) {
  std::ifstream in(golden_path(name), std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "no golden file " << golden_path(name) << ": run with INTERLEAVE_UPDATE_GOLDEN=1");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares `actual` with the golden file `name`, or rewrites the file when updating.
void check_golden(const std::string& name, const std::string& actual) {
  if (updating()) {
    std::filesystem::create_directories(golden_path(name).parent_path());
    std::ofstream(golden_path(name), std::ios::binary | std::ios::trunc) << actual;
    FAIL_CHECK("rewrote " << golden_path(name) << " (INTERLEAVE_UPDATE_GOLDEN=1)");
    return;
  }
  CHECK(actual == read_golden(name));
}

struct GoldenCase {
  const char* name;     // tests/golden/<name>.txt
  const char* finding;  // the kind of finding it shows
  const char* args;     // after `interleave `
};

// One case per kind of finding. The hang uses main's sleep 0 (the seed's hang, found
// at once); the others are the seed models with their default parameters or the
// smallest size that shows the bug.
const GoldenCase kCases[] = {
    {"lost-update", "assertion (lost update)", "check counter --threads 2 --iters 1 --strategy dfs --seed 1"},
    // The first DFS execution has both increments in order (the outcome is right),
    // but nothing orders them: the race alone, stopped after that execution.
    {"data-race", "data race",
     "check counter --threads 2 --iters 1 --strategy dfs --seed 1 --max-executions 1"},
    {"deadlock-locks", "deadlock through locks", "check philosophers --n 3 --strategy dfs --seed 1"},
    {"deadlock-futures", "deadlock through futures", "check executor-deadlock --strategy dfs --seed 1"},
    {"hang-queue", "hang on a queue", "check producer-consumer-event --sleep-ms 0 --strategy dfs --seed 1"},
    {"self-deadlock", "self-deadlock", "check double-acquire --strategy dfs --seed 1"},
    {"daemon-cutoff", "daemon cut off", "check daemon-cutoff --strategy dfs --seed 1"},
};

}  // namespace

TEST_SUITE("golden") {

#if defined(INTERLEAVE_CLI_PATH)
TEST_CASE("golden reports of `interleave check`, one per kind of finding") {
  for (const GoldenCase& c : kCases) {
    CAPTURE(c.name);
    CAPTURE(c.finding);
    const test::CliResult run = test::run_interleave(c.args);
    CHECK(run.code == 1);  // every case is a bug
    CHECK(run.err == "");
    check_golden(c.name, std::string("$ interleave ") + c.args + "\n" + run.out);
  }
}
#endif

TEST_CASE("golden report of a misuse: releasing a lock nobody holds") {
  const auto model = test::inline_model("release-unheld", [] {
    sim::Lock lock("lock");
    lock.release();  // Python: RuntimeError: release unlocked lock
  });
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  REQUIRE(trace.finding->kind == sim::FindingKind::kMisuse);
  check_golden("misuse", "bug: " + checker::finding_headline(trace) + "\n" + checker::explain_finding(trace) +
                             "the interleaving (one column per thread):\n" + checker::render_columns(trace));
}

}  // TEST_SUITE

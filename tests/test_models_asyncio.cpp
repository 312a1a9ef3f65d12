// The asyncio seed models and their exact answers: the kettle takes 5.00 s awaited in
// sequence and 3.00 s as tasks (or in a TaskGroup), printing what CPython prints;
// the downloads take n·latency (--mode sync), ceil(n / workers)·latency (--mode
// threads) and one latency (--mode asyncio), with no finding and no lost list.append.
#include "support.hpp"

#include "checker/schedule.hpp"
#include "checker/trace_file.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr sim::Nanos kMillisecond = 1'000'000;
constexpr sim::Nanos kSecond = 1'000 * kMillisecond;

using Params = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> lines(const sim::ExecutionRecord& record) {
  std::vector<std::string> text;
  for (const sim::OutputLine& line : record.output) text.push_back(line.text);
  return text;
}

// One execution of a registered model (for an asyncio-only model, its only one).
sim::ExecutionRecord run_model(const std::string& name, const Params& params) {
  const sim::ModelInstance instance = models::instantiate(name, params);
  sim::ExecutionRecord record = test::run_once(instance.main);
  CHECK_FALSE(record.finding.has_value());
  return record;
}

// Exhaustive DFS: no finding, and the set of outcomes.
checker::ExploreResult explore_model(const std::string& name, const Params& params) {
  const checker::ExploreResult result = checker::explore(models::instantiate(name, params), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  return result;
}

Params downloads(const std::string& mode, int sites, int workers, int latency_ms) {
  return {{"mode", mode},
          {"sites", std::to_string(sites)},
          {"workers", std::to_string(workers)},
          {"latency-ms", std::to_string(latency_ms)}};
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

TEST_SUITE("models: asyncio") {

TEST_CASE("kettle: awaited one after the other, 5.00 s") {
  const sim::ExecutionRecord record = run_model("kettle", {});
  CHECK(record.duration == 5 * kSecond);  // 3 + 2
  CHECK(lines(record) ==
        std::vector<std::string>{"boiling kettle is done", "cleaning cups is done", "Executed in 5.00 seconds."});
  const checker::ExploreResult result = explore_model("kettle", {});
  CHECK(result.executions == 1);  // the event loop's order is fixed
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{"boiling kettle is done / cleaning cups is done / Executed in 5.00 seconds."});
}

TEST_CASE("kettle --concurrent and --taskgroup: 3.00 s, cups done first") {
  for (const std::string flag : {"concurrent", "taskgroup"}) {
    CAPTURE(flag);
    const sim::ExecutionRecord record = run_model("kettle", {{flag, "true"}});
    CHECK(record.duration == 3 * kSecond);  // max(3, 2)
    CHECK(lines(record) == std::vector<std::string>{"cleaning cups is done", "boiling kettle is done",
                                                    "Executed in 3.00 seconds."});
    // The lines are stamped with the virtual time they were printed at.
    REQUIRE(record.output.size() == 3);
    CHECK(record.output[0].time == 2 * kSecond);
    CHECK(record.output[1].time == 3 * kSecond);
    const checker::ExploreResult result = explore_model("kettle", {{flag, "true"}});
    CHECK(result.executions == 1);
  }
}

TEST_CASE("kettle: --concurrent and --taskgroup are two versions of main(), not one") {
  try {
    models::instantiate("kettle", {{"concurrent", "true"}, {"taskgroup", "true"}});
    FAIL("no error");
  } catch (const models::ModelError& e) {
    CHECK(std::string(e.what()) == "model kettle: --concurrent and --taskgroup are two versions of main(); give one");
  }
}

TEST_CASE("downloads --mode sync: n latencies") {
  const sim::ExecutionRecord record = run_model("downloads", {});  // sync, 6 sites, 0.5 s each
  CHECK(record.duration == 6 * 500 * kMillisecond);
  CHECK(lines(record) == std::vector<std::string>{"Downloaded 6 in 3.0 seconds"});
  for (const auto& [sites, latency_ms] : std::vector<std::pair<int, int>>{{1, 500}, {7, 300}, {160, 250}}) {
    CAPTURE(sites);
    const sim::ExecutionRecord r = run_model("downloads", downloads("sync", sites, 3, latency_ms));
    CHECK(r.duration == sites * latency_ms * kMillisecond);
  }
  const sim::ExecutionRecord seed = run_model("downloads", downloads("sync", 160, 1, 250));
  CHECK(lines(seed) == std::vector<std::string>{"Downloaded 160 in 40.0 seconds"});
  // One thread: one schedule.
  CHECK(explore_model("downloads", downloads("sync", 6, 3, 500)).executions == 1);
}

TEST_CASE("downloads --mode threads: ceil(n / workers) latencies, and no append lost") {
  struct Case {
    int sites, workers, latency_ms;
  };
  for (const Case c : {Case{6, 3, 500}, Case{7, 3, 500}, Case{5, 8, 100}, Case{160, 20, 300}, Case{160, 160, 300}}) {
    CAPTURE(c.sites);
    CAPTURE(c.workers);
    const sim::ExecutionRecord record = run_model("downloads", downloads("threads", c.sites, c.workers, c.latency_ms));
    const sim::Nanos expected = ceil_div(c.sites, c.workers) * c.latency_ms * kMillisecond;
    CHECK(record.duration == expected);
    const std::vector<std::string> out = lines(record);
    REQUIRE(out.size() == 2);
    CHECK(out[1] == std::to_string(c.sites));  // print(len(variable_list))
  }
  CHECK(lines(run_model("downloads", downloads("threads", 6, 3, 500))).front() == "Downloaded 6 in 1.0 seconds");
  // Every interleaving of a small pool: the same duration, and len(variable_list) == n.
  const checker::ExploreResult result = explore_model("downloads", downloads("threads", 3, 2, 500));
  CHECK(result.executions > 1);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"Downloaded 3 in 1.0 seconds"});
}

TEST_CASE("downloads --mode asyncio: one latency, whatever the number of sites") {
  for (const int sites : {1, 6, 160}) {
    CAPTURE(sites);
    const sim::ExecutionRecord record = run_model("downloads", downloads("asyncio", sites, 3, 500));
    CHECK(record.duration == 500 * kMillisecond);
    CHECK(lines(record) == std::vector<std::string>{"Downloaded " + std::to_string(sites) + " sites in 0.5 seconds"});
  }
  const checker::ExploreResult result = explore_model("downloads", downloads("asyncio", 6, 3, 500));
  CHECK(result.executions == 1);
}

TEST_CASE("downloads --mode: one of three words, sync by default") {
  CHECK(models::instantiate("downloads", {}).params.front() == std::pair<std::string, std::string>{"mode", "sync"});
  CHECK(models::instantiate("downloads", {{"mode", "asyncio"}}).params.front() ==
        std::pair<std::string, std::string>{"mode", "asyncio"});
  for (const std::string bad : {"threading", "", "Sync", "1"}) {
    CAPTURE(bad);
    try {
      models::instantiate("downloads", {{"mode", bad}});
      FAIL("no error for --mode " << bad);
    } catch (const models::ModelError& e) {
      CHECK(std::string(e.what()) ==
            "parameter --mode of model downloads must be one of sync, threads, asyncio, got '" + bad + "'");
    }
  }
}

TEST_CASE("downloads --mode threads: the choice survives the schedule string and the trace file") {
  const sim::ModelInstance model = models::instantiate("downloads", downloads("threads", 3, 2, 500));
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  REQUIRE(result.executions > 1);
  const checker::Trace run = checker::to_trace(test::run_once(model.main));
  const std::string schedule = checker::encode_schedule(model, {.choices = run.choices, .draws = {}, .ignore_time = false});
  CHECK(schedule.starts_with("downloads:mode=threads,sites=3,workers=2,latency-ms=500:"));
  const checker::ParsedSchedule parsed = checker::parse_schedule(schedule);
  CHECK(models::instantiate(parsed.model, parsed.params).params == model.params);
  const checker::ReplayResult replayed = checker::replay(model, parsed.run.choices);
  CHECK_FALSE(replayed.divergence.has_value());
  CHECK(replayed.trace.outcome == run.outcome);

  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("interleave-downloads-" + std::to_string(::getpid()) + ".json");
  checker::write_trace_file(file, checker::trace_to_json(model, run, {.strategy = "test"}));
  const checker::LoadedTrace loaded = checker::read_trace_file(file);
  std::filesystem::remove(file);
  CHECK(loaded.model == "downloads");
  CHECK(loaded.params == model.params);
  CHECK(loaded.run.choices == run.choices);
}

}  // TEST_SUITE

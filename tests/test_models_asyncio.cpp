// The asyncio seed models and their exact answers: the kettle takes 5.00 s awaited in
// sequence and 3.00 s as tasks (or in a TaskGroup), printing what CPython prints;
// the downloads take n·latency (sync), ceil(n / workers)·latency (thread pool) and
// one latency (asyncio), with no finding and no lost list.append.
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
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

Params downloads(const std::string& version, int sites, int workers, int latency_ms) {
  Params params = {{"sites", std::to_string(sites)},
                   {"workers", std::to_string(workers)},
                   {"latency-ms", std::to_string(latency_ms)}};
  if (!version.empty()) params.emplace_back(version, "true");
  return params;
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

TEST_CASE("downloads: sync takes n latencies") {
  const sim::ExecutionRecord record = run_model("downloads", {});  // 6 sites, 0.5 s each
  CHECK(record.duration == 6 * 500 * kMillisecond);
  CHECK(lines(record) == std::vector<std::string>{"Downloaded 6 in 3.0 seconds"});
  const sim::ExecutionRecord seed = run_model("downloads", downloads("", 160, 1, 250));
  CHECK(seed.duration == 160 * 250 * kMillisecond);
  CHECK(lines(seed) == std::vector<std::string>{"Downloaded 160 in 40.0 seconds"});
}

TEST_CASE("downloads --threading: ceil(n / workers) latencies, and no append lost") {
  struct Case {
    int sites, workers, latency_ms;
  };
  for (const Case c : {Case{6, 3, 500}, Case{7, 3, 500}, Case{5, 8, 100}, Case{160, 20, 300}, Case{160, 160, 300}}) {
    CAPTURE(c.sites);
    CAPTURE(c.workers);
    const sim::ExecutionRecord record = run_model("downloads", downloads("threading", c.sites, c.workers, c.latency_ms));
    const sim::Nanos expected = ceil_div(c.sites, c.workers) * c.latency_ms * kMillisecond;
    CHECK(record.duration == expected);
    const std::vector<std::string> out = lines(record);
    REQUIRE(out.size() == 2);
    CHECK(out[1] == std::to_string(c.sites));  // print(len(variable_list))
  }
  CHECK(lines(run_model("downloads", downloads("threading", 6, 3, 500))).front() == "Downloaded 6 in 1.0 seconds");
  // Every interleaving of a small pool: the same duration, and len(variable_list) == n.
  const checker::ExploreResult result = explore_model("downloads", downloads("threading", 3, 2, 500));
  CHECK(result.executions > 1);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"Downloaded 3 in 1.0 seconds"});
}

TEST_CASE("downloads --asyncio: one latency, whatever the number of sites") {
  for (const int sites : {1, 6, 160}) {
    CAPTURE(sites);
    const sim::ExecutionRecord record = run_model("downloads", downloads("asyncio", sites, 3, 500));
    CHECK(record.duration == 500 * kMillisecond);
    CHECK(lines(record) == std::vector<std::string>{"Downloaded " + std::to_string(sites) + " sites in 0.5 seconds"});
  }
  const checker::ExploreResult result = explore_model("downloads", downloads("asyncio", 6, 3, 500));
  CHECK(result.executions == 1);
}

TEST_CASE("downloads: the versions exclude each other") {
  CHECK_THROWS_AS(models::instantiate("downloads", {{"threading", "true"}, {"asyncio", "true"}}), models::ModelError);
}

}  // TEST_SUITE

// The plain-words rendering of traces (checker/report.hpp), at the level the other
// suites rely on: one row per recorded event, outcome values as text, one line per
// cut-off daemon. (Deadlock headlines and explanations are checked in test_deadlocks.)
#include "support.hpp"

#include "checker/report.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

std::size_t line_count(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

}  // namespace

TEST_SUITE("report") {

TEST_CASE("outcome_text") {
  CHECK(checker::outcome_text(sim::Outcome{std::int64_t{-3}}) == "-3");
  CHECK(checker::outcome_text(sim::Outcome{std::string("a b")}) == "a b");
}

TEST_CASE("render_columns: a header, then one row per event, one column per thread") {
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  const std::string table = checker::render_columns(trace);
  CHECK(line_count(table) == trace.events.size() + 1);
  const std::string header = table.substr(0, table.find('\n'));
  for (const std::string& name : trace.thread_names) CHECK(header.find(name) != std::string::npos);
}

TEST_CASE("headline and explanation of non-deadlock findings name the thread and the message") {
  const checker::ExploreResult result = checker::explore(test::counter(2, 1), test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  const std::string headline = checker::finding_headline(trace);
  CHECK(headline.rfind("assertion", 0) == 0);
  CHECK(headline.find(trace.thread_names[trace.finding->thread]) != std::string::npos);
  CHECK(headline.find(trace.finding->message) != std::string::npos);
  CHECK(line_count(headline) == 0);
  CHECK(checker::explain_finding(trace).find(trace.finding->message) != std::string::npos);
}

TEST_CASE("explain_cut_off: one line per daemon, naming it and what it was doing") {
  const auto model = test::inline_model("daemons", [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Thread a([&x] { x.load(); }, "daemon-a", true);
    sim::Thread b([&x] { x.store(1); }, "daemon-b", true);
    a.start();
    b.start();
  });
  const checker::ReplayResult run = checker::replay(model, {});
  REQUIRE_FALSE(run.divergence.has_value());
  REQUIRE(run.trace.cut_off_daemons.size() == 2);
  const std::string text = checker::explain_cut_off(run.trace);
  CHECK(line_count(text) == 2);
  for (const sim::CutOffDaemon& d : run.trace.cut_off_daemons) {
    CHECK(text.find(run.trace.thread_names[d.thread]) != std::string::npos);
    CHECK(text.find(d.doing) != std::string::npos);
  }
}

}  // TEST_SUITE

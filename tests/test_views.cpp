// Views of a trace (checker/views/): the log with virtual timestamps, exactly, for a
// model that prints, and the Chrome trace-event JSON of the executor deadlock,
// validated against the rules of the Trace Event Format (required keys and types per
// phase, non-negative times, every track named, slices on a track nested or apart)
// and against the trace it was made from.
#include "cli_run.hpp"
#include "support.hpp"

#include "checker/views/chrome_trace.hpp"
#include "checker/views/log_view.hpp"
#include "checker/views/view.hpp"
#include "checker/schedule.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;

checker::Trace first_bug(const sim::ModelInstance& model) {
  const checker::ExploreResult result = checker::explore(model, test::dfs_first_bug());
  REQUIRE(result.bugs.size() == 1);
  return result.bugs[0].trace;
}

bool is_number(const Json& value) { return value.is_number_integer() || value.is_number_float(); }

struct Slice {
  double begin;
  double end;
  std::string name;
};

// The Trace Event Format's rules for the phases we write; returns every violation.
std::vector<std::string> format_violations(const Json& doc) {
  std::vector<std::string> problems;
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
    return {"the document is not an object with a traceEvents array"};
  }
  std::set<std::pair<std::int64_t, std::int64_t>> named;  // (pid, tid) with a thread_name
  std::set<std::pair<std::int64_t, std::int64_t>> used;
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<Slice>> slices;
  for (const Json& e : doc["traceEvents"]) {
    const std::string where = e.dump();
    for (const char* key : {"name", "ph", "pid", "tid"}) {
      if (!e.contains(key)) problems.push_back(std::string("missing ") + key + ": " + where);
    }
    if (!problems.empty()) continue;
    if (!e["name"].is_string() || !e["ph"].is_string() || !e["pid"].is_number_integer() ||
        !e["tid"].is_number_integer()) {
      problems.push_back("wrong type of name, ph, pid or tid: " + where);
      continue;
    }
    if (e.contains("args") && !e["args"].is_object()) problems.push_back("args is not an object: " + where);
    const std::pair<std::int64_t, std::int64_t> track{e["pid"].get<std::int64_t>(), e["tid"].get<std::int64_t>()};
    const std::string ph = e["ph"];
    if (ph == "M") {
      if (!e.contains("args") || !e["args"].is_object()) problems.push_back("metadata without args: " + where);
      if (e["name"] == "thread_name") {
        if (!e["args"].contains("name") || !e["args"]["name"].is_string()) {
          problems.push_back("thread_name without a string args.name: " + where);
        }
        named.insert(track);
      }
      continue;
    }
    used.insert(track);
    if (!e.contains("ts") || !is_number(e["ts"]) || e["ts"].get<double>() < 0) {
      problems.push_back("ts missing, not a number or negative: " + where);
      continue;
    }
    if (ph == "X") {
      if (!e.contains("dur") || !is_number(e["dur"]) || e["dur"].get<double>() < 0) {
        problems.push_back("complete event without a non-negative dur: " + where);
        continue;
      }
      const double ts = e["ts"].get<double>();
      slices[track].push_back({ts, ts + e["dur"].get<double>(), e["name"]});
    } else if (ph == "i" || ph == "I") {
      if (e.contains("s") && !(e["s"] == "g" || e["s"] == "p" || e["s"] == "t")) {
        problems.push_back("instant event scope is not g, p or t: " + where);
      }
    } else {
      problems.push_back("unexpected phase " + ph + ": " + where);
    }
  }
  for (const auto& track : used) {
    if (!named.contains(track)) problems.push_back("tid " + std::to_string(track.second) + " has no thread_name");
  }
  // On one track, two slices either nest or do not overlap (the viewer stacks them).
  for (auto& [track, list] : slices) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const Slice& a = list[i];
        const Slice& b = list[j];
        const bool apart = a.end <= b.begin || b.end <= a.begin;
        const bool nested = (a.begin <= b.begin && b.end <= a.end) || (b.begin <= a.begin && a.end <= b.end);
        if (!apart && !nested) problems.push_back("slices '" + a.name + "' and '" + b.name + "' partially overlap");
      }
    }
  }
  return problems;
}

}  // namespace

TEST_SUITE("views") {

TEST_CASE("columns: each switch says why, naming the thread that finished (not its eager joiner)") {
  const checker::ParsedSchedule parsed = checker::parse_schedule("counter:threads=2,iters=1,locked=false:1x2.2x2.0");
  const checker::ReplayResult run =
      checker::replay(models::instantiate(parsed.model, parsed.params), parsed.run.choices);
  REQUIRE_FALSE(run.divergence.has_value());
  CHECK(checker::views::render_view("columns", run.trace, "counter") ==
        " step  main               Thread-1           Thread-2           why\n"
        "    1  start Thread-1\n"
        "    2  start Thread-2\n"
        "    3                     load counter -> 0                     main is blocked\n"
        "    4                     store counter = 1\n"
        "    5                     finish Thread-1\n"
        "    6  join Thread-1\n"
        "    7                                        load counter -> 1  Thread-1 finished\n"
        "    8                                        store counter = 2\n"
        "    9                                        finish Thread-2\n"
        "   10  join Thread-2\n"
        "   11  load counter -> 2\n"
        "   12  finish main\n");
}

TEST_CASE("log: every step with its virtual time, printed lines after the write that ended them") {
  CHECK(checker::views::render_log(first_bug(test::model("double-acquire"))) ==
        "virtual time     step  thread  operation\n"
        "[  0.000000 s]     1  main    write stdout\n"
        "[  0.000000 s]     2  main    write stdout\n"
        "[  0.000000 s]        main    | before first acquire\n"
        "[  0.000000 s]     3  main    acquire l\n"
        "[  0.000000 s]     4  main    write stdout\n"
        "[  0.000000 s]     5  main    write stdout\n"
        "[  0.000000 s]        main    | before second acquire\n"
        "[  0.000000 s]                deadlock: no thread can run, and 1 thread has not finished\n");
}

TEST_CASE("log: the virtual clock moves with sleeps") {
  const std::string log = checker::views::render_log(first_bug(test::model("executor-deadlock")));
  CHECK(log.find("[  0.000000 s]     7  worker-1  task-start b\n") != std::string::npos);
  CHECK(log.find("[  5.000000 s]     8  worker-1  sleep\n") != std::string::npos);
}

TEST_CASE("chrome: the executor deadlock's trace follows the trace-event format") {
  const checker::Trace trace = first_bug(test::model("executor-deadlock"));
  const std::string text = checker::views::render_chrome_trace(trace, "executor-deadlock (workers=2)");
  const Json doc = Json::parse(text);
  std::string problems;
  for (const std::string& problem : format_violations(doc)) problems += problem + "\n";
  CHECK(problems == "");
  CHECK(doc["displayTimeUnit"] == "ms");

  // One named track per thread of the trace, in order.
  std::vector<std::string> names;
  std::size_t steps = 0;
  std::map<std::string, std::int64_t> blocked_until;  // thread -> end of its last "never returns" slice
  std::vector<std::string> findings;
  std::map<std::int64_t, std::string> thread_of_tid;
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      names.push_back(e["args"]["name"]);
      thread_of_tid[e["tid"]] = e["args"]["name"];
    }
  }
  CHECK(names == trace.thread_names);
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "step") {
      // Step k (1-based) spans [(k-1) ms, k ms) on its thread's track.
      const std::size_t k = e["args"]["step"];
      REQUIRE(k >= 1);
      REQUIRE(k <= trace.events.size());
      CHECK(e["ts"] == (k - 1) * checker::views::kMicrosPerStep);
      CHECK(e["dur"] == checker::views::kMicrosPerStep);
      CHECK(thread_of_tid[e["tid"]] == trace.thread_names[trace.events[k - 1].thread]);
      ++steps;
    }
    if (e["ph"] == "X" && e["args"].contains("never_returns")) {
      blocked_until[thread_of_tid[e["tid"]]] = e["ts"].get<std::int64_t>() + e["dur"].get<std::int64_t>();
    }
    if (e["ph"] == "i" && e["cat"] == "finding") findings.push_back(e["name"]);
  }
  CHECK(steps == trace.events.size());
  // main and both workers are blocked up to one step past the last.
  const auto past_end = static_cast<std::int64_t>(trace.events.size() + 1) * checker::views::kMicrosPerStep;
  CHECK(blocked_until == std::map<std::string, std::int64_t>{
                             {"main", past_end}, {"worker-0", past_end}, {"worker-1", past_end}});
  CHECK(findings == std::vector<std::string>{"deadlock: " + trace.finding->message});
}

TEST_CASE("chrome: one random execution of every seed model follows the format") {
  for (const models::ModelSpec& spec : models::all_models()) {
    CAPTURE(spec.name);
    const checker::Trace trace = checker::run_one(test::model(spec.name), 7, checker::ExploreOptions{});
    const Json doc = Json::parse(checker::views::render_chrome_trace(trace, spec.name));
    std::string problems;
    for (const std::string& problem : format_violations(doc)) problems += problem + "\n";
    CHECK(problems == "");
  }
}

TEST_CASE("chrome: the validator catches a partial overlap and an unnamed track") {
  const Json bad = Json::parse(R"({"traceEvents": [
    {"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "main"}},
    {"name": "a", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 1},
    {"name": "b", "ph": "X", "ts": 5, "dur": 10, "pid": 1, "tid": 1},
    {"name": "c", "ph": "i", "ts": 1, "pid": 1, "tid": 2, "s": "t"}]})");
  CHECK(format_violations(bad) ==
        std::vector<std::string>{"tid 2 has no thread_name", "slices 'a' and 'b' partially overlap"});
}

TEST_CASE("chrome: printed lines are instants at the end of the write that ended them") {
  const checker::Trace trace = first_bug(test::model("double-acquire"));
  const Json doc = Json::parse(checker::views::render_chrome_trace(trace, "double-acquire"));
  std::vector<std::pair<std::string, std::int64_t>> prints;
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == "i" && e["cat"] == "output") prints.emplace_back(e["name"], e["ts"]);
  }
  CHECK(prints == std::vector<std::pair<std::string, std::int64_t>>{
                      {"print: before first acquire", 2 * checker::views::kMicrosPerStep},
                      {"print: before second acquire", 5 * checker::views::kMicrosPerStep}});
}

#if defined(INTERLEAVE_CLI_PATH)
TEST_CASE("replay --view: the log and the Chrome trace from the command line") {
  const std::string schedule = "--schedule executor-deadlock:workers=2:0x3.1.2x2.1";
  const test::CliResult log = test::run_interleave("replay " + schedule + " --view log");
  CHECK(log.code == 1);
  CHECK(log.out.find("[  5.000000 s]     8  worker-1  sleep\n") != std::string::npos);

  // Without --out, stdout is the JSON document and nothing else.
  const test::CliResult chrome = test::run_interleave("replay " + schedule + " --view chrome");
  CHECK(chrome.code == 1);
  CHECK(chrome.err == "");
  std::string problems;
  for (const std::string& problem : format_violations(Json::parse(chrome.out))) problems += problem + "\n";
  CHECK(problems == "");

  const std::filesystem::path file = test::cli_scratch() / "deadlock.trace.json";
  const test::CliResult to_file =
      test::run_interleave("replay " + schedule + " --view chrome --out " + test::shell_quote(file.string()));
  CHECK(to_file.code == 1);
  CHECK(to_file.out.find("the chrome view is written to " + file.string() + "\n") != std::string::npos);
  CHECK(test::read_text_file(file) == chrome.out);

  const test::CliResult bad = test::run_interleave("replay " + schedule + " --view table");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--view") != std::string::npos);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}
#endif

}  // TEST_SUITE

// The `interleave` command line, run as a separate process: bad input of every kind
// exits with code 2 and exactly one line on stderr; a bug exits 1, no bug 0, a hit
// limit 3; `--json` output is byte-identical for the same seed; traces written by
// `check --trace-out` replay, and damaged or mismatched ones are refused in one line.
// Needs the CLI target (INTERLEAVE_CLI_PATH, defined by CMake when it exists).
#if defined(INTERLEAVE_CLI_PATH)

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// A scratch directory for this process, removed at exit.
const fs::path& scratch() {
  static const struct Dir {
    fs::path path;
    Dir() : path(fs::temp_directory_path() / ("interleave-test-cli-" + std::to_string(::getpid()))) {
      fs::create_directories(path);
    }
    ~Dir() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } dir;
  return dir.path;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `interleave ARGS` (ARGS already shell-quoted where needed).
CliRun run_cli(const std::string& args) {
  const fs::path out = scratch() / "stdout.txt";
  const fs::path err = scratch() / "stderr.txt";
  const std::string command = quote(INTERLEAVE_CLI_PATH) + " " + args + " >" + quote(out.string()) + " 2>" +
                              quote(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  CliRun run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_file(out);
  run.err = read_file(err);
  return run;
}

std::size_t line_count(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

// Exit code 2 and one line, "interleave: error: ...", on stderr.
void require_input_error(const CliRun& run) {
  CAPTURE(run.out);
  CAPTURE(run.err);
  CHECK(run.code == 2);
  CHECK(line_count(run.err) == 1);
  CHECK(run.err.back() == '\n');
  CHECK(run.err.rfind("interleave: error: ", 0) == 0);
}

// A real trace of the philosophers deadlock, written once by `check --trace-out`.
const fs::path& philosophers_trace() {
  static const fs::path path = [] {
    const fs::path file = scratch() / "philosophers.json";
    const CliRun run = run_cli("check philosophers --n 3 --trace-out " + quote(file.string()));
    REQUIRE(run.code == 1);
    REQUIRE(fs::exists(file));
    return file;
  }();
  return path;
}

nlohmann::ordered_json load_json(const fs::path& path) { return nlohmann::ordered_json::parse(read_file(path)); }

fs::path save_json(const std::string& name, const nlohmann::ordered_json& document) {
  const fs::path file = scratch() / name;
  write_file(file, document.dump(2) + "\n");
  return file;
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("bad model or parameter: exit 2, one line on stderr") {
  for (const std::string args : {
           "check nope",
           "check counter --bogus 1",
           "check counter --threads 0",
           "check counter --threads -1",
           "check counter --threads 99999999999",
           "check counter --threads abc",
           "check counter --threads ''",
           "check counter --iters 1x",
           "outcomes nope",
           "outcomes counter --threads 0",
       }) {
    CAPTURE(args);
    require_input_error(run_cli(args));
  }
}

TEST_CASE("every model's parameters out of range: exit 2 and the one line the registry words") {
  // For each registered model: each integer one below its minimum and above its
  // maximum, each choice an unknown word, each switch a non-boolean value, through
  // `check` as a user would type them.
  std::size_t runs = 0;
  for (const models::ModelSpec& spec : models::all_models()) {
    for (const models::ParamSpec& p : spec.params) {
      CAPTURE(spec.name);
      CAPTURE(p.name);
      const std::string where = "interleave: error: parameter --" + p.name + " of model " + spec.name;
      std::vector<std::pair<std::string, std::string>> cases;  // argument, expected stderr
      if (p.is_choice()) {
        std::string words;
        for (const std::string& word : p.choices) words += (words.empty() ? "" : ", ") + word;
        cases.emplace_back("--" + p.name + " bogus", where + " must be one of " + words + ", got 'bogus'\n");
      } else if (p.is_flag) {
        cases.emplace_back("--" + p.name + "=maybe",
                           where + " is a switch: expected true or false, got 'maybe'\n");
      } else {
        const std::string range = " must be between " + std::to_string(p.min) + " and " + std::to_string(p.max);
        for (const std::int64_t bad : {p.min - 1, p.max + 1}) {
          cases.emplace_back("--" + p.name + " " + quote(std::to_string(bad)),
                             where + range + ", got " + std::to_string(bad) + "\n");
        }
      }
      for (const auto& [argument, expected] : cases) {
        CAPTURE(argument);
        const CliRun run = run_cli("check " + spec.name + " " + argument);
        require_input_error(run);
        CHECK(run.err == expected);
        ++runs;
      }
    }
  }
  CHECK(runs >= 2 * models::all_models().size());  // every model takes at least one parameter
}

TEST_CASE("models' own consistency errors: exit 2, one line") {
  const CliRun kettle = run_cli("check kettle --concurrent --taskgroup");
  require_input_error(kettle);
  CHECK(kettle.err ==
        "interleave: error: model kettle: --concurrent and --taskgroup are two versions of main(); give one\n");
  const CliRun no_word = run_cli("check downloads --mode");
  require_input_error(no_word);
  CHECK(no_word.err == "interleave: error: parameter --mode of model downloads needs a value\n");
  // `list` shows a choice with its words and its default.
  const CliRun list = run_cli("list");
  CHECK(list.out.find("\n    --mode sync|threads|asyncio  default sync  ") != std::string::npos);
  // A choice is given as a word, and takes effect.
  const CliRun threads = run_cli("run downloads --mode threads --sites 4 --workers 2");
  CHECK(threads.code == 0);
  CHECK(threads.out.find("Downloaded 4 in 1.0 seconds") != std::string::npos);
}

TEST_CASE("daemon-cutoff is a finding (exit 1); with --join it is not (exit 0)") {
  const CliRun cut = run_cli("check daemon-cutoff --strategy dfs");
  CHECK(cut.code == 1);
  CHECK(cut.out.find("bug: daemon-cut-off in Thread-1: ") != std::string::npos);
  const CliRun joined = run_cli("check daemon-cutoff --join --strategy dfs");
  CHECK(joined.code == 0);
  CHECK(joined.out.find("bug:") == std::string::npos);
}

TEST_CASE("the error line says what was wrong") {
  const CliRun unknown = run_cli("check nope");
  CHECK(unknown.err.find("nope") != std::string::npos);
  const CliRun range = run_cli("check counter --threads 0");
  CHECK(range.err.find("--threads") != std::string::npos);
}

TEST_CASE("replay: missing, truncated, non-JSON and wrong-version trace files") {
  const std::string text = read_file(philosophers_trace());
  REQUIRE(text.size() > 10);

  require_input_error(run_cli("replay " + quote((scratch() / "does-not-exist.json").string())));

  const fs::path truncated = scratch() / "truncated.json";
  write_file(truncated, text.substr(0, text.size() / 2));
  require_input_error(run_cli("replay " + quote(truncated.string())));

  const fs::path empty = scratch() / "empty.json";
  write_file(empty, "");
  require_input_error(run_cli("replay " + quote(empty.string())));

  const fs::path not_json = scratch() / "not-json.json";
  write_file(not_json, "this is not a trace\n");
  require_input_error(run_cli("replay " + quote(not_json.string())));

  nlohmann::ordered_json wrong_version = load_json(philosophers_trace());
  wrong_version["version"] = wrong_version["version"].get<int>() + 1;
  require_input_error(run_cli("replay " + quote(save_json("version.json", wrong_version).string())));

  nlohmann::ordered_json not_a_trace = nlohmann::ordered_json::object();
  not_a_trace["hello"] = "world";
  require_input_error(run_cli("replay " + quote(save_json("other.json", not_a_trace).string())));
}

TEST_CASE("replay: a trace edited to name another model or other parameters") {
  const nlohmann::ordered_json original = load_json(philosophers_trace());
  const std::string schedule = original["schedule"].get<std::string>();
  const std::string choices = schedule.substr(schedule.rfind(':') + 1);

  // Only "model" changed: it disagrees with the schedule string.
  nlohmann::ordered_json model_only = original;
  model_only["model"] = "counter";
  require_input_error(run_cli("replay " + quote(save_json("model-only.json", model_only).string())));

  // Only the parameters changed: they disagree with the schedule string.
  nlohmann::ordered_json params_only = original;
  params_only["parameters"]["n"] = 2;
  require_input_error(run_cli("replay " + quote(save_json("params-only.json", params_only).string())));

  // Consistently another model: the choices do not fit it, so the replay diverges.
  nlohmann::ordered_json counter = original;
  counter["model"] = "counter";
  counter["parameters"] = {{"threads", 2}, {"iters", 1}, {"locked", "false"}};
  counter["schedule"] = "counter:threads=2,iters=1,locked=false:" + choices;
  require_input_error(run_cli("replay " + quote(save_json("counter.json", counter).string())));

  // Consistently other parameters: two philosophers cannot follow three's schedule.
  nlohmann::ordered_json two = original;
  two["parameters"]["n"] = 2;
  std::string edited = schedule;
  edited.replace(edited.find("n=3"), 3, "n=2");
  two["schedule"] = edited;
  require_input_error(run_cli("replay " + quote(save_json("two.json", two).string())));
}

TEST_CASE("replay: malformed and mismatched schedule strings") {
  for (const std::string schedule : {"", "philosophers", "philosophers:n=3", "philosophers:n=3:1.x", "nope::0",
                                     "philosophers:n=0:1", "philosophers:bogus=1:1", "counter::7"}) {
    CAPTURE(schedule);
    require_input_error(run_cli("replay --schedule " + quote(schedule)));
  }
}

TEST_CASE("exit codes: bug 1, no bug 0, limit 3") {
  CHECK(run_cli("check philosophers").code == 1);
  CHECK(run_cli("check counter --threads 2 --iters 2 --locked").code == 0);
  CHECK(run_cli("check counter --threads 2 --iters 2").code == 1);
  CHECK(run_cli("check counter --threads 2 --iters 2 --locked --strategy dfs --max-executions 3").code == 3);
  CHECK(run_cli("check philosophers --n 3 --ordered --strategy dfs").code == 0);
  CHECK(run_cli("list").code == 0);
}

TEST_CASE("a trace written by check replays to the same finding") {
  const CliRun replayed = run_cli("replay " + quote(philosophers_trace().string()));
  CHECK(replayed.code == 1);
  const nlohmann::ordered_json trace = load_json(philosophers_trace());
  CHECK(trace["finding"]["kind"] == "deadlock");
  CHECK(replayed.out.find(trace["finding"]["message"].get<std::string>()) != std::string::npos);

  const CliRun by_string = run_cli("replay --schedule " + quote(trace["schedule"].get<std::string>()));
  CHECK(by_string.code == 1);
  // The same report, except that the file's replay says where the schedule came from.
  std::string from_file = replayed.out;
  const std::string source = " (from " + philosophers_trace().string() + ")";
  if (const std::size_t at = from_file.find(source); at != std::string::npos) from_file.erase(at, source.size());
  CHECK(by_string.out == from_file);
}

TEST_CASE("check --json with the same seed is byte-identical, and matches the library") {
  for (const std::string args : {"check philosophers --json --seed 7", "check counter --json --seed 7",
                                 "check counter --threads 3 --iters 1 --json --seed 7 --strategy random --keep-going",
                                 "outcomes counter --threads 2 --iters 2 --json"}) {
    CAPTURE(args);
    const CliRun first = run_cli(args);
    const CliRun second = run_cli(args);
    CHECK(first.code == second.code);
    CHECK(first.out == second.out);
    CHECK(first.err.empty());
    REQUIRE_FALSE(first.out.empty());
    const auto parsed = nlohmann::json::parse(first.out, nullptr, /*allow_exceptions=*/false);
    CHECK_FALSE(parsed.is_discarded());
  }

  // The outcome counts the CLI prints are the library's, under the default strategy.
  const nlohmann::json printed = nlohmann::json::parse(run_cli("outcomes counter --threads 2 --iters 2 --json").out);
  checker::ExploreOptions all;
  all.stop_at_first_bug = false;
  const checker::ExploreResult result = checker::explore(test::counter(2, 2), all);
  REQUIRE(printed["outcomes"].size() == result.outcomes.size());
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    CHECK(printed["outcomes"][i]["value"].get<std::int64_t>() == std::get<std::int64_t>(result.outcomes[i].value));
    CHECK(printed["outcomes"][i]["count"].get<std::uint64_t>() == result.outcomes[i].count);
  }
  CHECK(printed["executions"].get<std::uint64_t>() == result.executions);
}

TEST_CASE("outcomes: an exact set only after an exhaustive search, else the outcomes seen so far") {
  const CliRun exact = run_cli("outcomes counter --threads 2 --iters 2");
  CHECK(exact.code == 0);
  CHECK(exact.out.find("outcome set (exact, every schedule explored):") != std::string::npos);
  CHECK(exact.out.find("certificate: exhaustive: all 34 traces explored (DPOR)\n") != std::string::npos);
  CHECK(nlohmann::json::parse(run_cli("outcomes counter --threads 2 --iters 2 --json").out)["outcome_set"] == "exact");

  for (const std::string args : {"outcomes counter --threads 2 --iters 2 --strategy pct --random-executions 20",
                                 "outcomes counter --threads 2 --iters 2 --strategy random --random-executions 20",
                                 "outcomes counter --threads 2 --iters 2 --strategy bounded --preemptions 1",
                                 "outcomes counter --threads 2 --iters 2 --max-executions 10"}) {
    CAPTURE(args);
    const CliRun seen = run_cli(args);
    CHECK(seen.out.find("outcomes seen so far (not exhaustive):") != std::string::npos);
    CHECK(seen.out.find("outcome set") == std::string::npos);
    CHECK(seen.out.find(": not exhaustive\n") != std::string::npos);
    const nlohmann::json doc = nlohmann::json::parse(run_cli(args + " --json").out);
    CHECK(doc["outcome_set"] == "seen-so-far");
    CHECK(doc["exhaustive"] == false);
  }
}

TEST_CASE("the strategies from the command line, and their bad values") {
  const CliRun bounded = run_cli("check philosophers --n 4 --strategy bounded --preemptions 1");
  CHECK(bounded.code == 1);
  CHECK(bounded.out.find("found by preemption-bounded execution ") != std::string::npos);
  CHECK(bounded.out.find(", with 1 preemption, after all schedules with ≤ 0 preemptions\n") != std::string::npos);
  const CliRun pct = run_cli("check philosophers --n 4 --strategy pct --depth 2 --seed 5");
  CHECK(pct.code == 1);
  CHECK(pct.out.find(" (d=2, seed 5)\n") != std::string::npos);
  CHECK(run_cli("check philosophers --n 4 --strategy bounded --preemptions 0").code == 0);
  for (const std::string args : {"check philosophers --strategy bounded --preemptions -1",
                                 "check philosophers --strategy bounded --preemptions x",
                                 "check philosophers --strategy pct --depth 0",
                                 "check philosophers --strategy portfolio"}) {
    CAPTURE(args);
    require_input_error(run_cli(args));
  }
}

TEST_CASE("a replay that stops inside a `with lock:` block ends cleanly") {
  // The schedule runs out while Thread-1 is parked at the release in ~scoped_lock.
  const CliRun run = run_cli("replay --schedule counter:threads=2,iters=1,locked=true:1x3");
  require_input_error(run);  // a divergence, not a crash (SIGABRT would be 134)
}

}  // TEST_SUITE

#endif  // INTERLEAVE_CLI_PATH

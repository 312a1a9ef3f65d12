// What the `interleave` subcommands share: exit codes, the exploration options
// (--strategy, --seed, ...) and their validation, model parameters given as
// `--NAME VALUE` / `--SWITCH` after the model name, and the small text and JSON
// pieces every report prints (parameters, outcomes, the replay command).
#pragma once

#include "checker/explore.hpp"
#include "sim/model_instance.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace checker::cli {

enum ExitCode : int {
  kExitOk = 0,       // no bug (or a replay that ended without a finding)
  kExitBug = 1,      // a bug was found or reproduced
  kExitUsage = 2,    // usage or input error, replay divergence
  kExitLimit = 3,    // the execution limit stopped the search before any bug
  kExitTimeout = 4,  // the --timeout watchdog fired
};

// A subcommand: its CLI11 app and what runs when it was chosen (returns the exit code).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// The exploration options shared by `check` and `outcomes`, as typed by the user.
// Numbers are kept as text and checked by to_explore_options(), so "-1" or "1e3" get
// a clear message instead of CLI11's silent wrap-around.
struct ExploreArgs {
  std::string model;
  std::string strategy;  // "default", "dpor", "dfs", "bounded", "pct" or "random"
  std::string seed = "1";
  std::string max_executions;
  std::string max_steps;
  std::string random_executions;
  std::string preemptions;
  std::string depth;
  std::string timeout;
  bool json = false;
  bool ignore_time = false;
  bool quiet = false;
};

// Registers MODEL, --strategy, --seed, --max-executions, --max-steps,
// --random-executions, --preemptions, --depth, --ignore-time, --timeout, --quiet and
// --json on `app`, and lets the model parameters through as extras. `default_strategy`
// is shown in the help and used when absent.
void add_explore_options(CLI::App& app, ExploreArgs& args, const std::string& default_strategy);

// Checks the numbers and the strategy; throws InputError with a one-line message.
ExploreOptions to_explore_options(const ExploreArgs& args);

// The help footer paragraph on the strategies, shared by `check` and `outcomes`.
extern const char* const kStrategyHelp;

// `--name VALUE`, `--name=VALUE` and `--switch` tokens (CLI11's leftovers, in order)
// turned into the model's name=value pairs and instantiated. Throws InputError or
// models::ModelError with a one-line message.
sim::ModelInstance instantiate_from_args(const std::string& model, const std::vector<std::string>& extras);

// Parses `text` as an unsigned integer in [min, max] for `option`; throws InputError.
std::uint64_t parse_number(const std::string& option, const std::string& text, std::uint64_t min,
                           std::uint64_t max);

// Arms the --timeout watchdog (no-op for an empty text or 0): after that many seconds
// of wall time the process prints one line and exits with kExitTimeout. Guards against
// a model stuck in a C++ loop with no visible operation, which no step bound can see.
void arm_watchdog(const std::string& timeout_text);

// "counter (threads=2, iters=2, locked=false)"; "executor-deadlock (no parameters)".
std::string model_line(const sim::ModelInstance& model);
// {"threads": 2, "locked": "false"}: integers as numbers, everything else as strings.
nlohmann::ordered_json params_json(const sim::ModelInstance& model);
nlohmann::ordered_json outcome_json(const sim::Outcome& outcome);
// [{"value": v, "count": c}, ...] in the result's order (sorted by value).
nlohmann::ordered_json outcomes_json(const ExploreResult& result);

// "exact" when the search was exhaustive, else "seen-so-far".
std::string outcome_set_json(const ExploreResult& result);

// explore() with the progress line on stderr, unless --quiet or stderr is no terminal.
ExploreResult explore_with_progress(const sim::ModelInstance& model, ExploreOptions options,
                                    const ExploreArgs& args);

// The outcome set, headed "outcome set (exact, every schedule explored)" or "outcomes
// seen so far (not exhaustive)", one line per value.
void print_outcomes(std::ostream& out, const ExploreResult& result);

// "interleave replay --schedule S" (+ " --max-steps N" when not the default).
std::string replay_command(const std::string& schedule, std::uint32_t max_steps);

// Prints "interleave: error: MESSAGE" on stderr as one line (newlines become spaces).
void print_error(const std::string& message);

// Prints a JSON document on stdout, one object, newline-terminated.
void print_json(const nlohmann::ordered_json& document);

// `text` indented by `prefix` on every non-empty line, without a trailing newline.
std::string indent(const std::string& text, const std::string& prefix);

}  // namespace checker::cli

// The options `check` and `outcomes` share, their validation, the model parameters
// parsed from the arguments CLI11 leaves over, and the --timeout watchdog.
#include "checker/cli/common.hpp"
#include "checker/progress.hpp"
#include "checker/schedule.hpp"
#include "models/registry.hpp"

#include <csignal>
#include <cstring>
#include <algorithm>
#include <charconv>
#include <string_view>
#include <unistd.h>

namespace checker::cli {

namespace {

// Scheduling points per execution: the same cap as a schedule's length.
constexpr std::uint64_t kMaxStepsCap = kMaxScheduleChoices;
constexpr std::uint64_t kMaxTimeout = 7 * 24 * 3600;
// Beyond these the search is no longer "bounded" in any useful sense.
constexpr std::uint64_t kMaxPreemptions = 1'000;
constexpr std::uint64_t kMaxDepth = 1'000;

}  // namespace

std::uint64_t parse_number(const std::string& option, const std::string& text, std::uint64_t min,
                           std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || error == std::errc::invalid_argument) {
    throw InputError(option + " expects a non-negative integer, got '" + text + "'");
  }
  if (error == std::errc::result_out_of_range || value < min || value > max) {
    throw InputError(option + (max == UINT64_MAX ? " must be at least " + with_commas(min)
                                                 : " must be between " + with_commas(min) + " and " +
                                                       with_commas(max)) +
                     ", got " + text);
  }
  return value;
}

void add_explore_options(CLI::App& app, ExploreArgs& args, const std::string& default_strategy) {
  const ExploreOptions defaults;
  args.strategy = default_strategy;
  args.max_executions = std::to_string(defaults.max_executions);
  args.max_steps = std::to_string(defaults.max_steps);
  args.random_executions = std::to_string(defaults.random_executions);
  args.preemptions = std::to_string(defaults.max_preemptions);
  args.depth = std::to_string(defaults.pct_depth);
  app.allow_extras();
  app.add_option("MODEL", args.model, "the model to explore (see `interleave list`)")->required();
  app.add_option("--strategy", args.strategy,
                 "default, dpor, dfs, bounded, pct or random (see below)")
      ->check(CLI::IsMember({"default", "dpor", "dfs", "bounded", "pct", "random"}))
      ->capture_default_str();
  app.add_option("--seed", args.seed, "seed of the random executions")->type_name("N")->capture_default_str();
  app.add_option("--max-executions", args.max_executions, "stop after this many executions in all")
      ->type_name("N")->capture_default_str();
  app.add_option("--max-steps", args.max_steps,
                 "scheduling points per execution before it counts as a livelock")
      ->type_name("N")->capture_default_str();
  app.add_option("--random-executions", args.random_executions,
                 "executions of the pct and random strategies")
      ->type_name("N")->capture_default_str();
  app.add_option("--preemptions", args.preemptions,
                 "the bound K of the bounded strategy (and of the default's bounded slices)")
      ->type_name("K")->capture_default_str();
  app.add_option("--depth", args.depth, "the bug depth d of PCT (pct, and the default's PCT slices)")
      ->type_name("D")->capture_default_str();
  app.add_option("--timeout", args.timeout,
                 "give up after this many seconds of wall time (exit 4); guards against a model "
                 "looping in plain C++ without any visible operation")
      ->type_name("SECONDS");
  app.add_flag("--ignore-time", args.ignore_time,
               "ignore the virtual clock: sleep is a plain scheduling point and timeouts may expire "
               "at any point, so timing hides no interleaving");
  app.add_flag("--json", args.json, "print one JSON object instead of text");
  app.add_flag("--quiet", args.quiet,
               "no progress line (shown on a terminal for searches longer than a second)");
}

const char* const kStrategyHelp =
    "Strategies (--strategy):\n"
    "  default  DPOR (below). If DPOR has not finished after 1,000 executions, 64 random\n"
    "           walks estimate the tree (Knuth's estimator; an upper bound on DPOR's\n"
    "           traces). If that exceeds what is left of --max-executions, one slice in\n"
    "           ten goes to preemption-bounded search (up to --preemptions) and then PCT,\n"
    "           so shallow bugs show up early while DPOR keeps nine tenths of the budget.\n"
    "           The certificate says what each part covered.\n"
    "  dpor     optimal dynamic partial-order reduction: one execution per Mazurkiewicz\n"
    "           trace; exhaustive when it finishes (\"no bug\" is then a proof).\n"
    "  dfs      every schedule, one by one: exhaustive, many more executions than dpor.\n"
    "  bounded  every schedule with 0 preemptions, then 1, ... up to --preemptions K: the\n"
    "           first bug found needs the fewest preemptions (Musuvathi & Qadeer 2007).\n"
    "  pct      --random-executions PCT runs of depth --depth (Burckhardt et al. 2010):\n"
    "           random priorities and d-1 priority change points; seeded.\n"
    "  random   --random-executions seeded random walks.";

ExploreOptions to_explore_options(const ExploreArgs& args) {
  ExploreOptions options;
  if (args.strategy == "dfs") {
    options.strategy = StrategyKind::kDfs;
  } else if (args.strategy == "random") {
    options.strategy = StrategyKind::kRandom;
  } else if (args.strategy == "dpor") {
    options.strategy = StrategyKind::kDpor;
  } else if (args.strategy == "bounded") {
    options.strategy = StrategyKind::kBounded;
  } else if (args.strategy == "pct") {
    options.strategy = StrategyKind::kPct;
  } else {
    options.strategy = StrategyKind::kDefault;
  }
  options.seed = parse_number("--seed", args.seed, 0, UINT64_MAX);
  options.max_executions = parse_number("--max-executions", args.max_executions, 1, UINT64_MAX);
  options.max_steps =
      static_cast<std::uint32_t>(parse_number("--max-steps", args.max_steps, 1, kMaxStepsCap));
  options.random_executions = parse_number("--random-executions", args.random_executions, 0, UINT64_MAX);
  options.max_preemptions =
      static_cast<std::uint32_t>(parse_number("--preemptions", args.preemptions, 0, kMaxPreemptions));
  options.pct_depth = static_cast<std::uint32_t>(parse_number("--depth", args.depth, 1, kMaxDepth));
  options.ignore_time = args.ignore_time;
  return options;
}

ExploreResult explore_with_progress(const sim::ModelInstance& model, ExploreOptions options,
                                    const ExploreArgs& args) {
  ProgressLine line(!args.quiet && ProgressLine::stderr_is_terminal());
  options.progress = line.callback();
  return explore(model, options);  // the line is erased before the report is printed
}

sim::ModelInstance instantiate_from_args(const std::string& model, const std::vector<std::string>& extras) {
  const models::ModelSpec* spec = nullptr;
  try {
    spec = &models::find_model(model);
  } catch (const models::ModelError&) {
    for (const std::string& word : extras) {  // `check --threads 2 counter`: MODEL became "2"
      for (const models::ModelSpec& known : models::all_models()) {
        if (word == known.name) {
          throw InputError("give the model name before its parameters, e.g. `interleave check " +
                           known.name + " --PARAM VALUE` ('" + model + "' is not a model)");
        }
      }
    }
    throw;
  }

  std::vector<std::pair<std::string, std::string>> given;
  for (std::size_t i = 0; i < extras.size(); ++i) {
    const std::string& word = extras[i];
    if (!word.starts_with("--") || word.size() == 2) {
      throw InputError("unexpected argument '" + word + "' (model parameters are given as --NAME VALUE; " +
                       "`interleave list` shows them)");
    }
    const std::size_t equals = word.find('=');
    const std::string name = word.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const models::ParamSpec* param = nullptr;
    for (const models::ParamSpec& p : spec->params) {
      if (p.name == name) param = &p;
    }
    std::string value;
    if (param == nullptr) {
      value = "0";  // models::instantiate reports the unknown parameter and lists the known ones
    } else if (equals != std::string::npos) {
      value = word.substr(equals + 1);
    } else if (param->is_flag) {
      value = "true";
    } else if (i + 1 < extras.size()) {
      value = extras[++i];
    } else {
      throw InputError("parameter --" + name + " of model " + model + " needs a value");
    }
    for (const auto& [seen, ignored] : given) {
      if (seen == name) throw InputError("parameter --" + name + " is given twice");
    }
    given.emplace_back(name, std::move(value));
    if (param == nullptr) break;
  }
  return models::instantiate(model, given);
}

namespace {

char watchdog_message[256];
std::size_t watchdog_length = 0;

void on_watchdog(int) {
  // Only async-signal-safe calls here.
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, watchdog_message, watchdog_length);
  ::_exit(kExitTimeout);
}

}  // namespace

void arm_watchdog(const std::string& timeout_text) {
  if (timeout_text.empty()) return;
  const std::uint64_t seconds = parse_number("--timeout", timeout_text, 0, kMaxTimeout);
  if (seconds == 0) return;
  const std::string message = "interleave: error: timed out after " + std::to_string(seconds) +
                              " s (--timeout): the search had not finished, or a model thread "
                              "loops without any visible operation\n";
  watchdog_length = std::min(message.size(), sizeof watchdog_message);
  std::memcpy(watchdog_message, message.data(), watchdog_length);
  struct sigaction action {};
  action.sa_handler = on_watchdog;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);
  ::alarm(static_cast<unsigned>(seconds));
}

}  // namespace checker::cli

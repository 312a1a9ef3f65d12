// `interleave predict MODEL [--seed N] [--runs M]`: records M random executions and,
// from each one alone, asks Z3 (checker/symbolic/predict.hpp) for a reordering that
// shows a data race, a lost update or a deadlock; a prediction is printed only when
// its schedule, run on the fibers, reproduces it. Time is ignored (sleep is a plain
// scheduling point), so the reorderings are not limited by the virtual clock.
// Exit 1 when a prediction was confirmed, 0 when none was, 2 on a usage error.
#include "checker/cli/commands.hpp"
#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/symbolic/predict.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace checker::cli {

namespace {

struct PredictArgs {
  std::string model;
  std::string seed = "1";
  std::string runs = "1";
  std::string max_steps = std::to_string(ExploreOptions{}.max_steps);
};

std::string stats_line(const char* kind, const symbolic::QueryStats& s, const char* unit) {
  std::string line = fmt::format("{}: {} {}", kind, s.candidates, unit);
  if (s.filtered > 0) line += fmt::format(", {} dropped by happens-before/common-lock filters", s.filtered);
  line += fmt::format(", {} solver queries ({} SAT), {:.3f} s", s.queries, s.sat, s.seconds);
  if (s.unknown > 0) line += fmt::format(", {} given up after the solver's time limit", s.unknown);
  if (s.unconfirmed > 0) line += fmt::format(", {} SAT answers NOT reproduced by replay", s.unconfirmed);
  return line;
}

std::string observed_line(const Trace& trace) {
  if (trace.finding) return "bug in this run: " + finding_headline(trace);
  return "no bug in this run" + (trace.outcome ? " (outcome " + outcome_text(*trace.outcome) + ")" : std::string());
}

int run_predict(const PredictArgs& args, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.model, extras);
  const std::uint64_t seed = parse_number("--seed", args.seed, 0, UINT64_MAX);
  const std::uint64_t runs = parse_number("--runs", args.runs, 1, 10'000);
  ExploreOptions options;
  options.ignore_time = true;
  options.max_steps = static_cast<std::uint32_t>(parse_number("--max-steps", args.max_steps, 1, kMaxScheduleChoices));

  std::cout << "model: " << model_line(model) << " (time ignored)\n";
  bool any = false;
  for (std::uint64_t r = 0; r < runs; ++r) {
    const Trace observed = run_one(model, seed + r, options);
    std::cout << fmt::format("\nrun {} (random, seed {}): {} events, {} scheduling choices; {}\n", r + 1, seed + r,
                             observed.events.size(), observed.choices.size(), observed_line(observed));
    const symbolic::PredictResult result = symbolic::predict_from(model, observed, options);
    for (const symbolic::Prediction& p : result.predictions) {
      any = true;
      const std::string schedule = encode_schedule(model, {p.replayed.choices, p.replayed.draws, true});
      std::cout << "  predicted " << p.what << '\n'
                << "    confirmed by replay: " << p.confirmation << '\n'
                << fmt::format("    schedule ({} context switches): {}\n", p.context_switches, schedule)
                << "    replay it: " << replay_command(schedule, options.max_steps) << '\n';
    }
    const std::size_t given_up = result.race.unknown + result.lost_update.unknown + result.deadlock.unknown;
    if (result.predictions.empty() && given_up == 0) {
      std::cout << "  nothing predicted: every query was UNSAT or filtered, or not reproduced\n";
    } else if (result.predictions.empty()) {
      std::cout << fmt::format("  nothing predicted, but not proven: {} solver queries gave up at the time limit\n",
                               given_up);
    }
    std::cout << "  " << stats_line("races", result.race, "conflicting pairs within a window") << '\n'
              << "  " << stats_line("lost updates", result.lost_update, "checked reads") << '\n'
              << "  " << stats_line("deadlocks", result.deadlock, "lock cycles") << '\n';
  }
  return any ? kExitBug : kExitOk;
}

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* sub = app.add_subcommand(
      "predict", "predict races, lost updates and deadlocks from single runs with Z3, confirmed by replay");
  sub->allow_extras();
  sub->add_option("MODEL", args->model, "the model to run (see `interleave list`)")->required();
  sub->add_option("--seed", args->seed, "seed of the first random run")->type_name("N")->capture_default_str();
  sub->add_option("--runs", args->runs, "random runs to predict from (seeds N, N+1, ...)")
      ->type_name("M")->capture_default_str();
  sub->add_option("--max-steps", args->max_steps, "scheduling points per execution")
      ->type_name("N")->capture_default_str();
  sub->footer(
      "Each run is encoded as the set of its feasible reorderings (maximal causal model);\n"
      "every solver answer is replayed on the fibers and printed only if the replay shows the bug.\n"
      "Exit status: 0 nothing predicted, 1 a prediction confirmed, 2 usage error.\n\n"
      "Examples:\n"
      "  interleave predict counter --threads 2 --iters 2\n"
      "  interleave predict philosophers --n 3 --seed 2");
  return {sub, [args, sub] { return run_predict(*args, sub->remaining()); }};
}

}  // namespace checker::cli

// `interleave run MODEL`: one execution, shown the way the seed notebooks show a run
// of the Python program: its output lines with virtual timestamps and the simulated
// duration, then what went wrong, if anything, and how to replay it.
#include "checker/cli/commands.hpp"
#include "checker/explore.hpp"
#include "checker/report.hpp"
#include "checker/schedule.hpp"

#include <iostream>
#include <memory>

namespace checker::cli {

namespace {

struct RunArgs {
  ExploreArgs explore;
};

int run_run(const RunArgs& args, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.explore.model, extras);
  const ExploreOptions options = to_explore_options(args.explore);
  arm_watchdog(args.explore.timeout);
  const Trace trace = run_one(model, options.seed, options);
  std::cout << "model: " << model_line(model) << "\n\n" << render_output(trace);
  if (trace.finding) {
    const std::string schedule = encode_schedule(model, {trace.choices, trace.draws, options.ignore_time});
    std::cout << "\nbug: " << finding_headline(trace) << '\n'
              << indent(explain_finding(trace), "  ") << '\n'
              << "  replay it: " << replay_command(schedule, options.max_steps) << '\n';
  }
  if (const std::string note = explain_cut_off(trace); !note.empty()) std::cout << indent(note, "") << '\n';
  return trace.finding ? kExitBug : kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "run a model once and show its output with virtual timestamps");
  add_explore_options(*sub, args->explore, "random");
  sub->footer(
      "One execution under the random strategy (--seed picks which); --strategy and the\n"
      "execution limits do not apply. Exit status: 0 no bug in this run, 1 a bug, 2 usage error.\n\n"
      "Examples:\n"
      "  interleave run kettle --concurrent\n"
      "  interleave run fake-database --seed 3");
  return {sub, [args, sub] { return run_run(*args, sub->remaining()); }};
}

}  // namespace checker::cli

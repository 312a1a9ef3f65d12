// `interleave replay FILE` / `interleave replay --schedule STRING`: runs one recorded
// schedule again and shows it as one column per thread, then the finding and the
// outcome. A trace file's labelled steps and finding are compared with the replay, so
// a changed model or edited parameters stop with "replay diverged: ..." (exit 2)
// instead of showing a different execution. Exit 1 when the replay reproduces a
// finding, 0 otherwise.
#include "checker/cli/commands.hpp"
#include "checker/race_detector.hpp"
#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/trace_file.hpp"
#include "checker/views/view.hpp"
#include "checker/wait_for.hpp"
#include "models/registry.hpp"

#include <iostream>
#include <memory>
#include <optional>

namespace checker::cli {

namespace {

struct ReplayArgs {
  std::string file;
  std::string schedule;
  std::string max_steps;
  std::string timeout;
  std::string view = "columns";
  std::string out;  // the view goes to this file instead of stdout
  std::string dot;  // the wait-for graph goes to this file
};

std::string step_text(const RecordedStep& step) {
  std::string text = step.thread;
  if (!step.op.empty()) text += " " + step.op;
  if (!step.object.empty()) text += " " + step.object;
  return text;
}

std::string finding_text(const std::string& kind, const std::string& message) {
  return kind + " (" + message + ")";
}

// Where the replay of a trace file differs from what the file recorded, if anywhere.
std::optional<std::string> compare_with_file(const LoadedTrace& loaded, const Trace& trace) {
  const std::vector<RecordedStep> steps = labelled_steps(trace);
  for (std::size_t k = 0; k < steps.size() && k < loaded.steps.size(); ++k) {
    const RecordedStep& want = loaded.steps[k];
    const RecordedStep& got = steps[k];
    if (want.thread != got.thread || (!want.op.empty() && want.op != got.op) ||
        (!want.object.empty() && want.object != got.object)) {
      return "at step " + std::to_string(k + 1) + " the trace file records '" + step_text(want) +
             "', but the replay ran '" + step_text(got) + "' (was the model or a parameter changed?)";
    }
  }
  const std::string recorded =
      loaded.finding_kind ? finding_text(*loaded.finding_kind, *loaded.finding_message) : "";
  if (!recorded.empty() && !trace.finding) {
    return "the trace file records the finding " + recorded + ", but the replay ended without a finding";
  }
  if (trace.finding) {
    const std::string found =
        finding_text(std::string(sim::finding_kind_name(trace.finding->kind)), trace.finding->message);
    if (recorded.empty()) return "the replay found " + found + ", which the trace file does not record";
    if (found != recorded) {
      return "the trace file records the finding " + recorded + ", but the replay found " + found;
    }
  }
  return std::nullopt;
}

int run_replay(const ReplayArgs& args) {
  if (args.file.empty() == args.schedule.empty()) {
    throw InputError(args.file.empty() ? "replay needs a trace FILE or --schedule STRING"
                                       : "give either a trace FILE or --schedule STRING, not both");
  }
  std::optional<LoadedTrace> loaded;
  ParsedSchedule parsed;
  if (!args.file.empty()) {
    loaded = read_trace_file(args.file);
    parsed = ParsedSchedule{loaded->model, loaded->params, loaded->run};
  } else {
    parsed = parse_schedule(args.schedule);
  }
  std::uint32_t max_steps = ExploreOptions{}.max_steps;
  if (!args.max_steps.empty()) {
    max_steps = static_cast<std::uint32_t>(
        parse_number("--max-steps", args.max_steps, 1, kMaxScheduleChoices));
  } else if (loaded && loaded->max_steps) {
    max_steps = *loaded->max_steps;
  }
  const sim::ModelInstance model = models::instantiate(parsed.model, parsed.params);
  arm_watchdog(args.timeout);

  ReplayResult result = replay(
      model, parsed.run.choices,
      {.max_steps = max_steps, .ignore_time = parsed.run.ignore_time, .draws = parsed.run.draws});
  // As in `check`, an execution without another finding is checked for data races.
  if (!result.trace.finding) {
    if (const auto race = RaceDetector().find(result.trace)) {
      const Trace& t = result.trace;
      result.trace.finding = race_finding(*race, t.events, t.thread_names, t.object_names);
    }
  }
  std::optional<std::string> divergence = result.divergence;
  if (!divergence && loaded) divergence = compare_with_file(*loaded, result.trace);

  const Trace& trace = result.trace;
  if (!args.dot.empty()) views::write_text_file(args.dot, wait_for_dot(trace));
  const std::string view = views::render_view(args.view, trace, model_line(model));
  if (!args.out.empty()) views::write_text_file(args.out, view);
  if (args.view == "chrome" && args.out.empty()) {  // stdout carries the JSON document alone
    std::cout << view;
    if (divergence) print_error("replay diverged: " + *divergence);
    return divergence ? kExitUsage : trace.finding ? kExitBug : kExitOk;
  }
  std::cout << "model: " << model_line(model) << '\n';
  std::cout << "schedule: " << encode_schedule(model, parsed.run);
  if (loaded) std::cout << " (from " << args.file << ")";
  std::cout << "\n\n" << (args.out.empty() ? view : "the " + args.view + " view is written to " + args.out + "\n");
  if (!args.dot.empty()) std::cout << "the wait-for graph is written to " << args.dot << '\n';
  if (trace.finding) {
    std::cout << "\nbug: " << finding_headline(trace) << '\n' << indent(explain_finding(trace), "  ") << '\n';
  }
  std::cout << "\noutput:\n" << render_output(trace);
  std::cout << "outcome: " << (trace.outcome ? outcome_text(*trace.outcome) : "none") << '\n';
  if (const std::string note = explain_cut_off(trace); !note.empty()) std::cout << indent(note, "") << '\n';

  if (divergence) {
    print_error("replay diverged: " + *divergence);
    return kExitUsage;
  }
  return trace.finding ? kExitBug : kExitOk;
}

}  // namespace

Command add_replay_command(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* sub = app.add_subcommand("replay", "run one recorded schedule again and show it step by step");
  sub->add_option("FILE", args->file, "a JSON trace file written by `check --trace-out`");
  sub->add_option("--schedule", args->schedule, "a compact schedule printed by `check`")->type_name("STRING");
  sub->add_option("--max-steps", args->max_steps,
                  "scheduling points before the execution counts as a livelock (default: the trace "
                  "file's, else " + std::to_string(ExploreOptions{}.max_steps) + ")")
      ->type_name("N");
  sub->add_option("--timeout", args->timeout, "give up after this many seconds of wall time (exit 4)")
      ->type_name("SECONDS");
  sub->add_option("--view", args->view,
                  "columns: one column per thread; log: one line per step with its virtual time; chrome: "
                  "Chrome trace-event JSON (open it in https://ui.perfetto.dev)")
      ->check(CLI::IsMember({"columns", "log", "chrome"}))
      ->capture_default_str();
  sub->add_option("--out", args->out, "write the view to FILE instead of stdout")->type_name("FILE");
  sub->add_option("--dot", args->dot, "write the wait-for graph of a deadlock as Graphviz DOT to FILE")
      ->type_name("FILE");
  sub->footer(
      "Exit status: 0 replayed without a finding, 1 the finding was reproduced,\n"
      "2 usage or input error, or the replay diverged from the schedule.\n\n"
      "Examples:\n"
      "  interleave replay deadlock.json\n"
      "  interleave replay deadlock.json --view chrome --out deadlock.trace.json --dot deadlock.dot\n"
      "  interleave replay --schedule counter:threads=2,iters=1,locked=false:2.1.2.1.0");
  return {sub, [args] { return run_replay(*args); }};
}

}  // namespace checker::cli

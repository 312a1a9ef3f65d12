// `interleave check MODEL [--PARAM VALUE ...]`: explores the model and reports each
// bug with its explanation, its compact schedule and the command that replays it,
// then the outcomes and what the search proved. Exit 0 no bug, 1 bug, 3 limit hit.
//
// --json prints one object, keys in this order:
//   {"model", "parameters", "verdict": "bug"|"no-bug"|"limit", "exhaustive",
//    "executions", "certificate", "strategy", "seed", "outcome_set": "exact"|"seen-so-far",
//    "outcomes": [{"value", "count"}],
//    "findings": [{"kind", "message", "explanation", "schedule", "replay", "found_by",
//                  "execution", "occurrences", "shrunk", "trace_file" (only with --trace-out)}],
//    "cut_off_daemons": [{"thread", "doing"}]}
#include "checker/cli/commands.hpp"
#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/shrink.hpp"
#include "checker/trace_file.hpp"
#include "checker/views/view.hpp"
#include "checker/wait_for.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

namespace checker::cli {

namespace {

struct CheckArgs {
  ExploreArgs explore;
  bool keep_going = false;
  std::string trace_out;
  std::string dot;  // the first bug's wait-for graph goes to this file
};

// Bug 1 goes to FILE, bug k > 1 (with --keep-going) to FILE's stem + "-k" + extension.
std::string trace_path(const std::string& base, std::size_t index) {
  if (index == 0) return base;
  const std::filesystem::path path(base);
  std::filesystem::path numbered = path.parent_path();
  numbered /= path.stem().string() + "-" + std::to_string(index + 1) + path.extension().string();
  return numbered.string();
}

struct Report {
  const sim::ModelInstance& model;
  const ExploreOptions& options;
  const CheckArgs& args;
  const ExploreResult& result;
  std::vector<std::string> schedules;    // per bug
  std::vector<std::string> trace_files;  // per bug, empty without --trace-out
  std::vector<std::string> shrunk;       // per bug: "shrunk from ... to ..."
};

std::string verdict(const ExploreResult& result) {
  if (!result.bugs.empty()) return "bug";
  return result.limit_hit ? "limit" : "no-bug";
}

void print_json_report(const Report& r) {
  nlohmann::ordered_json doc;
  doc["model"] = r.model.name;
  doc["parameters"] = params_json(r.model);
  doc["verdict"] = verdict(r.result);
  doc["exhaustive"] = r.result.exhaustive;
  doc["executions"] = r.result.executions;
  doc["certificate"] = r.result.certificate;
  doc["strategy"] = r.args.explore.strategy;
  doc["seed"] = r.options.seed;
  doc["outcome_set"] = outcome_set_json(r.result);
  doc["outcomes"] = outcomes_json(r.result);
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.result.bugs.size(); ++i) {
    const FoundBug& bug = r.result.bugs[i];
    nlohmann::ordered_json f;
    f["kind"] = std::string(sim::finding_kind_name(bug.trace.finding->kind));
    f["message"] = bug.trace.finding->message;
    f["explanation"] = explain_finding(bug.trace);
    f["schedule"] = r.schedules[i];
    f["replay"] = replay_command(r.schedules[i], r.options.max_steps);
    f["found_by"] = bug.strategy;
    f["execution"] = bug.execution;
    f["occurrences"] = bug.occurrences;
    f["shrunk"] = r.shrunk[i];
    if (!r.trace_files.empty()) f["trace_file"] = r.trace_files[i];
    findings.push_back(std::move(f));
  }
  doc["findings"] = std::move(findings);
  nlohmann::ordered_json daemons = nlohmann::ordered_json::array();
  if (const auto& example = r.result.cut_off_example) {
    for (const sim::CutOffDaemon& d : example->cut_off_daemons) {
      nlohmann::ordered_json entry;
      entry["thread"] = d.thread < example->thread_names.size() ? example->thread_names[d.thread] : "?";
      entry["doing"] = d.doing;
      daemons.push_back(std::move(entry));
    }
  }
  doc["cut_off_daemons"] = std::move(daemons);
  print_json(doc);
}

// Longer interleavings are left to `interleave replay`, which always shows them.
constexpr std::size_t kMaxEventsShown = 40;

void print_text_report(const Report& r) {
  std::ostream& out = std::cout;
  out << "model: " << model_line(r.model) << '\n';
  const std::size_t n = r.result.bugs.size();
  for (std::size_t i = 0; i < n; ++i) {
    const FoundBug& bug = r.result.bugs[i];
    const std::string label =
        n == 1 ? std::string("bug: ") : "bug " + std::to_string(i + 1) + " of " + std::to_string(n) + ": ";
    out << '\n' << label << finding_headline(bug.trace) << '\n';
    out << indent(explain_finding(bug.trace), "  ") << '\n';
    if (bug.trace.events.size() <= kMaxEventsShown) {
      out << "  the interleaving (one column per thread):\n" << indent(render_columns(bug.trace), "  ") << '\n';
    }
    out << "  found by " << bug.strategy << " in execution " << with_commas(bug.execution);
    if (bug.occurrences > 1) out << " (" << with_commas(bug.occurrences) << " executions ended this way)";
    out << '\n';
    out << "  " << r.shrunk[i] << '\n';
    out << "  schedule: " << r.schedules[i] << '\n';
    out << "  replay it: " << replay_command(r.schedules[i], r.options.max_steps) << '\n';
    if (!r.trace_files.empty()) out << "  trace written to " << r.trace_files[i] << '\n';
    if (i == 0 && !r.args.dot.empty()) out << "  wait-for graph written to " << r.args.dot << '\n';
  }
  if (r.result.cut_off_example) {
    const std::string note = explain_cut_off(*r.result.cut_off_example);
    if (!note.empty()) out << '\n' << indent(note, "") << '\n';
  }
  if (n == 0 && !r.args.trace_out.empty()) out << "\nno bug, so no trace was written\n";
  out << '\n';
  print_outcomes(out, r.result);
  out << "certificate: " << r.result.certificate << '\n';
  out << "executions: " << with_commas(r.result.executions) << '\n';
}

int run_check(const CheckArgs& args, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.explore.model, extras);
  ExploreOptions options = to_explore_options(args.explore);
  options.stop_at_first_bug = !args.keep_going;
  options.detect_races = true;
  arm_watchdog(args.explore.timeout);

  ExploreResult result = explore_with_progress(model, options, args.explore);
  // Each bug is reported with its shrunk schedule: fewest preemptions, then steps.
  std::vector<std::string> shrunk;
  for (FoundBug& bug : result.bugs) {
    ShrinkResult s = shrink(model, bug.trace, {.max_steps = options.max_steps, .ignore_time = options.ignore_time});
    shrunk.push_back(shrink_summary(s));
    bug.trace = std::move(s.trace);
  }
  Report report{model, options, args, result, {}, {}, std::move(shrunk)};
  for (std::size_t i = 0; i < result.bugs.size(); ++i) {
    const Trace& trace = result.bugs[i].trace;
    report.schedules.push_back(encode_schedule(model, {trace.choices, trace.draws, options.ignore_time}));
    if (!args.trace_out.empty()) {
      report.trace_files.push_back(trace_path(args.trace_out, i));
      write_trace_file(report.trace_files.back(), model, result.bugs[i], options);
    }
  }
  if (!args.dot.empty() && !result.bugs.empty()) views::write_text_file(args.dot, wait_for_dot(result.bugs[0].trace));
  if (args.explore.json) {
    print_json_report(report);
  } else {
    print_text_report(report);
  }
  if (!result.bugs.empty()) return kExitBug;
  return result.limit_hit ? kExitLimit : kExitOk;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub = app.add_subcommand(
      "check", "explore a model's interleavings and report deadlocks, failed checks and other bugs");
  add_explore_options(*sub, args->explore, "default");
  sub->add_flag("--keep-going", args->keep_going, "do not stop at the first bug: report every distinct bug");
  sub->add_option("--trace-out", args->trace_out, "write the bug's JSON trace here (bug k > 1: FILE-k)")
      ->type_name("FILE");
  sub->add_option("--dot", args->dot, "write the first bug's wait-for graph (a deadlock's cycle) as Graphviz DOT")
      ->type_name("FILE");
  sub->footer(
      "Model parameters follow the model name: --NAME VALUE, or --NAME alone for a switch\n"
      "(`interleave list` shows each model's parameters).\n\n" +
      std::string(kStrategyHelp) + "\n\n"
      "Exit status: 0 no bug, 1 bug found, 2 usage or input error, 3 execution limit hit.\n\n"
      "Examples:\n"
      "  interleave check philosophers --n 3\n"
      "  interleave check counter --threads 2 --iters 2 --locked\n"
      "  interleave check philosophers --n 8 --strategy bounded --preemptions 1\n"
      "  interleave check philosophers --n 8 --strategy pct --depth 2 --seed 7\n"
      "  interleave check executor-deadlock --trace-out deadlock.json --json");
  return {sub, [args, sub] { return run_check(*args, sub->remaining()); }};
}

}  // namespace checker::cli

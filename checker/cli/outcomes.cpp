// `interleave outcomes MODEL [--PARAM VALUE ...]`: the teaching oracle's question
// "which final values can this program produce?". Explores without stopping at bugs
// (DPOR by default, so the set is exact when the search completes), prints each
// outcome with how many executions produced it and a one-line summary of findings.
// --witness then prints each outcome's shortest execution (checker/witness.hpp) as
// columns with the schedule that replays it (text output only). Exit 0, or 3 when the
// execution limit cut the search short.
//
// --json prints one object, keys in this order:
//   {"model", "parameters", "exhaustive", "limit_hit", "executions", "certificate",
//    "strategy", "seed", "outcome_set": "exact"|"seen-so-far", "outcomes": [{"value", "count"}],
//    "findings": [{"kind", "executions", "distinct"}]}
#include "checker/cli/commands.hpp"
#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/witness.hpp"

#include <iostream>
#include <map>
#include <memory>

namespace checker::cli {

namespace {

struct KindSummary {
  std::uint64_t executions = 0;  // executions that ended with a finding of this kind
  std::uint64_t distinct = 0;    // distinct messages
};

// Findings grouped by kind, in the order of sim::FindingKind.
std::map<sim::FindingKind, KindSummary> summarize(const ExploreResult& result) {
  std::map<sim::FindingKind, KindSummary> kinds;
  for (const FoundBug& bug : result.bugs) {
    KindSummary& s = kinds[bug.trace.finding->kind];
    s.executions += bug.occurrences;
    ++s.distinct;
  }
  return kinds;
}

std::string findings_line(const ExploreResult& result) {
  const auto kinds = summarize(result);
  if (kinds.empty()) return "findings: none";
  std::string line = "findings:";
  bool first = true;
  for (const auto& [kind, s] : kinds) {
    line += first ? " " : "; ";
    first = false;
    line += std::string(sim::finding_kind_name(kind)) + " in " + with_commas(s.executions) +
            (s.executions == 1 ? " execution" : " executions");
    if (s.distinct > 1) line += " (" + with_commas(s.distinct) + " distinct messages)";
  }
  return line + "; `check --keep-going` shows each one";
}

// --witness: each outcome's shortest execution (by a DFS of its own), in the column view.
void print_witnesses(const sim::ModelInstance& model, const ExploreOptions& options) {
  const WitnessResult found = find_witnesses(model, options);
  std::cout << "\nwitnesses: the shortest execution of each outcome (fewest steps, then fewest preemptions), "
            << (found.exhaustive ? "among all " : "among the first ") << with_commas(found.executions)
            << " DFS schedules\n";
  for (const Witness& w : found.witnesses) {
    std::cout << "\noutcome " << outcome_text(w.outcome) << ": " << w.steps << " steps, " << w.preemptions
              << (w.preemptions == 1 ? " preemption\n" : " preemptions\n")
              << indent(render_columns(w.trace), "  ") << '\n';
    const std::string schedule = encode_schedule(model, {w.trace.choices, w.trace.draws, options.ignore_time});
    std::cout << "  schedule: " << schedule << '\n'
              << "  replay it: " << replay_command(schedule, options.max_steps) << '\n';
  }
}

int run_outcomes(const ExploreArgs& args, bool witness, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.model, extras);
  ExploreOptions options = to_explore_options(args);
  options.stop_at_first_bug = false;
  arm_watchdog(args.timeout);

  const ExploreResult result = explore_with_progress(model, options, args);
  if (args.json) {
    nlohmann::ordered_json doc;
    doc["model"] = model.name;
    doc["parameters"] = params_json(model);
    doc["exhaustive"] = result.exhaustive;
    doc["limit_hit"] = result.limit_hit;
    doc["executions"] = result.executions;
    doc["certificate"] = result.certificate;
    doc["strategy"] = args.strategy;
    doc["seed"] = options.seed;
    doc["outcome_set"] = outcome_set_json(result);
    doc["outcomes"] = outcomes_json(result);
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const auto& [kind, s] : summarize(result)) {
      nlohmann::ordered_json entry;
      entry["kind"] = std::string(sim::finding_kind_name(kind));
      entry["executions"] = s.executions;
      entry["distinct"] = s.distinct;
      findings.push_back(std::move(entry));
    }
    doc["findings"] = std::move(findings);
    print_json(doc);
  } else {
    std::cout << "model: " << model_line(model) << "\n\n";
    print_outcomes(std::cout, result);
    std::cout << findings_line(result) << '\n';
    std::cout << "certificate: " << result.certificate << '\n';
    std::cout << "executions: " << with_commas(result.executions) << '\n';
    if (witness) print_witnesses(model, options);
  }
  return result.limit_hit ? kExitLimit : kExitOk;
}

}  // namespace

Command add_outcomes_command(CLI::App& app) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* sub = app.add_subcommand(
      "outcomes", "list every outcome a model can produce, with how many executions produce each");
  add_explore_options(*sub, *args, "default");
  auto witness = std::make_shared<bool>(false);
  sub->add_flag("--witness", *witness,
                "also print, for each outcome, its shortest execution (fewest steps, then preemptions) as columns");
  sub->footer(
      "Model parameters follow the model name: --NAME VALUE, or --NAME alone for a switch.\n"
      "The set is exact only when the search is exhaustive (dpor or dfs finishing within\n"
      "--max-executions, as the default does on all but very large models); otherwise it\n"
      "is headed \"outcomes seen so far\" (\"outcome_set\": \"seen-so-far\" in --json).\n\n" +
      std::string(kStrategyHelp) + "\n\n"
      "Exit status: 0 done, 2 usage or input error, 3 execution limit hit.\n\n"
      "Examples:\n"
      "  interleave outcomes counter --threads 3 --iters 1\n"
      "  interleave outcomes counter --threads 2 --iters 2 --witness\n"
      "  interleave outcomes counter --threads 2 --iters 2 --locked --json");
  return {sub, [args, witness, sub] { return run_outcomes(*args, *witness, sub->remaining()); }};
}

}  // namespace checker::cli

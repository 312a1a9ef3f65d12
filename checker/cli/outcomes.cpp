// `interleave outcomes MODEL [--PARAM VALUE ...]`: the teaching oracle's question
// "which final values can this program produce?". Explores without stopping at bugs
// (DFS by default, so the set is exact when the search completes), prints each
// outcome with how many executions produced it and a one-line summary of findings.
// Exit 0, or 3 when the execution limit cut the search short.
//
// --json prints one object, keys in this order:
//   {"model", "parameters", "exhaustive", "limit_hit", "executions", "certificate",
//    "strategy", "seed", "outcomes": [{"value", "count"}],
//    "findings": [{"kind", "executions", "distinct"}]}
#include "checker/cli/commands.hpp"

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

int run_outcomes(const ExploreArgs& args, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.model, extras);
  ExploreOptions options = to_explore_options(args);
  options.stop_at_first_bug = false;
  arm_watchdog(args.timeout);

  const ExploreResult result = explore(model, options);
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
  }
  return result.limit_hit ? kExitLimit : kExitOk;
}

}  // namespace

Command add_outcomes_command(CLI::App& app) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* sub = app.add_subcommand(
      "outcomes", "list every outcome a model can produce, with how many executions produce each");
  add_explore_options(*sub, *args, "dfs");
  sub->footer(
      "Model parameters follow the model name: --NAME VALUE, or --NAME alone for a switch.\n"
      "The set is exact only when the search is exhaustive (the default, DFS, within\n"
      "--max-executions); otherwise it lists the outcomes seen so far.\n\n"
      "Exit status: 0 done, 2 usage or input error, 3 execution limit hit.\n\n"
      "Examples:\n"
      "  interleave outcomes counter --threads 3 --iters 1\n"
      "  interleave outcomes counter --threads 2 --iters 2 --locked --json");
  return {sub, [args, sub] { return run_outcomes(*args, sub->remaining()); }};
}

}  // namespace checker::cli

// The text and JSON pieces every subcommand prints: the model line, parameters,
// outcomes, the replay command. Nothing here depends on time or addresses, so the
// same run prints the same bytes.
#include "checker/cli/common.hpp"
#include "checker/report.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>

namespace checker::cli {

std::string model_line(const sim::ModelInstance& model) {
  std::string params;
  for (const auto& [name, value] : model.params) {
    params += (params.empty() ? "" : ", ") + name + "=" + value;
  }
  return model.name + " (" + (params.empty() ? "no parameters" : params) + ")";
}

nlohmann::ordered_json params_json(const sim::ModelInstance& model) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [name, text] : model.params) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (!text.empty() && error == std::errc() && ptr == end) {
      params[name] = value;
    } else {
      params[name] = text;
    }
  }
  return params;
}

nlohmann::ordered_json outcome_json(const sim::Outcome& outcome) {
  if (const auto* number = std::get_if<std::int64_t>(&outcome)) return *number;
  return std::get<std::string>(outcome);
}

nlohmann::ordered_json outcomes_json(const ExploreResult& result) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const OutcomeCount& oc : result.outcomes) {
    nlohmann::ordered_json entry;
    entry["value"] = outcome_json(oc.value);
    entry["count"] = oc.count;
    list.push_back(std::move(entry));
  }
  return list;
}

std::string outcome_set_json(const ExploreResult& result) {
  return result.exhaustive ? "exact" : "seen-so-far";
}

void print_outcomes(std::ostream& out, const ExploreResult& result) {
  out << (result.exhaustive ? "outcome set (exact, every schedule explored):"
                            : "outcomes seen so far (not exhaustive):");
  if (result.outcomes.empty()) {
    out << " none (no execution reported an outcome)\n";
    return;
  }
  out << '\n';
  std::size_t width = 0;
  for (const OutcomeCount& oc : result.outcomes) width = std::max(width, outcome_text(oc.value).size());
  for (const OutcomeCount& oc : result.outcomes) {
    const std::string text = outcome_text(oc.value);
    out << "  " << text << std::string(width - text.size(), ' ') << "  " << with_commas(oc.count)
        << (oc.count == 1 ? " execution\n" : " executions\n");
  }
}

std::string replay_command(const std::string& schedule, std::uint32_t max_steps) {
  std::string command = "interleave replay --schedule " + schedule;
  if (max_steps != ExploreOptions{}.max_steps) command += " --max-steps " + std::to_string(max_steps);
  return command;
}

void print_error(const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cout.flush();
  std::cerr << "interleave: error: " << line << std::endl;
}

void print_json(const nlohmann::ordered_json& document) {
  std::cout << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out += prefix + text.substr(start, end - start);
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace checker::cli

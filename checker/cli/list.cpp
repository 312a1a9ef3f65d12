// `interleave list`: every registered model, what it models, the seed program it
// comes from and its parameters, so a newcomer can pick one and run `check` on it.
#include "checker/cli/commands.hpp"
#include "models/registry.hpp"

#include <algorithm>
#include <iostream>

namespace checker::cli {

namespace {

// "--n N", "--locked", "--mode sync|threads|asyncio".
std::string param_usage(const models::ParamSpec& p) {
  if (p.is_choice()) {
    std::string words;
    for (const std::string& word : p.choices) words += (words.empty() ? "" : "|") + word;
    return "--" + p.name + " " + words;
  }
  return "--" + p.name + (p.is_flag ? "" : " N");
}

std::string param_range(const models::ParamSpec& p) {
  if (p.is_choice()) return "default " + p.value_text(p.default_value);
  if (p.is_flag) return std::string("switch, default ") + (p.default_value != 0 ? "on" : "off");
  return "default " + std::to_string(p.default_value) + ", " + std::to_string(p.min) + ".." +
         std::to_string(p.max);
}

int run_list() {
  bool first = true;
  for (const models::ModelSpec& spec : models::all_models()) {
    if (!first) std::cout << '\n';
    first = false;
    std::cout << spec.name << ": " << spec.description << '\n';
    std::cout << "  from: " << spec.python << '\n';
    if (spec.params.empty()) {
      std::cout << "  parameters: none\n";
    } else {
      std::size_t usage_width = 0;
      std::size_t range_width = 0;
      for (const models::ParamSpec& p : spec.params) {
        usage_width = std::max(usage_width, param_usage(p).size());
        range_width = std::max(range_width, param_range(p).size());
      }
      std::cout << "  parameters:\n";
      for (const models::ParamSpec& p : spec.params) {
        const std::string usage = param_usage(p);
        const std::string range = param_range(p);
        std::cout << "    " << usage << std::string(usage_width - usage.size(), ' ') << "  " << range
                  << std::string(range_width - range.size(), ' ') << "  " << p.help << '\n';
      }
    }
    std::cout << "  try: interleave check " << spec.name << '\n';
  }
  return kExitOk;
}

}  // namespace

Command add_list_command(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "list", "list the models, their parameters and the seed programs they come from");
  sub->footer("Example:\n  interleave list");
  return {sub, run_list};
}

}  // namespace checker::cli

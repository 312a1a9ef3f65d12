#include "models/registry.hpp"

#include "models/all.hpp"

#include <charconv>
#include <utility>

namespace models {

const std::vector<ModelSpec>& all_models() {
  static const std::vector<ModelSpec> models = {counter_spec(), philosophers_spec(),
                                                executor_deadlock_spec(),
                                                fake_database_spec(), nested_submit_spec(),
                                                future_timeout_spec(), as_completed_spec(),
                                                double_acquire_spec(), daemon_cutoff_spec(),
                                                producer_consumer_event_spec(), queue_workers_spec(),
                                                sentinel_consumers_spec(), print_lock_copy_spec(),
                                                kettle_spec(), downloads_spec()};
  return models;
}

const ModelSpec& find_model(const std::string& name) {
  for (const ModelSpec& spec : all_models()) {
    if (spec.name == name) return spec;
  }
  std::string known;
  for (const ModelSpec& spec : all_models()) known += (known.empty() ? "" : ", ") + spec.name;
  throw ModelError("unknown model '" + name + "' (known models: " + known + ")");
}

std::string ParamSpec::value_text(std::int64_t value) const {
  if (is_choice()) return choices.at(static_cast<std::size_t>(value));
  if (is_flag) return value != 0 ? "true" : "false";
  return std::to_string(value);
}

ParamSpec choice_param(std::string name, std::vector<std::string> choices, std::string help) {
  ParamSpec param;
  param.name = std::move(name);
  param.max = static_cast<std::int64_t>(choices.size()) - 1;
  param.help = std::move(help);
  param.choices = std::move(choices);
  return param;
}

void ParamValues::set(const ParamSpec& param, std::int64_t value) {
  values_[param.name] = value;
  if (param.is_choice()) choices_[param.name] = param.value_text(value);
}

namespace {

std::int64_t parse_value(const ModelSpec& model, const ParamSpec& param, const std::string& text) {
  const std::string where = "parameter --" + param.name + " of model " + model.name;
  if (param.is_choice()) {
    std::string words;
    for (std::size_t i = 0; i < param.choices.size(); ++i) {
      if (param.choices[i] == text) return static_cast<std::int64_t>(i);
      words += (i == 0 ? "" : ", ") + param.choices[i];
    }
    throw ModelError(where + " must be one of " + words + ", got '" + text + "'");
  }
  if (param.is_flag) {
    if (text == "true" || text == "1") return 1;
    if (text == "false" || text == "0") return 0;
    throw ModelError(where + " is a switch: expected true or false, got '" + text + "'");
  }
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) {
    throw ModelError(where + " expects an integer, got '" + text + "'");
  }
  if (value < param.min || value > param.max) {
    throw ModelError(where + " must be between " + std::to_string(param.min) + " and " +
                     std::to_string(param.max) + ", got " + text);
  }
  return value;
}

}  // namespace

sim::ModelInstance instantiate(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& given) {
  const ModelSpec& spec = find_model(name);
  ParamValues values;
  for (const ParamSpec& param : spec.params) values.set(param, param.default_value);
  for (const auto& [key, text] : given) {
    const ParamSpec* param = nullptr;
    for (const ParamSpec& p : spec.params) {
      if (p.name == key) param = &p;
    }
    if (param == nullptr) {
      std::string known;
      for (const ParamSpec& p : spec.params) known += (known.empty() ? "--" : ", --") + p.name;
      throw ModelError("model " + name + " has no parameter --" + key +
                       (known.empty() ? " (it takes none)" : " (it takes " + known + ")"));
    }
    values.set(*param, parse_value(spec, *param, text));
  }
  sim::ModelInstance instance;
  instance.name = spec.name;
  for (const ParamSpec& param : spec.params) {
    instance.params.emplace_back(param.name, param.value_text(values.get(param.name)));
  }
  instance.main = spec.build(values);
  return instance;
}

}  // namespace models

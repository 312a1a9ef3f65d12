// The registry of named, parameterized models. A model declares its parameters
// (name, kind, default, range or choices, help) and builds a sim::ModelInstance from
// checked values; the CLI and the tests look models up here by name. Three kinds of
// parameter: integers in a range (--n 5), switches (--locked) and choices, one word
// out of a fixed list (--mode threads).
#pragma once

#include "sim/model_instance.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace models {

struct ParamSpec {
  std::string name;
  bool is_flag = false;            // a boolean switch (--locked): given without a value
  std::int64_t default_value = 0;  // an integer; a switch: 0/1; a choice: its index in `choices`
  std::int64_t min = 0;            // integers only
  std::int64_t max = 0;
  std::string help;
  std::vector<std::string> choices = {};  // a choice's words; empty for integers and switches

  bool is_choice() const { return !choices.empty(); }
  // The value as written in schedules, traces and instances: "5", "true", "threads".
  std::string value_text(std::int64_t value) const;
};

// A choice parameter: one of `choices` (each a word of letters, digits and '-'), the
// first one by default.
ParamSpec choice_param(std::string name, std::vector<std::string> choices, std::string help);

// Parameter values by name, already validated against the specs. A choice is held as
// its index in the spec's `choices`.
class ParamValues {
 public:
  std::int64_t get(const std::string& name) const { return values_.at(name); }
  bool flag(const std::string& name) const { return values_.at(name) != 0; }
  // The chosen word of a choice parameter.
  const std::string& choice(const std::string& name) const { return choices_.at(name); }
  void set(const ParamSpec& param, std::int64_t value);

 private:
  std::map<std::string, std::int64_t> values_;
  std::map<std::string, std::string> choices_;
};

struct ModelSpec {
  std::string name;
  std::string description;  // one line
  std::string python;       // the seed program it models, for `interleave list`
  std::vector<ParamSpec> params;
  std::function<std::function<void()>(const ParamValues&)> build;
};

// Bad model name or parameter: the message is one line, ready for the user.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::vector<ModelSpec>& all_models();
const ModelSpec& find_model(const std::string& name);  // throws ModelError

// Builds an instance from "name=value" pairs (switches: "true"/"false"; choices: one
// of the words); missing parameters take their defaults. Throws ModelError on unknown, malformed or
// out-of-range values.
sim::ModelInstance instantiate(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& given);

}  // namespace models

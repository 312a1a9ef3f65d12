// The registry of named, parameterized models. A model declares its parameters
// (name, kind, default, range, help) and builds a sim::ModelInstance from checked
// values; the CLI and the tests look models up here by name.
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
  bool is_flag = false;       // a boolean switch (--locked), else an integer
  std::int64_t default_value = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::string help;
};

// Parameter values by name, already validated against the specs.
class ParamValues {
 public:
  std::int64_t get(const std::string& name) const { return values_.at(name); }
  bool flag(const std::string& name) const { return values_.at(name) != 0; }
  void set(const std::string& name, std::int64_t value) { values_[name] = value; }

 private:
  std::map<std::string, std::int64_t> values_;
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

// Builds an instance from "name=value" pairs (flags: "true"/"false"); missing
// parameters take their defaults. Throws ModelError on unknown, malformed or
// out-of-range values.
sim::ModelInstance instantiate(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& given);

}  // namespace models

// The model registry: every registered model instantiates with its defaults and at the
// ends of its parameter ranges, parameters come back in declared order, and bad input
// (unknown model or parameter, malformed or out-of-range values) is a ModelError with
// a one-line message.
#include "support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string error_of(const std::string& model, const Params& params) {
  try {
    models::instantiate(model, params);
  } catch (const models::ModelError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("models") {

TEST_CASE("the registry holds the seed models") {
  std::vector<std::string> names;
  for (const models::ModelSpec& spec : models::all_models()) names.push_back(spec.name);
  CHECK(names == std::vector<std::string>{"counter", "philosophers", "executor-deadlock", "fake-database",
                                          "nested-submit", "future-timeout", "as-completed",
                                          "double-acquire", "daemon-cutoff", "producer-consumer-event",
                                          "queue-workers", "sentinel-consumers", "print-lock-copy",
                                          "kettle", "downloads"});
  for (const models::ModelSpec& spec : models::all_models()) {
    CAPTURE(spec.name);
    CHECK(&models::find_model(spec.name) == &spec);
    CHECK_FALSE(spec.description.empty());
    CHECK(spec.description.find('\n') == std::string::npos);
  }
}

TEST_CASE("defaults fill every parameter, in declared order") {
  for (const models::ModelSpec& spec : models::all_models()) {
    CAPTURE(spec.name);
    const sim::ModelInstance instance = models::instantiate(spec.name, {});
    CHECK(instance.name == spec.name);
    REQUIRE(instance.params.size() == spec.params.size());
    for (std::size_t i = 0; i < spec.params.size(); ++i) {
      const models::ParamSpec& p = spec.params[i];
      CHECK(instance.params[i].first == p.name);
      const std::string expected = p.is_choice() ? p.choices.at(static_cast<std::size_t>(p.default_value))
                                   : p.is_flag   ? (p.default_value != 0 ? "true" : "false")
                                                 : std::to_string(p.default_value);
      CHECK(instance.params[i].second == expected);
    }
    CHECK(static_cast<bool>(instance.main));
  }
  // Given parameters keep the declared order, whatever order they were given in.
  const sim::ModelInstance c = models::instantiate("counter", {{"locked", "1"}, {"iters", "3"}, {"threads", "4"}});
  CHECK(c.params == Params{{"threads", "4"}, {"iters", "3"}, {"locked", "true"}});
}

TEST_CASE("unknown model") {
  std::string known;
  for (const models::ModelSpec& spec : models::all_models()) known += (known.empty() ? "" : ", ") + spec.name;
  CHECK_THROWS_AS(models::instantiate("nope", {}), models::ModelError);
  CHECK_THROWS_AS(models::find_model(""), models::ModelError);
  CHECK(error_of("nope", {}) == "unknown model 'nope' (known models: " + known + ")");
  CHECK_THROWS_AS(models::instantiate("Counter", {}), models::ModelError);  // names are case-sensitive
}

TEST_CASE("unknown parameter") {
  CHECK_THROWS_AS(models::instantiate("counter", {{"bogus", "1"}}), models::ModelError);
  CHECK_THROWS_AS(models::instantiate("philosophers", {{"threads", "2"}}), models::ModelError);
  CHECK(error_of("counter", {{"bogus", "1"}}) ==
        "model counter has no parameter --bogus (it takes --threads, --iters, --locked)");
}

TEST_CASE("malformed integer values") {
  for (const std::string bad : {"abc", "", "1x", " 2", "2 ", "+2", "1.5", "0x10", "1e3", "--3", "2,3"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(models::instantiate("counter", {{"threads", bad}}), models::ModelError);
    CHECK(error_of("counter", {{"threads", bad}}) ==
          "parameter --threads of model counter expects an integer, got '" + bad + "'");
  }
}

TEST_CASE("out-of-range integer values") {
  for (const models::ModelSpec& spec : models::all_models()) {
    for (const models::ParamSpec& p : spec.params) {
      if (p.is_flag || p.is_choice()) continue;
      CAPTURE(spec.name);
      CAPTURE(p.name);
      const std::string where = "parameter --" + p.name + " of model " + spec.name;
      const std::string range = " must be between " + std::to_string(p.min) + " and " + std::to_string(p.max);
      // Both ends are accepted (instantiating does not run the model).
      CHECK_NOTHROW(models::instantiate(spec.name, {{p.name, std::to_string(p.min)}}));
      CHECK_NOTHROW(models::instantiate(spec.name, {{p.name, std::to_string(p.max)}}));
      for (const std::string& bad : {std::to_string(p.min - 1), std::to_string(p.max + 1), std::string("0"),
                                    std::string("-1"), std::string("99999999999")}) {
        const bool in_range = std::stoll(bad) >= p.min && std::stoll(bad) <= p.max;
        if (in_range) continue;
        CAPTURE(bad);
        CHECK(error_of(spec.name, {{p.name, bad}}) == where + range + ", got " + bad);
      }
      // Beyond 64 bits: still one clear line, never a wrap-around.
      CHECK_THROWS_AS(models::instantiate(spec.name, {{p.name, "99999999999999999999999"}}), models::ModelError);
    }
  }
}

TEST_CASE("switch values") {
  for (const auto& [text, expected] : Params{{"true", "true"}, {"1", "true"}, {"false", "false"}, {"0", "false"}}) {
    const sim::ModelInstance c = models::instantiate("counter", {{"locked", text}});
    CHECK(c.params.back() == std::pair<std::string, std::string>{"locked", expected});
  }
  for (const std::string bad : {"yes", "", "2", "TRUE"}) {
    CAPTURE(bad);
    CHECK(error_of("counter", {{"locked", bad}}) ==
          "parameter --locked of model counter is a switch: expected true or false, got '" + bad + "'");
  }
}

TEST_CASE("choice values: one of the words, and one line listing them otherwise") {
  for (const models::ModelSpec& spec : models::all_models()) {
    for (const models::ParamSpec& p : spec.params) {
      if (!p.is_choice()) continue;
      CAPTURE(spec.name);
      CAPTURE(p.name);
      CHECK_FALSE(p.is_flag);
      std::string words;
      for (const std::string& word : p.choices) {
        CAPTURE(word);
        // A word must fit in a schedule string's `name=value` (see checker/schedule.hpp).
        CHECK_FALSE(word.empty());
        CHECK(word.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
        words += (words.empty() ? "" : ", ") + word;
        const sim::ModelInstance instance = models::instantiate(spec.name, {{p.name, word}});
        bool found = false;
        for (const auto& [name, value] : instance.params) found |= name == p.name && value == word;
        CHECK(found);
      }
      for (const std::string& bad : std::vector<std::string>{"", "0", "nope", p.choices.front() + "x"}) {
        CHECK(error_of(spec.name, {{p.name, bad}}) ==
              "parameter --" + p.name + " of model " + spec.name + " must be one of " + words + ", got '" + bad + "'");
      }
    }
  }
}

TEST_CASE("an instance built from the registry runs the parameters it names") {
  // threads=1 iters=3: a single thread, no race: one schedule, outcome 3.
  const checker::ExploreResult result = checker::explore(test::counter(1, 3), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 1);
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{3});
}

}  // TEST_SUITE

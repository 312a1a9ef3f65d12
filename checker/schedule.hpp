// The compact one-line schedule: a model, its parameters and the thread chosen at
// every scheduling point, in a form that can be pasted on a command line or into a
// test. Format `MODEL:PARAMS:CHOICES`, e.g.
//
//   philosophers:n=5,meals=1,ordered=false:0x4.1.2x3.1x2
//
// PARAMS are the instance's parameters in declared order, `name=value` joined by `,`
// (empty for a model without parameters; a value is an integer, true/false or the
// word of a choice, e.g. `downloads:mode=threads,sites=6,workers=3,latency-ms=500:...`); CHOICES are the chosen thread ids,
// run-length encoded (`TxN`: thread T, N times in a row; plain `T` when N = 1) and
// joined by `.` (empty when the execution had no scheduling point). An optional
// fourth field holds what else a replay needs, `,`-separated: `time=ignored` when the
// run ignored the virtual clock, and `draws=V.V.V` with the values of the model's
// random() draws, e.g. `producer:size=3:1x4.2:time=ignored,draws=41.87`. Also owns
// InputError, the exception for every malformed input the user gives the checker
// (schedules, trace files).
#pragma once

#include "sim/ids.hpp"
#include "sim/model_instance.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checker {

// Malformed input from the user (a schedule string, a trace file): the message is
// one line saying what is wrong and where, ready to print after "error: ".
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A parsed schedule can hold at most this many choices: a guard against absurd run
// lengths (`0x99999999999`) exhausting memory.
inline constexpr std::size_t kMaxScheduleChoices = 10'000'000;

// Everything a schedule string says about a run, besides the model.
struct RunSchedule {
  std::vector<sim::ThreadId> choices;
  std::vector<std::uint64_t> draws;
  bool ignore_time = false;
};

struct ParsedSchedule {
  std::string model;
  std::vector<std::pair<std::string, std::string>> params;  // in the order written
  RunSchedule run;
};

// The compact string of a run of `model`. Parameter names and values must not
// contain `:`, `,`, `=` or whitespace (the registry's never do).
std::string encode_schedule(const sim::ModelInstance& model, const RunSchedule& run);

// Parses a compact schedule; surrounding whitespace is ignored. Throws InputError
// ("malformed schedule: ... at character N", N 1-based in `text`) on any malformed
// input. Checks the syntax only: whether the model and parameters exist is for
// models::instantiate, whether the choices fit the model is for replay.
ParsedSchedule parse_schedule(std::string_view text);

}  // namespace checker

// Self-describing JSON trace files: one execution with the model name, parameters,
// how it was found, the compact schedule, one labelled entry per scheduling point,
// every recorded event, the finding and the outcome. Writing is for people and tools;
// reading takes back only what replay needs (model, parameters, the run) and checks
// everything it reads, so a damaged or edited file gives a one-line InputError rather
// than a wrong replay. Layout (keys in this order):
//
//   {"format": "interleave-trace", "version": 1,
//    "model": "philosophers", "parameters": {"n": 5, "ordered": "false"},
//    "strategy": "random (seed 1)", "seed": 1, "max_steps": 10000,
//    "schedule": "philosophers:n=5,...:0x4.1", "time": "virtual", "duration_seconds": 0,
//    "choices": [{"step": 1, "thread": "philosopher-0", "op": "acquire", "object": "fork-0"}, ...],
//    "events": [{"thread": "main", "op": "start", "object": "philosopher-0"},
//               {"thread": "worker", "op": "load", "object": "counter", "value": 0}, ...],
//    "finding": {"kind": "deadlock", "message": "...", "explanation": "..."},   (if any)
//    "cut_off_daemons": [{"thread": "...", "doing": "..."}],                   (if any)
//    "output": [{"time_seconds": 0.1, "thread": "main", "text": "..."}],       (if any)
//    "outcome": 3}                                                              (if any)
//
// Parameter values are JSON numbers for integers and strings otherwise; "op" and
// "object" of a choice are absent when the chosen thread recorded no step after it.
#pragma once

#include "checker/explore.hpp"
#include "checker/schedule.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace checker {

inline constexpr int kTraceFormatVersion = 1;

// How a trace was obtained, recorded in the file.
struct TraceOrigin {
  std::string strategy;  // e.g. "random (seed 1)", "DFS", "replay"
  std::uint64_t seed = 1;
  std::uint32_t max_steps = ExploreOptions{}.max_steps;  // replay needs it for step-bound findings
  bool ignore_time = false;                              // so does the time mode
};

// The JSON document of `trace`, run against `model`. Keys keep the order above.
nlohmann::ordered_json trace_to_json(const sim::ModelInstance& model, const Trace& trace,
                                     const TraceOrigin& origin);
// The same for a bug found by explore(): its trace, with bug.strategy as the strategy.
nlohmann::ordered_json trace_to_json(const sim::ModelInstance& model, const FoundBug& bug,
                                     const ExploreOptions& options);

// Writes `document` (pretty-printed, newline-terminated). Throws InputError when the
// file cannot be written.
void write_trace_file(const std::filesystem::path& path, const nlohmann::ordered_json& document);
void write_trace_file(const std::filesystem::path& path, const sim::ModelInstance& model,
                      const FoundBug& bug, const ExploreOptions& options);

// One labelled scheduling point as recorded in the file's "choices" array.
struct RecordedStep {
  std::string thread;
  std::string op;      // empty when the file has none
  std::string object;  // empty when the file has none
};

struct LoadedTrace {
  std::string model;
  std::vector<std::pair<std::string, std::string>> params;  // as in the "schedule" string
  RunSchedule run;                                          // from the "schedule" string
  std::string schedule;
  std::string strategy;
  std::optional<std::uint32_t> max_steps;
  std::vector<RecordedStep> steps;  // parallel to `run.choices`
  std::optional<std::string> finding_kind;
  std::optional<std::string> finding_message;
};

// Reads and checks a trace file. Throws InputError (one line, naming the file) when
// the file is missing or unreadable, empty, truncated or not JSON, not an interleave
// trace, of an unsupported version, lacks a field or has one of the wrong type, or
// when "model", "parameters" and "choices" disagree with "schedule".
LoadedTrace read_trace_file(const std::filesystem::path& path);

// The labelled steps of `trace` (one per choice), as write_trace_file records them:
// replay compares them with a file's to detect a divergence by name.
std::vector<RecordedStep> labelled_steps(const Trace& trace);

}  // namespace checker

// Plain-words rendering of executions for people: the explanation of a finding
// (for deadlocks, the wait-for cycle through locks, joins and futures), the
// column-per-thread view of an interleaving, and outcome values.
#pragma once

#include "checker/explore.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace checker {

// A one-line headline, e.g. "deadlock: philosopher-0 -> fork-1 -> philosopher-1 -> ...".
std::string finding_headline(const Trace& trace);

// The multi-line explanation of `trace.finding` (which must be set): what happened,
// every blocked thread and what it waits for, the cycle if there is one, and a hint.
std::string explain_finding(const Trace& trace);

// What each thread holds at the end of the trace: the objects it acquired (locks,
// RLock levels, semaphore permits) and has not released, with the outstanding count.
std::map<sim::ThreadId, std::vector<std::pair<sim::ObjectId, std::int64_t>>> holdings(const Trace& trace);

// The future whose task each executor worker runs at the end of the trace.
std::map<sim::ThreadId, sim::ObjectId> running_tasks(const Trace& trace);

// The interleaving as one column per thread, one row per step, with the values read
// and written and the reason for each switch.
std::string render_columns(const Trace& trace);

// "3" for a number, the text itself for a string.
std::string outcome_text(const sim::Outcome& outcome);

// The lines the model printed, each with its virtual time ("[  0.100 s] text"), then
// the simulated duration, as the seed notebooks show a run.
std::string render_output(const Trace& trace);

// "3.00 s": a virtual duration for people.
std::string seconds_text(sim::Nanos nanos);

// Daemon threads cut off when the main thread finished, one line each.
std::string explain_cut_off(const Trace& trace);

}  // namespace checker

// What the log and Chrome views of a trace share: a thread's name and a step in words
// ("load x -> 0", "acquire fork-1").
#pragma once

#include "checker/explore.hpp"

#include <string>

namespace checker::views {

// The thread's name, "?" for an id the trace does not know.
const std::string& thread_label(const Trace& trace, sim::ThreadId id);

// The operation, the object it touched and the value read, written or returned:
// "load x -> 0", "store x = 1", "try-acquire l: failed", "join worker-0".
std::string step_text(const Trace& trace, const sim::Event& event);

}  // namespace checker::views

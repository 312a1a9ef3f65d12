// `interleave replay ... --view chrome`: the execution as Chrome trace-event JSON
// (the "JSON Object Format" of the Trace Event Format document, which Perfetto's UI
// and chrome://tracing open). One track (tid) per modeled thread, named by a
// "thread_name" metadata event; every step is a complete ("X") slice on its thread's
// track; the time a thread spent blocked (or preempted) between two of its steps is a
// slice too, and a thread still blocked when the execution stopped has a slice to
// one step past the last saying what it waits for; printed lines and the finding are
// instant ("i") events.
//
// Time axis: virtual time stands still while code runs (only sleeps and timeouts move
// it), so most steps share one timestamp. The axis is therefore the step order: step
// k (1-based) spans [(k-1) ms, k ms), and each event's args carry its virtual time.
#pragma once

#include "checker/explore.hpp"

#include <string>

namespace checker::views {

inline constexpr std::int64_t kMicrosPerStep = 1000;

// The trace-event JSON document, newline-terminated; `title` names the process
// (e.g. the model line "executor-deadlock (workers=2)").
std::string render_chrome_trace(const Trace& trace, const std::string& title);

}  // namespace checker::views

// `interleave replay ... --view log`: the execution as a log, one line per step with
// its virtual time, step number, thread, operation, object and value, the lines the
// model printed in their place among the steps, and the finding last.
#pragma once

#include "checker/explore.hpp"

#include <string>

namespace checker::views {

// Lines like "[  5.000000 s]     7  worker-0  result b (1)" and, for printed output,
// "[  0.100000 s]        worker-1  | Consumer storing message: 87 (size=0)".
std::string render_log(const Trace& trace);

}  // namespace checker::views

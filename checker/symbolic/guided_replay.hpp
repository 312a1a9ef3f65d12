// Runs a solver's schedule on the fiber runtime: the choices of a predicted prefix,
// then a plain completion (the running thread continues while it can, else the
// lowest-numbered runnable thread) to the end of the execution. What the prediction
// claims is judged on this real execution only.
#pragma once

#include "checker/explore.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace checker::symbolic {

struct GuidedRun {
  Trace trace;            // the whole execution; trace.choices replays it exactly
  bool diverged = false;  // a prefix choice named a thread that could not run there
};

GuidedRun run_guided(const sim::ModelInstance& model, std::span<const sim::ThreadId> prefix,
                     const std::vector<std::uint64_t>& draws, const ExploreOptions& options);

}  // namespace checker::symbolic

// Schedule shrinking: turns a failing execution into one a person can follow — the
// fewest preemptions, then the fewest steps — that still ends with the same finding
// (same kind and message; for a data race, the same pair of accesses by thread,
// operation, variable and source line, since its step numbers move).
//
// Two passes, both replaying candidates from the start:
// 1. Delta debugging (Zeller & Hildebrandt, TSE 2002) of the failing schedule's
//    preemptions: drop chunks of them, halving the chunk size down to single ones,
//    where a dropped preemption lets the running thread continue; then cut the
//    schedule to a short prefix that still fails (lengths 0, 1, 2, 4, ...). Every scheduling point past a
//    candidate's choices continues the running thread (or, if it cannot run, the
//    lowest-numbered thread that can): a deterministic non-preemptive completion.
// 2. Preemption-bounded search (Musuvathi & Qadeer, PLDI 2007) below the count pass 1
//    reached: every schedule with at most k preemptions, k = 0, 1, ...; the first
//    bound that reproduces the finding is the minimum, and the rest of that bound's
//    schedules are searched for fewer steps. Both passes share one execution budget,
//    so the result says whether the preemption count is proven minimal.
#pragma once

#include "checker/explore.hpp"
#include "sim/model_instance.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace checker {

struct ShrinkOptions {
  std::uint32_t max_steps = ExploreOptions{}.max_steps;
  bool ignore_time = false;
  std::uint64_t max_executions = 20'000;  // budget for both passes together...
  std::uint64_t max_total_steps = 4'000'000;  // ...and for the steps they run (long executions)
};

struct ShrinkResult {
  Trace trace;  // the shrunk execution; its finding is the failing trace's finding
  std::size_t original_steps = 0;
  std::size_t original_preemptions = 0;
  std::size_t steps = 0;        // trace.events.size(): rows of the column view
  std::size_t preemptions = 0;
  std::uint64_t executions = 0;  // executions the shrinking ran
  // Every schedule with fewer preemptions was run and none reproduced the finding.
  bool minimal_preemptions = false;
};

// Shrinks `failing` (its finding must be set) for `model`. The model's random()
// draws are taken from `failing` in order. If no candidate reproduces the finding
// (not even the failing schedule itself), the result is `failing` unchanged.
ShrinkResult shrink(const sim::ModelInstance& model, const Trace& failing, const ShrinkOptions& options = {});

// "shrunk from 143 steps / 9 preemptions to 12 steps / 2 preemptions", or "already
// minimal: 12 steps / 2 preemptions" when nothing changed; either with "(fewer
// preemptions not ruled out within the search budget)" when the budget ran out first
// ("not shrunk: ..." then, if nothing changed).
std::string shrink_summary(const ShrinkResult& result);

}  // namespace checker

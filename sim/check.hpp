// Assertions and outcomes: the two ways a model tells the checker what happened.
#pragma once

#include "sim/execution.hpp"

#include <cstdint>
#include <string>

namespace sim {

// A failing check ends the execution with an assertion finding carrying `message`.
void check(bool condition, const std::string& message);

// Reports the model's outcome for this execution (the last call wins). Outcomes are
// collected over all executions into the outcome set, the teaching oracle's answer.
void outcome(std::int64_t value);
void outcome(std::string value);

}  // namespace sim

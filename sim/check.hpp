// Assertions and outcomes: the two ways a model tells the checker what happened.
#pragma once

#include "sim/execution.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sim {

// A failing check ends the execution with an assertion finding carrying `message`.
// The thread stops at its next visible operation (or when it returns, if it has none
// left): like a Python `assert`, nothing after it is observed by other threads, but
// code up to that point still runs (unobserved: an outcome it reports is dropped), so
// do not rely on a check to guard undefined behaviour in the lines that follow it —
// use `if`.
void check(bool condition, std::string_view message);

// A check that failed: ends the execution with `message` (moved into the finding).
void check_failed(std::string message);

// The same as check(bool, std::string_view), building the message only when the check
// fails (keeps passing checks cheap).
template <typename MakeMessage>
  requires std::is_invocable_r_v<std::string, MakeMessage>
void check(bool condition, MakeMessage&& make_message) {
  if (!condition) check_failed(make_message());
}

// Reports the model's outcome for this execution (the last call wins). Outcomes are
// collected over all executions into the outcome set, the teaching oracle's answer.
void outcome(std::int64_t value);
void outcome(std::string value);

}  // namespace sim

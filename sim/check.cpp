#include "sim/check.hpp"

#include "sim/runtime.hpp"

#include <utility>

namespace sim {

void check(bool condition, std::string_view message) {
  if (!condition) check_failed(std::string(message));
}

void check_failed(std::string message) {
  Runtime::current().end_with(FindingKind::kAssertion, std::move(message));
}

void outcome(std::int64_t value) { Runtime::current().set_outcome(value); }
void outcome(std::string value) { Runtime::current().set_outcome(std::move(value)); }

}  // namespace sim

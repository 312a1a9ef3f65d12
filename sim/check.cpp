#include "sim/check.hpp"

#include "sim/runtime.hpp"

namespace sim {

void check(bool condition, std::string_view message) {
  if (!condition) Runtime::current().end_with(FindingKind::kAssertion, std::string(message));
}

void outcome(std::int64_t value) { Runtime::current().set_outcome(value); }
void outcome(std::string value) { Runtime::current().set_outcome(std::move(value)); }

}  // namespace sim

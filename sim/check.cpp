#include "sim/check.hpp"

#include "sim/runtime.hpp"

namespace sim {

void check(bool condition, const std::string& message) {
  if (!condition) Runtime::current().fail(FindingKind::kAssertion, message);
}

void outcome(std::int64_t value) { Runtime::current().set_outcome(value); }
void outcome(std::string value) { Runtime::current().set_outcome(std::move(value)); }

}  // namespace sim

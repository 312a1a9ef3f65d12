#include "sim/sleep.hpp"

#include "sim/runtime.hpp"

#include <stdexcept>

namespace sim {

void sleep(double seconds) {
  Runtime& rt = Runtime::current();
  // CPython: time.sleep of a negative number raises ValueError.
  if (seconds < 0) throw std::invalid_argument("sleep length must be non-negative");
  rt.visible_until(OpKind::kSleep, kNoObject, nullptr, rt.deadline_after(seconds));
  rt.record(OpKind::kSleep, kNoObject);
}

void yield() {
  Runtime& rt = Runtime::current();
  rt.visible(OpKind::kYield, kNoObject);
  rt.record(OpKind::kYield, kNoObject);
}

}  // namespace sim

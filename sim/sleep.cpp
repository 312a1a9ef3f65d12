#include "sim/sleep.hpp"

#include "sim/runtime.hpp"

namespace sim {

void sleep(double) { yield(); }

void yield() {
  Runtime& rt = Runtime::current();
  rt.visible(OpKind::kYield, kNoObject);
  rt.record(OpKind::kYield, kNoObject);
}

}  // namespace sim

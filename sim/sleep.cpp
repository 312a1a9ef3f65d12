#include "sim/sleep.hpp"

#include "sim/runtime.hpp"

namespace sim {

namespace {
void pause(OpKind kind) {
  Runtime& rt = Runtime::current();
  rt.visible(kind, kNoObject);
  rt.record(kind, kNoObject);
}
}  // namespace

void sleep(double) { pause(OpKind::kSleep); }
void yield() { pause(OpKind::kYield); }

}  // namespace sim

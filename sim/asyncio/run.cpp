#include "sim/asyncio/run.hpp"

#include "sim/runtime.hpp"

namespace sim::asyncio::detail {

void main_task_cancelled() {
  Runtime::current().fail(FindingKind::kUncaughtException,
                          "asyncio.CancelledError escaped asyncio.run(): the main task was cancelled");
}

}  // namespace sim::asyncio::detail

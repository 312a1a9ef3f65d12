#include "sim/asyncio/sleep.hpp"

#include "sim/asyncio/loop.hpp"
#include "sim/asyncio/task.hpp"

#include <memory>

namespace sim::asyncio {

void sleep(double seconds) {
  TaskCore& task = running_task();
  if (!(seconds > 0)) {
    task.yield_turn();
    return;
  }
  EventLoop& loop = task.loop();
  auto timer = std::make_shared<FutureCore>(loop, kNoObject, "the end of its asyncio.sleep", "");
  const Nanos now = loop.time();
  const double nanos = seconds * 1e9 + 0.5;
  const Nanos when = nanos < static_cast<double>(kNever - 1 - now) ? now + static_cast<Nanos>(nanos) : kNever - 1;
  loop.call_at(when, timer);
  task.await_future(timer, OpKind::kSleep);
  // CPython's `finally: h.cancel()` is implicit: a timer whose future is done is skipped.
}

}  // namespace sim::asyncio

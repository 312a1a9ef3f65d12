// asyncio.sleep: `await asyncio.sleep(seconds)` on the running task. A positive delay
// arms a timer on the loop and awaits its future, so tasks sleeping at the same time
// overlap on the virtual clock; a delay <= 0 only gives the other ready tasks one turn
// (CPython's __sleep0). Unlike time.sleep (sim::sleep), it never blocks the loop.
#pragma once

namespace sim::asyncio {

void sleep(double seconds);

}  // namespace sim::asyncio

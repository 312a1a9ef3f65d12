// time.sleep and an explicit yield. Until the virtual clock lands, time is ignored:
// sleep is a scheduling point that lets any other thread run first.
#pragma once

namespace sim {

void sleep(double seconds);
void yield();

}  // namespace sim

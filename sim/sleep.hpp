// time.sleep and an explicit yield. sleep(s) parks the thread until the virtual clock
// reaches now + s (the clock only moves when no thread can run); with time ignored
// (RunOptions::ignore_time) it is a plain scheduling point, like yield().
#pragma once

namespace sim {

void sleep(double seconds);
void yield();

}  // namespace sim

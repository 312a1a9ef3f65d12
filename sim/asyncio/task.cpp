#include "sim/asyncio/task.hpp"

namespace sim::asyncio {

TaskCore& running_task() { return *EventLoop::get_running().current_task(); }

}  // namespace sim::asyncio

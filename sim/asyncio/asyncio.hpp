// Everything a model needs for asyncio: run, create_task, await, sleep, gather,
// TaskGroup, Future, Event and the exceptions. See loop.hpp for how tasks run.
//
// One rule specific to fibers: do not await inside a `catch` block (C++ keeps the
// exception being handled per OS thread, and fibers share it); store the exception
// (std::current_exception) and await after the block.
#pragma once

#include "sim/asyncio/errors.hpp"
#include "sim/asyncio/event.hpp"
#include "sim/asyncio/future.hpp"
#include "sim/asyncio/gather.hpp"
#include "sim/asyncio/run.hpp"
#include "sim/asyncio/sleep.hpp"
#include "sim/asyncio/task.hpp"
#include "sim/asyncio/task_group.hpp"

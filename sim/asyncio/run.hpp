// asyncio.run(main()): runs `main` as the first task (Task-1) of a new event loop on the
// calling modeled thread until it is done, then cancels the tasks still pending and
// waits for them (CPython's _cancel_all_tasks), and finally returns main's result or
// raises its exception — escaping the model's thread, that is an uncaught-exception
// finding. A cancelled main task is reported as an uncaught CancelledError finding
// here (CPython raises CancelledError from asyncio.run).
#pragma once

#include "sim/asyncio/loop.hpp"
#include "sim/asyncio/task.hpp"
#include "sim/asyncio/task_core.hpp"

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace sim::asyncio {

namespace detail {
// Ends the execution: the main task was cancelled.
[[noreturn]] void main_task_cancelled();
}  // namespace detail

template <typename F>
auto run(F&& main) -> std::invoke_result_t<F&> {
  using T = std::invoke_result_t<F&>;
  EventLoop loop;
  auto task = std::make_shared<TypedTask<T>>(loop, loop.next_task_name(), std::function<T()>(std::forward<F>(main)));
  task->start();
  loop.run_until_complete(task);
  loop.cancel_all_tasks();
  if (task->cancelled()) detail::main_task_cancelled();
  return Task<T>(task).result();
}

}  // namespace sim::asyncio

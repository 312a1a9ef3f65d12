// asyncio.gather, as CPython 3.11's tasks.gather: an outer future that is done when
// every child is (results in argument order), or — with return_exceptions=False — as
// soon as a child fails or is cancelled (the other children keep running). Cancelling
// the outer future cancels the children.
#pragma once

#include "sim/asyncio/future_core.hpp"
#include "sim/asyncio/task.hpp"

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace sim::asyncio {

class GatherCore final : public FutureCore, public DoneCallback {
 public:
  GatherCore(EventLoop& loop, std::vector<std::shared_ptr<FutureCore>> children, bool return_exceptions);
  // Adds the done callbacks (a child already done calls back on the next iteration);
  // with no children the outer future is done at once.
  void start();

  // _done_callback(child)
  ThreadId on_done(const std::shared_ptr<FutureCore>& child) override;
  // _GatheringFuture.cancel: cancels the children.
  bool cancel() override;

  const std::vector<std::shared_ptr<FutureCore>>& children() const { return children_; }
  // return_exceptions=True: one entry per child, null for a result.
  std::vector<std::exception_ptr> child_errors() const;

  void clear_links() override;
  std::string describe_pending() const override;
  ThreadId producer() const override;

 private:
  std::vector<std::shared_ptr<FutureCore>> children_;
  std::size_t unique_ = 0;   // distinct children (a future passed twice counts once)
  std::size_t finished_ = 0;
  bool return_exceptions_;
  bool cancel_requested_ = false;
};

// `await asyncio.gather(*children, return_exceptions=...)` on the running task: returns
// the outer future once it is done, having thrown what awaiting it raises.
std::shared_ptr<GatherCore> await_gather(std::vector<std::shared_ptr<FutureCore>> children,
                                         bool return_exceptions);

// The tag of gather(tasks, return_exceptions).
struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

template <typename A>
concept Gatherable = IsTask<std::remove_cvref_t<A>>::value || std::is_invocable_v<std::remove_cvref_t<A>&>;

// ensure_future: a task stays itself, a coroutine becomes a new task.
template <typename A>
auto as_task(A&& arg) {
  if constexpr (IsTask<std::remove_cvref_t<A>>::value) {
    return std::remove_cvref_t<A>(arg);
  } else {
    return create_task(std::forward<A>(arg));
  }
}

template <typename T>
Value<T> value_of(const Task<T>& task) {
  if constexpr (std::is_void_v<T>) {
    task.result();
    return {};
  } else {
    return task.result();
  }
}

}  // namespace detail

// `await asyncio.gather(a, b, ...)`: each argument is a Task or a coroutine (a callable,
// wrapped in a new task, in argument order). Returns the results in argument order
// (std::monostate for void); the first child to fail makes it raise that exception
// (return_exceptions=False), without cancelling the others.
template <detail::Gatherable... Args>
  requires(sizeof...(Args) > 0)
auto gather(Args&&... args) {
  std::tuple tasks{detail::as_task(std::forward<Args>(args))...};  // braces: left to right
  std::vector<std::shared_ptr<FutureCore>> children;
  std::apply([&children](const auto&... task) { (children.push_back(task.state()), ...); }, tasks);
  await_gather(std::move(children), false);
  return std::apply([](const auto&... task) { return std::tuple{detail::value_of(task)...}; }, tasks);
}

// `await asyncio.gather(*tasks)`: the results in order (nothing for void tasks).
template <typename T>
auto gather(const std::vector<Task<T>>& tasks) {
  std::vector<std::shared_ptr<FutureCore>> children;
  children.reserve(tasks.size());
  for (const Task<T>& task : tasks) children.push_back(task.state());
  await_gather(std::move(children), false);
  if constexpr (!std::is_void_v<T>) {
    std::vector<T> results;
    results.reserve(tasks.size());
    for (const Task<T>& task : tasks) results.push_back(task.result());
    return results;
  }
}

// `await asyncio.gather(*tasks, return_exceptions=True)`: waits for every task and
// returns, per task, the exception it raised (CancelledError if cancelled) or null;
// the values are then in tasks[i].result().
template <typename T>
std::vector<std::exception_ptr> gather(const std::vector<Task<T>>& tasks, ReturnExceptions) {
  std::vector<std::shared_ptr<FutureCore>> children;
  children.reserve(tasks.size());
  for (const Task<T>& task : tasks) children.push_back(task.state());
  return await_gather(std::move(children), true)->child_errors();
}

}  // namespace sim::asyncio

// concurrent.futures.ThreadPoolExecutor, modeled on CPython 3.11's thread.py: workers
// are created lazily by submit() (a new one only when no worker is idle, up to
// max_workers), take work items in FIFO order, and exit after shutdown once the queue
// is drained. Destroying an executor that was not shut down shuts it down with
// wait=True, as the end of a `with` block or interpreter exit does.
#pragma once

#include "sim/future.hpp"
#include "sim/runtime.hpp"
#include "sim/thread.hpp"
#include "sim/waitable.hpp"

#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sim {

// Names that make reports readable: the future's variable name and the task's.
struct SubmitLabels {
  std::string_view future = {};  // empty: "future-N"
  std::string_view task = "task";
};

class ThreadPoolExecutor final : public Waitable {
 public:
  explicit ThreadPoolExecutor(int max_workers, std::string_view thread_name_prefix = "worker");
  ~ThreadPoolExecutor();
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  template <typename F>
  auto submit(F&& fn, SubmitLabels labels = {}) -> Future<std::invoke_result_t<F&>> {
    using T = std::invoke_result_t<F&>;
    const std::string name =
        labels.future.empty() ? "future-" + std::to_string(submitted_) : std::string(labels.future);
    auto state = std::make_shared<TypedFutureState<T>>(name, labels.task, not_started_note(),
                                                      std::forward<F>(fn));
    enqueue(state);
    return Future<T>(std::move(state));
  }

  void shutdown(bool wait = true);

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  void enqueue(std::shared_ptr<FutureState> item);
  void worker_loop();
  std::string not_started_note() const;

  Runtime* runtime_;
  ObjectId queue_id_;
  int max_workers_;
  std::string prefix_;
  std::deque<std::shared_ptr<FutureState>> queue_;
  std::vector<Thread> workers_;
  int idle_ = 0;            // CPython's _idle_semaphore: workers done with an item
  int submitted_ = 0;
  bool shutdown_ = false;
};

}  // namespace sim

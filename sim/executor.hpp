// concurrent.futures.ThreadPoolExecutor, modeled on CPython 3.11's thread.py: workers
// are created lazily by submit() (a new one only when no worker is idle, up to
// max_workers), take work items in FIFO order, skip items cancelled while queued, and
// exit after shutdown once the queue is drained. map() submits every call first and
// then hands out the results in submission order (Executor.map in _base.py).
// shutdown(cancel_futures=True) cancels every item still queued. Destroying an
// executor that was not shut down shuts it down with wait=True, as the end of a `with`
// block or interpreter exit does.
#pragma once

#include "sim/future.hpp"
#include "sim/runtime.hpp"
#include "sim/thread.hpp"
#include "sim/waitable.hpp"

#include <cstddef>
#include <deque>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sim {

// Names that make reports readable: the future's variable name and the task's.
struct SubmitLabels {
  std::string_view future = {};  // empty: "future-N"
  std::string_view task = "task";
};

struct MapOptions {
  double timeout = -1;            // seconds for the whole map, from the call; negative: none
  std::string_view task = "task"; // the task name in reports
};

template <typename T>
class MapResults;

class ThreadPoolExecutor final : public Waitable, public WorkQueue {
 public:
  explicit ThreadPoolExecutor(int max_workers, std::string_view thread_name_prefix = "worker");
  ~ThreadPoolExecutor();
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  // submit(fn): queues a call of `fn` (a visible step) and returns its future. Throws
  // std::runtime_error after shutdown (CPython: RuntimeError "cannot schedule new
  // futures after shutdown").
  template <typename F>
  auto submit(F&& fn, SubmitLabels labels = {}) -> Future<std::invoke_result_t<F&>> {
    using T = std::invoke_result_t<F&>;
    begin_submit();
    const std::string name =
        labels.future.empty() ? "future-" + std::to_string(submitted_) : std::string(labels.future);
    auto state = std::make_shared<TypedFutureState<T>>(name, labels.task, std::forward<F>(fn));
    enqueue(state);
    return Future<T>(std::move(state));
  }

  // map(fn, items): submits fn(item) for every item now, and returns the results in the
  // order of `items` as they are iterated; iterating waits for each in turn, and a
  // task's exception is raised when its result is reached. Like CPython's generator,
  // once iteration has started, leaving it early (an exception, or dropping the
  // results) cancels the calls not yet handed out.
  template <typename F, typename Items>
  auto map(F fn, const Items& items, MapOptions options = {}) {
    using Item = std::decay_t<decltype(*std::begin(items))>;
    using T = std::invoke_result_t<F&, const Item&>;
    const Nanos deadline = runtime_->deadline_after(options.timeout);  // end_time, at the call
    std::vector<Future<T>> futures;
    for (const auto& item : items) {
      futures.push_back(submit([fn, item]() mutable -> T { return fn(std::as_const(item)); },
                               {.task = options.task}));
    }
    return MapResults<T>(std::move(futures), deadline);
  }

  // shutdown(wait, cancel_futures): a visible step; no more submits. cancel_futures
  // cancels every item still queued (not yet taken by a worker). wait joins the workers.
  void shutdown(bool wait = true, bool cancel_futures = false);

  int max_workers() const { return max_workers_; }

  // The wait of an idle worker for work.
  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

  std::string why_not_started(const FutureState& item, ThreadId waiter) const override;
  ThreadId not_started_blocker(const FutureState& item, ThreadId waiter) const override;

 private:
  void begin_submit();
  void enqueue(std::shared_ptr<FutureState> item);
  void worker_loop(std::size_t index);
  std::string worker_doing(std::size_t index, ThreadId waiter) const;

  Runtime* runtime_;
  ObjectId queue_id_;
  int max_workers_;
  std::string prefix_;
  std::deque<std::shared_ptr<FutureState>> queue_;
  std::vector<Thread> workers_;
  std::vector<const FutureState*> running_;  // parallel to workers_: the item each runs, or null
  int idle_ = 0;            // CPython's _idle_semaphore: released after every work item
  int submitted_ = 0;
  bool shutdown_ = false;
};

// The iterator CPython's map returns (its result_iterator generator).
template <typename T>
class MapResults {
 public:
  using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  MapResults(std::vector<Future<T>> futures, Nanos deadline)
      : futures_(std::move(futures)), deadline_(deadline) {}
  MapResults(MapResults&&) noexcept = default;
  MapResults(const MapResults&) = delete;
  MapResults& operator=(const MapResults&) = delete;
  MapResults& operator=(MapResults&&) = delete;
  // The generator closing: cancels the calls not yet handed out, if iteration started.
  ~MapResults() {
    if (started_) {
      for (std::size_t i = next_; i < futures_.size(); ++i) futures_[i].state()->cancel_at_scope_exit();
    }
  }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(MapResults* owner) : owner_(owner) {}
    const Value& operator*() const { return *owner_->current_; }
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return !owner_->current_.has_value(); }

   private:
    MapResults* owner_ = nullptr;
  };

  // Starts the generator: waits for the first result.
  iterator begin() {
    if (!started_) {
      started_ = true;
      advance();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const { return {}; }

  // All results, in order (Python's list(executor.map(...))).
  std::vector<Value> to_vector() {
    std::vector<Value> values;
    for (const Value& v : *this) values.push_back(v);
    return values;
  }

 private:
  // The next result, waiting for it until the map's deadline. A failure (the task's
  // exception, TimeoutError, CancelledError) cancels that call and every later one
  // (CPython's _result_or_cancel and the generator's finally), then propagates. The
  // cancels are scheduling points, so they run outside the catch handler: a fiber
  // switch inside one would share the OS thread's caught-exception stack.
  void advance() {
    current_.reset();
    if (next_ == futures_.size()) return;
    const Future<T>& future = futures_[next_];
    std::exception_ptr failure;
    try {
      if constexpr (std::is_void_v<T>) {
        future.result_until(deadline_);
        current_.emplace();
      } else {
        current_.emplace(future.result_until(deadline_));
      }
    } catch (const Cancelled&) {
      throw;
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      for (std::size_t i = next_; i < futures_.size(); ++i) futures_[i].cancel();
      next_ = futures_.size();
      std::rethrow_exception(failure);
    }
    ++next_;
  }

  std::vector<Future<T>> futures_;
  Nanos deadline_;
  std::size_t next_ = 0;      // the next future to hand out
  bool started_ = false;
  std::optional<Value> current_;
};

}  // namespace sim

// queue.Queue (CPython 3.11 Lib/queue.py) over any item type: a FIFO with an optional
// maxsize, put/get that block, time out or fail at once (raising Full/Empty), and the
// unfinished-task counter of task_done()/join(). Models use Queue<int>,
// Queue<std::string>, or Queue<std::optional<T>> when Python puts None as a sentinel.
// The state machine and the reports live in QueueCore (sim/queue_core.hpp); this file
// only keeps the items. Numbers put and got are recorded with their steps (an engaged
// std::optional of a number too), so traces show the values that moved.
#pragma once

#include "sim/queue_core.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sim {

namespace queue_detail {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// The number a step records for an item, if it is a number (or an engaged optional
// holding one); {0, false} otherwise.
template <typename T>
std::pair<std::int64_t, bool> recorded_value(const T& item) {
  if constexpr (std::is_arithmetic_v<T>) {
    return {static_cast<std::int64_t>(item), true};
  } else if constexpr (IsOptional<T>::value) {
    if constexpr (std::is_arithmetic_v<typename T::value_type>) {
      if (item) return {static_cast<std::int64_t>(*item), true};
    }
    return {0, false};
  } else {
    return {0, false};
  }
}

}  // namespace queue_detail

// The items of a queue, moved in and out within the step of a put or get.
template <typename T>
class TypedQueue : public QueueCore {
 protected:
  using QueueCore::QueueCore;

  void push(T item, bool block, Timeout timeout) {
    wait_for_room(block, timeout);
    const auto [value, has_value] = queue_detail::recorded_value(item);
    items_.push_back(std::move(item));
    did_put(value, has_value);
  }

  T pop(bool block, Timeout timeout) {
    wait_for_item(block, timeout);
    T item = std::move(items_.front());
    items_.pop_front();
    const auto [value, has_value] = queue_detail::recorded_value(item);
    did_get(value, has_value);
    return item;
  }

 private:
  std::deque<T> items_;  // invariant: items_.size() == the core's count
};

template <typename T>
class Queue final : public TypedQueue<T> {
 public:
  // queue.Queue(maxsize): 0 or negative is unbounded. `name` names it in reports.
  explicit Queue(std::int64_t maxsize = 0, std::string_view name = "queue") : TypedQueue<T>(name, maxsize) {}

  // put(item, block=True, timeout=None). Blocks while the queue is full (bounded
  // queues only); with block=false, or once `timeout` seconds of virtual time pass,
  // raises Full instead. Each put adds one unfinished task for join().
  void put(T item, bool block = true, Timeout timeout = {}) { this->push(std::move(item), block, timeout); }
  void put_nowait(T item) { put(std::move(item), false); }

  // get(block=True, timeout=None): the oldest item. Blocks while the queue is empty;
  // with block=false, or once `timeout` seconds pass, raises Empty instead.
  T get(bool block = true, Timeout timeout = {}) { return this->pop(block, timeout); }
  T get_nowait() { return get(false); }

  // Approximate in Python only because of other threads; here each is one visible read.
  std::int64_t qsize() { return this->read_qsize(); }
  bool empty() { return this->read_empty(); }
  bool full() { return this->read_full(); }

  // Marks one item taken by get() as processed. More calls than items put is a misuse
  // finding (CPython: ValueError "task_done() called too many times").
  void task_done() { this->mark_task_done(); }
  // Blocks until every item ever put has been marked done by task_done().
  void join() { this->wait_all_done(); }
};

}  // namespace sim

// queue.SimpleQueue (CPython 3.11, Modules/_queuemodule.c): an unbounded FIFO without
// task tracking. put never blocks (its block and timeout arguments are ignored, as in
// CPython); get blocks, times out or fails at once like Queue.get, raising Empty.
// Built on QueueCore (sim/queue_core.hpp), which explains blocked gets in reports.
#pragma once

#include "sim/queue.hpp"

#include <cstdint>
#include <string_view>
#include <utility>

namespace sim {

template <typename T>
class SimpleQueue final : public TypedQueue<T> {
 public:
  explicit SimpleQueue(std::string_view name = "queue") : TypedQueue<T>(name, 0) {}

  // put(item, block=True, timeout=None): CPython ignores block and timeout.
  void put(T item, bool /*block*/ = true, Timeout /*timeout*/ = {}) { this->push(std::move(item), true, {}); }
  void put_nowait(T item) { put(std::move(item)); }

  // get(block=True, timeout=None): as Queue.get.
  T get(bool block = true, Timeout timeout = {}) { return this->pop(block, timeout); }
  T get_nowait() { return get(false); }

  std::int64_t qsize() { return this->read_qsize(); }
  bool empty() { return this->read_empty(); }
};

}  // namespace sim

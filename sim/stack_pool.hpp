// Fiber stacks, allocated once and reused across executions: creating a modeled
// thread in steady state takes a stack from the free list instead of calling mmap.
// Each stack has a guard page below it, so a model that recurses too deeply faults
// instead of corrupting a neighbour.
#pragma once

#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <vector>

namespace sim {

class StackPool {
 public:
  explicit StackPool(std::size_t stack_size);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context take();
  void give_back(boost::context::stack_context stack) noexcept;
  std::size_t stack_size() const { return stack_size_; }

 private:
  std::size_t stack_size_;                               // usable bytes, excluding the guard page
  std::vector<boost::context::stack_context> free_;      // invariant: never more entries than all_
  std::vector<boost::context::stack_context> all_;
};

// The StackAllocator concept Boost.Context's fiber constructor wants, backed by a pool.
class PooledStackAllocator {
 public:
  explicit PooledStackAllocator(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->take(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->give_back(stack); }

 private:
  StackPool* pool_;
};

}  // namespace sim

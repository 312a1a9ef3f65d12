// Fiber stacks, owned for the runtime's lifetime: each thread slot takes one when its
// fiber is first made and keeps it (the fiber outlives the threads run in the slot),
// so steady-state executions never call mmap. Each stack has a guard page below it,
// so a model that recurses too deeply faults instead of corrupting a neighbour.
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
  std::size_t stack_size() const { return stack_size_; }

 private:
  std::size_t stack_size_;                               // usable bytes, excluding the guard page
  std::vector<boost::context::stack_context> all_;
};

}  // namespace sim

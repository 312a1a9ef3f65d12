#include "sim/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace sim {

namespace {
std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
}  // namespace

StackPool::StackPool(std::size_t stack_size) {
  const std::size_t page = page_size();
  stack_size_ = (stack_size + page - 1) / page * page;
}

StackPool::~StackPool() {
  for (const auto& stack : all_) {
    char* top = static_cast<char*>(stack.sp);
    ::munmap(top - stack.size - page_size(), stack.size + page_size());
  }
}

boost::context::stack_context StackPool::take() {
  const std::size_t guard = page_size();
  void* base = ::mmap(nullptr, stack_size_ + guard, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  ::mprotect(base, guard, PROT_NONE);
  boost::context::stack_context stack;
  stack.size = stack_size_;
  stack.sp = static_cast<char*>(base) + guard + stack_size_;  // stacks grow down: sp is the top
  all_.push_back(stack);
  return stack;
}

}  // namespace sim

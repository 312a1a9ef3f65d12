// threading.local: one value per modeled thread, keyed by Runtime::current_thread().
// Each thread sees only its own value, so no access is a visible step (nothing another
// thread does can change what it reads). A Python local with several attributes is a
// Local of a struct; `hasattr(local, "x")` is find() != nullptr.
#pragma once

#include "sim/runtime.hpp"

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace sim {

template <typename T>
class Local {
 public:
  Local() : runtime_(&Runtime::current()) {}
  Local(const Local&) = delete;
  Local& operator=(const Local&) = delete;

  // The calling thread's value, or null if it has none yet (Python: hasattr is False).
  T* find() {
    const ThreadId self = runtime_->current_thread();
    if (self >= values_.size() || !values_[self]) return nullptr;
    return &*values_[self];
  }

  // The calling thread's value, constructed from `args` first if it has none.
  template <typename... Args>
  T& get_or_emplace(Args&&... args) {
    std::optional<T>& slot = slot_of_current();
    if (!slot) slot.emplace(std::forward<Args>(args)...);
    return *slot;
  }

  // Sets the calling thread's value (Python: local.x = value).
  T& set(T value) {
    std::optional<T>& slot = slot_of_current();
    slot = std::move(value);
    return *slot;
  }

  // Removes the calling thread's value (Python: del local.x).
  void erase() {
    const ThreadId self = runtime_->current_thread();
    if (self < values_.size()) values_[self].reset();
  }

 private:
  std::optional<T>& slot_of_current() {
    const ThreadId self = runtime_->current_thread();
    if (self >= values_.size()) values_.resize(std::size_t{self} + 1);
    return values_[self];
  }

  Runtime* runtime_;
  std::vector<std::optional<T>> values_;  // indexed by ThreadId; empty slot: no value
};

}  // namespace sim

// A named shared variable. load() and store() are separate visible steps, so
// `x.store(x.load() + 1)` is a read then a write, exactly as `x += 1` is in CPython
// (LOAD then STORE bytecodes, with a possible thread switch between them).
#pragma once

#include "sim/runtime.hpp"

#include <cstdint>
#include <source_location>
#include <string_view>
#include <type_traits>

namespace sim {

template <typename T>
class Shared {
 public:
  Shared(std::string_view name, T initial)
      : runtime_(&Runtime::current()), id_(runtime_->register_object(name)), value_(initial) {}
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  // `where` defaults to the caller's line, which race reports name.
  T load(std::source_location where = std::source_location::current()) {
    runtime_->visible(OpKind::kLoad, id_);
    runtime_->record_access(OpKind::kLoad, id_, as_number(value_), kNumeric, where);
    return value_;
  }

  void store(T value, std::source_location where = std::source_location::current()) {
    runtime_->visible(OpKind::kStore, id_);
    value_ = std::move(value);
    runtime_->record_access(OpKind::kStore, id_, as_number(value_), kNumeric, where);
  }

  ObjectId id() const { return id_; }

 private:
  static constexpr bool kNumeric = std::is_arithmetic_v<T>;
  static std::int64_t as_number(const T& value) {
    if constexpr (kNumeric) return static_cast<std::int64_t>(value);
    else return 0;
  }

  Runtime* runtime_;
  ObjectId id_;
  T value_;
};

}  // namespace sim

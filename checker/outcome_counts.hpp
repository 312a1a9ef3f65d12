// Counts the executions per outcome of one strategy, cheaply enough to run after every
// execution, and remembers per outcome which bug its last execution repeated.
#pragma once

#include "sim/execution.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <variant>

namespace checker {

// The executions per outcome of one strategy. Most models' outcomes are integers close
// together (a counter's final value): those within 32 of the first one are counted in a
// table indexed by the value, since a lookup after every execution (a map's chain of
// compares, a hash table's division) costs more than the rest of the bookkeeping; any
// other outcome in a map.
//
// Executions with the same outcome mostly end with the same finding (its message often
// tells the outcome), so the table also keeps, per value, the bug the last execution
// with it repeated: the collector compares a finding with that bug first.
class OutcomeCounts {
 public:
  static constexpr std::uint32_t kNoBug = UINT32_MAX;

  OutcomeCounts() { last_bug_.fill(kNoBug); }

  // Counts `value`; returns its bug hint (kNoBug until set), or nullptr for an outcome
  // outside the table.
  std::uint32_t* add(const sim::Outcome& value) {
    if (const std::int64_t* number = std::get_if<std::int64_t>(&value)) {
      // In unsigned arithmetic, which wraps: a window around any value is exact.
      const auto bits = static_cast<std::uint64_t>(*number);
      if (!anchored_) {
        anchored_ = true;
        first_ = bits - kNear / 2;
      }
      if (bits - first_ < kNear) {
        ++near_[bits - first_];
        return &last_bug_[bits - first_];
      }
    }
    ++others_[value];
    return nullptr;
  }

  // Adds every count to `into`.
  void merge_into(std::map<sim::Outcome, std::uint64_t>& into) const {
    for (std::uint64_t slot = 0; slot < kNear; ++slot) {
      if (near_[slot] != 0) into[sim::Outcome(static_cast<std::int64_t>(first_ + slot))] += near_[slot];
    }
    for (const auto& [value, count] : others_) into[value] += count;
  }

 private:
  static constexpr std::uint64_t kNear = 64;
  bool anchored_ = false;        // first_ is set (by the first integer outcome)
  std::uint64_t first_ = 0;      // near_[k] counts the integer first_ + k
  std::array<std::uint64_t, kNear> near_{};
  std::array<std::uint32_t, kNear> last_bug_;  // indices in ExploreResult::bugs, or kNoBug
  std::map<sim::Outcome, std::uint64_t> others_;
};

}  // namespace checker

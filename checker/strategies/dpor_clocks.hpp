// Vector clocks for the DPOR analysis (dpor_analysis.hpp): one clock per thread, in
// rows whose width is a multiple of 4, so a row is copied and merged in 16-byte blocks.
// Rows are short (a handful of threads) and copied several times per step, where a
// memcpy call would cost more than the copy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace checker::dpor {

using Clock = std::uint32_t;  // step index + 1 of the latest step of a thread; 0: none

// The row width for `threads` threads.
constexpr std::uint32_t clock_width(std::uint32_t threads) { return (threads + 3) / 4 * 4; }

inline void copy_clock(Clock* to, const Clock* from, std::uint32_t width) {
  for (std::uint32_t t = 0; t < width; t += 4) std::memcpy(to + t, from + t, 4 * sizeof(Clock));
}

// Four clocks at a time, as one vector (GCC and Clang vector extensions: SSE2 on
// x86-64, which -O2 does not vectorize the scalar loop into). Compared as signed:
// SSE2 has only a signed compare (an unsigned one costs two more instructions), and
// clocks, step indices + 1, stay far below 2^31.
using ClockBlock = std::int32_t __attribute__((vector_size(4 * sizeof(Clock))));

inline void max_clock(Clock* into, const Clock* from, std::uint32_t width) {
  for (std::uint32_t t = 0; t < width; t += 4) {
    ClockBlock a;
    ClockBlock b;
    std::memcpy(&a, into + t, sizeof a);
    std::memcpy(&b, from + t, sizeof b);
    a = a > b ? a : b;
    std::memcpy(into + t, &a, sizeof a);
  }
}

// True if no clock of `a` is later than the one of `b` (b covers what a covers).
inline bool clock_at_most(const Clock* a, const Clock* b, std::uint32_t width) {
  for (std::uint32_t t = 0; t < width; t += 4) {
    ClockBlock x;
    ClockBlock y;
    std::memcpy(&x, a + t, sizeof x);
    std::memcpy(&y, b + t, sizeof y);
    const ClockBlock later = x > y;
    std::uint64_t halves[2];
    std::memcpy(halves, &later, sizeof halves);
    if ((halves[0] | halves[1]) != 0) return false;
  }
  return true;
}

// One bit per clock of the four at `clock`: set where the step of that thread in `steps`
// (a step index, or -1 for none) is not covered by the clock, i.e. where a scan over the
// earlier steps has some of that thread's steps to look at. (One vector compare instead
// of a compare and branch per thread: the scans then visit only the threads it sets.)
inline unsigned uncovered_steps(const Clock* clock, ClockBlock steps) {
  ClockBlock c;
  std::memcpy(&c, clock, sizeof c);
  ClockBlock open = (c <= steps) & ClockBlock{1, 2, 4, 8};
  open |= __builtin_shufflevector(open, open, 2, 3, 0, 1);
  open |= __builtin_shufflevector(open, open, 1, 0, 3, 2);
  return static_cast<unsigned>(open[0]);
}

// A stack of clock rows that keeps its storage when it shrinks, so steady-state
// executions do not touch the allocator.
class ClockRows {
 public:
  std::uint32_t size() const { return rows_; }
  Clock* operator[](std::size_t row) { return data_.data() + row * width_; }
  const Clock* operator[](std::size_t row) const { return data_.data() + row * width_; }

  // Appends a row and returns its index; the caller sets its clocks. (Copy into it
  // afterwards: appending may move the rows, the source of the copy among them.)
  std::uint32_t push_row() {
    if (rows_ == capacity_) grow();
    return rows_++;
  }
  void push_zeros() { std::fill_n((*this)[push_row()], width_, Clock{0}); }
  void truncate(std::uint32_t rows) { rows_ = std::min(rows_, rows); }
  void clear() { rows_ = 0; }

  // Widens every row to `width` (>= the current width), new clocks 0.
  void widen(std::uint32_t width) {
    std::vector<Clock> wide(std::size_t{rows_} * width, 0);
    for (std::size_t r = 0; r < rows_; ++r) std::copy_n((*this)[r], width_, wide.data() + r * width);
    data_ = std::move(wide);
    width_ = width;
    capacity_ = rows_;
  }

 private:
  // Room for twice the rows (at least one more); out of line from push_row(), which
  // seldom needs it.
  [[gnu::noinline]] void grow() {
    capacity_ = std::max(rows_ + 1, 2 * capacity_);
    data_.resize(std::size_t{capacity_} * width_);
  }

  std::vector<Clock> data_;
  std::uint32_t width_ = 0;
  std::uint32_t rows_ = 0;
  std::uint32_t capacity_ = 0;  // rows data_ holds
};

}  // namespace checker::dpor

// The share of a depth-first schedule tree already explored, read off the current
// path: at each frame, the options taken before the current one, weighted by the
// share of the tree that frame stands for (options assumed equally large). Used by
// the progress line for the DFS and preemption-bounded strategies, whose frames both
// record `taken` and `option_count`.
#pragma once

#include <span>

namespace checker {

template <class Frame>
double explored_fraction(std::span<const Frame> frames) {
  double fraction = 0;
  double weight = 1;
  for (const Frame& frame : frames) {
    fraction += weight * frame.taken / frame.option_count;
    weight /= frame.option_count;
  }
  return fraction;
}

}  // namespace checker

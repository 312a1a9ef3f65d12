// The share of a search tree already explored, read off the current path: at each
// frame, the options taken before the current one, weighted by the share of the tree
// that frame stands for (options assumed equally large). Used by the progress line for
// the DFS and preemption-bounded strategies, whose frames record `taken` and
// `option_count`, and for DPOR, whose points count their options from the wakeup tree.
#pragma once

#include <span>

namespace checker {

// `taken(frame)`: options explored before the current one; `options(frame)`: the
// options known at the frame (at least 1).
template <class Frames, class Taken, class Options>
double explored_fraction(const Frames& frames, Taken taken, Options options) {
  double fraction = 0;
  double weight = 1;
  for (const auto& frame : frames) {
    const double count = options(frame);
    fraction += weight * taken(frame) / count;
    weight /= count;
  }
  return fraction;
}

template <class Frame>
double explored_fraction(std::span<const Frame> frames) {
  return explored_fraction(
      frames, [](const Frame& f) { return f.taken; }, [](const Frame& f) { return f.option_count; });
}

}  // namespace checker

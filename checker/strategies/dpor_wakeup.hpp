// Wakeup trees of optimal DPOR (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic
// partial order reduction", POPL 2014, section 6): at each scheduling point, the
// ordered branches still to explore, each a sequence of steps that starts a new
// Mazurkiewicz trace. One pool holds the nodes of every scheduling point's tree; a
// tree is a list of children (first_child / next_sibling links), so taking the leftmost
// branch and handing its subtree to the next scheduling point moves no data.
#pragma once

#include "checker/strategies/dpor_analysis.hpp"
#include "checker/strategies/dpor_step.hpp"

#include <cstdint>
#include <vector>

namespace checker::dpor {

class WakeupPool {
 public:
  static constexpr std::int32_t kNone = -1;

  struct Node {
    Step step;
    std::int32_t first_child = kNone;
    std::int32_t next_sibling = kNone;
  };

  Node& operator[](std::int32_t node) { return nodes_[static_cast<std::size_t>(node)]; }
  const Node& operator[](std::int32_t node) const { return nodes_[static_cast<std::size_t>(node)]; }

  // (Inline, like insert()'s common case: a new branch costs no calls.)
  std::int32_t make(const Step& step) {
    std::int32_t node = free_;
    if (node != kNone) {
      free_ = nodes_[static_cast<std::size_t>(node)].next_sibling;
    } else {
      node = static_cast<std::int32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    Node& n = nodes_[static_cast<std::size_t>(node)];
    n.step = step;
    n.first_child = kNone;
    n.next_sibling = kNone;
    ++live_;
    return node;
  }
  // Returns one node to the pool (its children are the caller's).
  void release(std::int32_t node) {
    Node& n = nodes_[static_cast<std::size_t>(node)];
    n.first_child = kNone;
    n.next_sibling = free_;
    free_ = node;
    --live_;
  }
  // Returns a list of siblings and everything below them.
  void release_list(std::int32_t head);
  std::size_t live() const { return live_; }

  // insert_[E](w, wut) of the paper: adds the sequence `w` (the reversal of a race,
  // Analysis::reversal) to the branches `head` of the scheduling point E, unless a branch
  // already covers it (reaching a leaf along compatible steps). Consumes `w`. Returns
  // true if something was added.
  bool insert(std::int32_t& head, std::vector<std::uint32_t>& w, const Analysis& analysis) {
    if (head == kNone) {  // the common case: no branches to compare with, w becomes the only one
      head = make_sequence(w, analysis);
      return true;
    }
    return insert_among(head, w, analysis);
  }


 private:
  // insert() where `head` has branches.
  bool insert_among(std::int32_t& head, std::vector<std::uint32_t>& w, const Analysis& analysis);
  // A branch of one node per step of `w` (not empty), each the only child of the one
  // before; returns its first node.
  std::int32_t make_sequence(const std::vector<std::uint32_t>& w, const Analysis& analysis) {
    const std::int32_t first = make(analysis.step(w.front()));
    std::int32_t above = first;
    for (std::size_t x = 1; x < w.size(); ++x) {
      const std::int32_t node = make(analysis.step(w[x]));  // (may move the pool: links through indices)
      (*this)[above].first_child = node;
      above = node;
    }
    return first;
  }

  std::vector<Node> nodes_;
  std::int32_t free_ = kNone;  // free nodes, linked by next_sibling
  std::size_t live_ = 0;
  std::vector<std::int32_t> stack_;
};

// Position in `w` of the first step of `thread`, or w.size().
inline std::size_t find_thread(const std::vector<std::uint32_t>& w, sim::ThreadId thread, const Analysis& analysis) {
  for (std::size_t x = 0; x < w.size(); ++x) {
    if (analysis.step(w[x]).thread == thread) return x;
  }
  return w.size();
}

// True if `step` commutes with every step of `w`.
inline bool independent_of_all(const Step& step, const std::vector<std::uint32_t>& w, const Analysis& analysis) {
  for (std::uint32_t k : w) {
    if (dependent(step, analysis.step(k))) return false;
  }
  return true;
}

// True if step w[pos] has no predecessor in `w` (happens-before as `w` orders it): it
// could go first (its thread is in I(w)). `w` is a race reversal, possibly with steps
// removed from the front: every step but the race's later step `last` (the largest
// index) is ordered with the others as in the execution, since a chain between two of
// them never leaves the reversal; `last` only through steps of `w` it depends on
// directly (in the execution it also came after steps the reversal leaves out).
inline bool is_initial(const std::vector<std::uint32_t>& w, std::size_t pos, std::uint32_t last,
                       const Analysis& analysis) {
  for (std::size_t a = 0; a < pos; ++a) {
    if (w[pos] == last ? analysis.directly_before(w[a], w[pos]) : analysis.happens_before(w[a], w[pos])) {
      return false;
    }
  }
  return true;
}

// p in WI_[E](w) for the thread of `next` (its next step after E): it starts `w` up to
// equivalence, or it is not in `w` and independent of every step of `w`. (Inline, like
// the helpers above: DPOR asks it for every sleeper at a race's scheduling point.)
inline bool weak_initial(const Step& next, const std::vector<std::uint32_t>& w, std::uint32_t last,
                         const Analysis& analysis) {
  const std::size_t pos = find_thread(w, next.thread, analysis);
  if (pos < w.size()) return is_initial(w, pos, last, analysis);
  return independent_of_all(next, w, analysis);
}

}  // namespace checker::dpor

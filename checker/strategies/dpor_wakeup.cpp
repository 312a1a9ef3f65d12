#include "checker/strategies/dpor_wakeup.hpp"

namespace checker::dpor {

namespace {
// Position in `w` of the first step of `thread`, or w.size().
std::size_t find_thread(const std::vector<std::uint32_t>& w, sim::ThreadId thread, const Analysis& analysis) {
  for (std::size_t x = 0; x < w.size(); ++x) {
    if (analysis.step(w[x]).thread == thread) return x;
  }
  return w.size();
}

bool independent_of_all(const Step& step, const std::vector<std::uint32_t>& w, const Analysis& analysis) {
  for (std::uint32_t k : w) {
    if (dependent(step, analysis.step(k))) return false;
  }
  return true;
}
}  // namespace

void WakeupPool::release(std::int32_t node) {
  Node& n = nodes_[static_cast<std::size_t>(node)];
  n.first_child = kNone;
  n.next_sibling = free_;
  free_ = node;
  --live_;
}

void WakeupPool::release_list(std::int32_t head) {
  stack_.clear();
  if (head != kNone) stack_.push_back(head);
  while (!stack_.empty()) {
    const std::int32_t node = stack_.back();
    stack_.pop_back();
    const Node& n = nodes_[static_cast<std::size_t>(node)];
    if (n.next_sibling != kNone) stack_.push_back(n.next_sibling);
    if (n.first_child != kNone) stack_.push_back(n.first_child);
    release(node);
  }
}

bool is_initial(const std::vector<std::uint32_t>& w, std::size_t pos, std::uint32_t last, const Analysis& analysis) {
  for (std::size_t a = 0; a < pos; ++a) {
    if (w[pos] == last ? analysis.directly_before(w[a], w[pos]) : analysis.happens_before(w[a], w[pos])) {
      return false;
    }
  }
  return true;
}

bool weak_initial(const Step& next, const std::vector<std::uint32_t>& w, std::uint32_t last, const Analysis& analysis) {
  const std::size_t pos = find_thread(w, next.thread, analysis);
  if (pos < w.size()) return is_initial(w, pos, last, analysis);
  return independent_of_all(next, w, analysis);
}

bool WakeupPool::insert_among(std::int32_t& head, std::vector<std::uint32_t>& w, const Analysis& analysis) {
  const std::uint32_t race_step = w.back();  // the race's later step (see is_initial)
  std::int32_t parent = kNone;  // the node whose children are the current level; kNone: `head`
  for (;;) {
    std::int32_t child = parent == kNone ? head : (*this)[parent].first_child;
    if (child == kNone && parent != kNone) return false;  // a leaf: its exploration covers w
    std::int32_t previous = kNone;  // the sibling before `child`
    for (; child != kNone; previous = child, child = (*this)[child].next_sibling) {
      const Step& step = (*this)[child].step;
      const std::size_t pos = find_thread(w, step.thread, analysis);
      if (pos < w.size() ? is_initial(w, pos, race_step, analysis) : independent_of_all(step, w, analysis)) {
        if (pos < w.size()) w.erase(w.begin() + static_cast<std::ptrdiff_t>(pos));
        break;
      }
    }
    if (child != kNone) {
      parent = child;
      continue;
    }
    if (w.empty()) return false;
    // No compatible branch: w becomes the new rightmost branch here.
    const std::int32_t first = make_sequence(w, analysis);
    if (previous != kNone) {
      (*this)[previous].next_sibling = first;
    } else if (parent == kNone) {
      head = first;
    } else {
      (*this)[parent].first_child = first;
    }
    return true;
  }
}

}  // namespace checker::dpor

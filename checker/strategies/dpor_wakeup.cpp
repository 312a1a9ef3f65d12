#include "checker/strategies/dpor_wakeup.hpp"

namespace checker::dpor {

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

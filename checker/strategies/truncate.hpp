// Cutting a vector that only ever shrinks at the call site.
#pragma once

#include <cstddef>
#include <vector>

namespace checker {

// Drops the elements of `v` from `size` on (`size` is at most v.size()). Unlike
// resize(), it brings no code for growing into the caller, which the DPOR hot paths
// that only shrink their lists would pay for in size and saved registers.
template <class T>
void truncate(std::vector<T>& v, std::size_t size) {
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(size), v.end());
}

}  // namespace checker

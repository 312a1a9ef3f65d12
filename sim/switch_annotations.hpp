// Tells AddressSanitizer about every fiber switch. Debian's Boost 1.74 is built in
// its fcontext flavour, whose BOOST_USE_ASAN hooks do nothing, so the runtime
// announces each switch itself (it owns every stack, so it knows the bounds).
// Without a sanitizer build these compile to nothing.
#pragma once

#include <cstddef>

#if defined(INTERLEAVE_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace sim {

#if defined(INTERLEAVE_ASAN)
inline constexpr bool kAnnotatesSwitches = true;
#else
inline constexpr bool kAnnotatesSwitches = false;
#endif

struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

#if defined(INTERLEAVE_ASAN)
// Call just before switching to a stack; `fake_stack` is null when the current
// stack will never be resumed (its fiber is finishing).
inline void before_switch(void** fake_stack, StackBounds to) {
  __sanitizer_start_switch_fiber(fake_stack, to.bottom, to.size);
}
// Call first thing after a switch lands on the current stack; reports where we came from.
inline StackBounds after_switch(void* fake_stack) {
  StackBounds from;
  __sanitizer_finish_switch_fiber(fake_stack, &from.bottom, &from.size);
  return from;
}
#else
inline void before_switch(void**, StackBounds) {}
inline StackBounds after_switch(void*) { return {}; }
#endif

}  // namespace sim

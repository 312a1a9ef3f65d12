// The C++ runtime's per-OS-thread exception-handling state, saved and restored per
// fiber. The Itanium C++ ABI (used by libstdc++ and libc++abi) keeps it in
// __cxa_eh_globals: the stack of exceptions being handled (what `throw;` and
// std::current_exception() read, pushed by entering a catch block and popped by
// leaving it) and the count of exceptions thrown but not yet caught (what
// std::uncaught_exceptions() reads, non-zero during stack unwinding). Every modeled
// thread is a fiber on the same OS thread, so without this a thread that reaches a
// scheduling point inside a catch block (or in a destructor during unwinding) would
// share that state with the thread it switches to: a `throw;` there could rethrow the
// other thread's exception. Boost.Context 1.74 (Debian's) leaves it to the caller.
#pragma once

#include <cxxabi.h>

namespace sim {

// Mirrors the layout of __cxa_eh_globals (an opaque type in <cxxabi.h>; the fields
// are in the Itanium ABI document, section 2.2.2 "Caught Exception Stack").
struct ExceptionState {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
#if defined(__ARM_EABI_UNWINDER__)
  void* propagating_exceptions = nullptr;  // ARM EHABI has a third field
#endif
};

// The running OS thread's state (the address is fixed for the thread's lifetime).
inline ExceptionState* os_thread_exception_state() {
  return reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
}

}  // namespace sim

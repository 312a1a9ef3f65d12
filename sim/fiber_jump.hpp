// One fiber switch: Boost.Context's jump_fcontext, entered without a call instruction.
//
// Why. A switch leaves the processor's return-stack predictor out of step. The
// predictor pushes an entry at every `call` and pops one at every `ret`, but
// jump_fcontext is entered by a call and left by an indirect `jmp` to the resumed
// context's return address (Boost's x86-64 SysV assembly), so every switch leaves one
// entry behind, and each later `ret` of the resumed fiber is predicted from the entry
// above the right one: it mispredicts all the way up. Entering jump_fcontext with a
// plain `jmp`, after pushing the return address ourselves, pushes nothing onto the
// predictor; the resumed fiber then returns along the entries of the fiber that
// switched to it, which are right whenever both parked through the same calls (a
// modeled thread's scheduling points mostly are). On the 3x3 racy counter this is
// about 4% of the wall time (~19 switches per execution).
//
// What it relies on (Boost 1.74's jump_x86_64_sysv_elf_gas.S): jump_fcontext saves
// the callee-saved registers and the x87/SSE control words below the return address
// on the current stack, switches stacks, and resumes the other context by popping its
// return address and jumping there with the transfer_t in rax:rdx. Everything else is
// whatever the other fibers left, so the asm names every caller-saved register as
// clobbered, like a call would. The first 128 bytes below the stack pointer (the red
// zone, which the compiler may use in a function it sees as a leaf) are stepped over
// before the push. Other Boost versions (whose assembly may differ, e.g. with
// shadow-stack support), other targets and other compilers make the ordinary call.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <boost/version.hpp>

namespace sim {

// Resumes `to`, passing `data`; returns the context that later resumes this one.
[[gnu::always_inline]] inline boost::context::detail::fcontext_t jump_to(boost::context::detail::fcontext_t to,
                                                                         void* data) {
#if BOOST_VERSION == 107400 && defined(__x86_64__) && defined(__GNUC__) && !defined(_WIN32)
  boost::context::detail::fcontext_t from;
  void* data_back;  // (rdx: the data the resumer passed, unused here)
  asm volatile(
      "lea -128(%%rsp), %%rsp\n\t"
      "lea 1f(%%rip), %%rax\n\t"
      "push %%rax\n\t"
      "jmp jump_fcontext@PLT\n"
      "1:\n\t"
      "lea 128(%%rsp), %%rsp"
      : "=a"(from), "=d"(data_back), "+D"(to), "+S"(data)
      :
      : "rcx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
        "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)",
        "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  return from;
#else
  return boost::context::detail::jump_fcontext(to, data).fctx;
#endif
}

}  // namespace sim

# Compiler flags shared by every interleave target.
#
# interleave_apply_flags(<target>) applies the same warnings and (with
# INTERLEAVE_SANITIZE=ON) the same sanitizer compile and link flags to any
# target, so libraries, the CLI, the tests and the benches are always built alike.

include_guard(GLOBAL)

option(INTERLEAVE_SANITIZE
  "Build every target with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

set(INTERLEAVE_WARNING_FLAGS -Wall -Wextra)
# GCC 12 at -O3 (our RelWithDebInfo and Release builds) reports -Wrestrict "may overlap"
# false positives inside std::string's inlined copies for `"text" + std::string` (seen
# by many projects: googletest#4108, dyninst#1422). Only GCC 12 is told to keep quiet.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND INTERLEAVE_WARNING_FLAGS -Wno-restrict)
endif()
set(INTERLEAVE_SANITIZER_FLAGS
  -fsanitize=address,undefined
  -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer)

function(interleave_apply_flags target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    set(scope INTERFACE)
  else()
    set(scope PRIVATE)
  endif()
  target_compile_options(${target} ${scope} ${INTERLEAVE_WARNING_FLAGS})
  if(INTERLEAVE_SANITIZE)
    target_compile_options(${target} ${scope} ${INTERLEAVE_SANITIZER_FLAGS})
    target_link_options(${target} ${scope} ${INTERLEAVE_SANITIZER_FLAGS})
    # The runtime annotates fiber switches (__sanitizer_start_switch_fiber)
    # when this is set; PUBLIC so headers see the same value everywhere.
    if(scope STREQUAL "PRIVATE")
      target_compile_definitions(${target} PUBLIC INTERLEAVE_ASAN=1)
    else()
      target_compile_definitions(${target} INTERFACE INTERLEAVE_ASAN=1)
    endif()
  endif()
endfunction()

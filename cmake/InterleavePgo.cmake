# Profile-guided optimization of the libraries (GCC, optimized unsanitized builds).
#
# The runtime and DPOR are branchy code whose hot paths the compiler cannot guess:
# with a profile, bench_dpor's 3x3 racy counter runs 6% fewer instructions and takes
# 11 to 18% less wall time (bench/README.md). So the build does what CPython's
# --enable-optimizations does, inside one `cmake --build`:
#
#   1. an instrumented copy of the libraries is built in <build>/pgo/build (a nested
#      configure of this source tree with INTERLEAVE_PGO_TRAINING=ON) and linked into
#      the training program, bench/pgo/training.cpp;
#   2. the training program runs and leaves its profile in <build>/pgo/profile;
#   3. the libraries of this build are compiled with that profile.
#
# Both builds strip their own build directory from the profile files' names
# (-fprofile-prefix-path), so an object of one finds the profile of the same object of
# the other. The training build is incremental; an object compiled with an older
# profile stays valid (a profile only steers optimization), and a changed source is
# compiled after the training has run again on the new code. Code the training never
# ran is optimized for size, as cold. (-fprofile-partial-training would optimize it
# as without a profile, but GCC 12 then warns of "missing counts" at calls of
# never-run functions.) Off with -DINTERLEAVE_PGO=OFF (quicker rebuilds while changing
# code); always off with other compilers, with sanitizers and in unoptimized builds.

include_guard(GLOBAL)

option(INTERLEAVE_PGO "Optimize the libraries with the profile of a training run (GCC, optimized builds)" ON)
# Set only in the nested training build: instrument instead of using a profile.
option(INTERLEAVE_PGO_TRAINING "internal: this is the instrumented build of the PGO training run" OFF)
mark_as_advanced(INTERLEAVE_PGO_TRAINING)
set(INTERLEAVE_PGO_PROFILE_DIR "${CMAKE_BINARY_DIR}/pgo/profile" CACHE PATH
  "internal: where the training run leaves its profile")
mark_as_advanced(INTERLEAVE_PGO_PROFILE_DIR)

set(interleave_pgo_active OFF)
if(INTERLEAVE_PGO AND NOT INTERLEAVE_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
   AND CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo)$")
  set(interleave_pgo_active ON)
endif()

# interleave_pgo_apply(<library>): instruments the library (training build) or compiles
# it with the profile (this build), after the training run.
function(interleave_pgo_apply target)
  if(NOT interleave_pgo_active)
    return()
  endif()
  target_compile_options(${target} PRIVATE "-fprofile-prefix-path=${CMAKE_BINARY_DIR}")
  if(INTERLEAVE_PGO_TRAINING)
    # One thread runs the training: no atomic counter updates needed.
    target_compile_options(${target} PRIVATE
      "-fprofile-generate=${INTERLEAVE_PGO_PROFILE_DIR}" -fprofile-update=single)
    target_link_options(${target} INTERFACE -fprofile-generate)
  else()
    # Objects the training program never linked have no profile at all.
    target_compile_options(${target} PRIVATE "-fprofile-use=${INTERLEAVE_PGO_PROFILE_DIR}" -Wno-missing-profile)
    add_dependencies(${target} interleave_pgo_profile)
  endif()
endfunction()

if(interleave_pgo_active AND NOT INTERLEAVE_PGO_TRAINING)
  include(ExternalProject)
  set(training_dir "${CMAKE_BINARY_DIR}/pgo/build")
  set(training_program "${training_dir}/pgo_training")
  # Under make, the nested build joins the outer one's jobs (-jN) through $(MAKE).
  if(CMAKE_GENERATOR MATCHES "Makefiles")
    set(training_build_command "$(MAKE)" pgo_training)
  else()
    set(training_build_command "${CMAKE_COMMAND}" --build "${training_dir}" --target pgo_training)
  endif()
  ExternalProject_Add(interleave_pgo_training_build
    SOURCE_DIR "${PROJECT_SOURCE_DIR}"
    BINARY_DIR "${training_dir}"
    CMAKE_ARGS
      # The same compiler and flags: an object's profile only fits the same code.
      "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}"
      "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DCMAKE_CXX_FLAGS=${CMAKE_CXX_FLAGS}"
      -DINTERLEAVE_PGO_TRAINING=ON
      "-DINTERLEAVE_PGO_PROFILE_DIR=${INTERLEAVE_PGO_PROFILE_DIR}"
      -DINTERLEAVE_BUILD_BENCH=OFF
    BUILD_COMMAND ${training_build_command}
    BUILD_BYPRODUCTS "${training_program}"
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON)  # its own build decides what is out of date
  # A new training program means new code: the old profile goes, so no counts of
  # earlier code are merged into the new ones.
  add_custom_command(
    OUTPUT "${CMAKE_BINARY_DIR}/pgo/profile.stamp"
    COMMAND "${CMAKE_COMMAND}" -E rm -rf "${INTERLEAVE_PGO_PROFILE_DIR}"
    COMMAND "${training_program}"
    COMMAND "${CMAKE_COMMAND}" -E touch "${CMAKE_BINARY_DIR}/pgo/profile.stamp"
    DEPENDS interleave_pgo_training_build "${training_program}"
    COMMENT "Running the PGO training program"
    VERBATIM)
  add_custom_target(interleave_pgo_profile DEPENDS "${CMAKE_BINARY_DIR}/pgo/profile.stamp")
endif()

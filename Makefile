# The two commands a newcomer runs:  make run   and   make test
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory

BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
JOBS           ?= 2
CMAKE_ARGS     ?=

export ASAN_OPTIONS  ?= detect_leaks=1:detect_stack_use_after_return=0:exitcode=66
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1:exitcode=66

# GCC 12's ASan cannot map its shadow memory with high-entropy ASLR
# (vm.mmap_rnd_bits > 28 on recent kernels): run sanitized tests without ASLR there.
ASLR_BITS := $(shell cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
NO_ASLR   := $(shell [ "$(ASLR_BITS)" -gt 28 ] 2>/dev/null && echo "setarch $$(uname -m) -R")

.PHONY: all setup configure build run test asan-configure asan-build asan-test bench clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD_DIR) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Exit code 1 from `interleave check` means "bug found": the expected answer here.
run: configure
	cmake --build $(BUILD_DIR) --target interleave -j$(JOBS)
	@rc=0; ./$(BUILD_DIR)/interleave check philosophers || rc=$$?; \
	if [ $$rc -gt 1 ]; then echo "interleave failed with exit code $$rc" >&2; exit $$rc; fi

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

asan-configure: setup
	cmake -S . -B $(ASAN_BUILD_DIR) -DINTERLEAVE_SANITIZE=ON -DINTERLEAVE_BUILD_BENCH=OFF $(CMAKE_ARGS)

asan-build: asan-configure
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)

asan-test: asan-build
	$(NO_ASLR) ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure

bench: configure
	cmake --build $(BUILD_DIR) --target run_benchmarks -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR)

# AddressSanitizer + UndefinedBehaviorSanitizer (docs/testing.md, "Sanitizers").
#
#   make check-asan   libnerv, the nerv CLI and the test suites built by gcc with
#                     -fsanitize=address,undefined in $(ASAN_BUILD_DIR) (the normal build is left
#                     alone), then the unit and API suites run under the sanitizers: every seed and
#                     crash input of the fuzz targets, every hostile-stream test, the CLI tests
#                     (the CLI is instrumented too); then every nerv FATE test (encodes, corrupt,
#                     truncated, damaged and future-version streams) with the patched ffmpeg,
#                     ffprobe and ffplay running on the instrumented libnerv. Any report fails.
#
# LibTorch itself is not instrumented (its build does not support sanitizers); ASan still checks
# every access libnerv makes into memory LibTorch allocated.

ASAN_BUILD_DIR ?= build-asan
ASAN_CMAKE_DIR := $(ASAN_BUILD_DIR)/cmake
# LibTorch keeps allocations for the life of the process (registries, thread pools) that
# LeakSanitizer would report at every exit: the suppressions name LibTorch's libraries only.
NERV_LSAN_OPTIONS := suppressions=$(abspath tests/sanitizers/lsan.supp):print_suppressions=0
NERV_ASAN_OPTIONS := detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:abort_on_error=1
NERV_UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

.PHONY: check-asan asan-build

asan-build:
	@cmake -S model -B $(ASAN_CMAKE_DIR) -G Ninja -DTorch_DIR="$(TORCH_DIR)" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DNERV_ASAN=ON -DNERV_OUTPUT_DIR="$(abspath $(ASAN_BUILD_DIR))" >/dev/null
	cmake --build $(ASAN_CMAKE_DIR) -j $(JOBS)

check-asan: asan-build ffmpeg
	cd $(ASAN_CMAKE_DIR) && ASAN_OPTIONS=$(NERV_ASAN_OPTIONS) LSAN_OPTIONS=$(NERV_LSAN_OPTIONS) \
	    UBSAN_OPTIONS=$(NERV_UBSAN_OPTIONS) ctest --output-on-failure $(CTEST_ARGS)
	ASAN_OPTIONS=$(NERV_ASAN_OPTIONS) LSAN_OPTIONS=$(NERV_LSAN_OPTIONS) UBSAN_OPTIONS=$(NERV_UBSAN_OPTIONS) \
	    scripts/ffmpeg/fate.sh --asan="$(ASAN_BUILD_DIR)/lib" "$(FFMPEG_TREE)" "$(ASAN_BUILD_DIR)/bin/nerv"

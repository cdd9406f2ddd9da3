# Fuzzing (docs/testing.md, "Fuzzing"): libFuzzer targets built with clang in $(BUILD_DIR)/fuzz.
#
#   make fuzz [FUZZ_SECONDS=N]   every target for N seconds (default 300); new inputs are kept
#                                in $(BUILD_DIR)/fuzz/work/<target>, crashes in .../work/crashes
#   make fuzz-check              a fixed budget of FUZZ_CHECK_SECONDS (30) per target from the
#                                committed corpus only; part of `make check`
#   make fuzz-corpus             regenerate fuzz/corpus/ (tiny encodes with build/bin/nerv)
#
# fuzz_demuxer (the FFmpeg .nerv demuxer) is built when `make ffmpeg` has built the patched tree
# in $(BUILD_DIR)/ffmpeg-src; otherwise fuzz-build says it skipped it and run.sh leaves it out.

FUZZ_BUILD_DIR := $(BUILD_DIR)/fuzz
FUZZ_CXX ?= clang++-14
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 300
FUZZ_CHECK_SECONDS ?= 30
CHECK_EXTRA += fuzz-check

.PHONY: fuzz fuzz-build fuzz-check fuzz-corpus

# fuzz_decoder links the LibTorch half of libnerv from the main build's static core.
fuzz-build: build
	@mkdir -p $(FUZZ_BUILD_DIR)
	@cmake -S fuzz -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) -DCMAKE_C_COMPILER=$(FUZZ_CC) \
	    -DCMAKE_BUILD_TYPE= -DTorch_DIR="$(TORCH_DIR)" \
	    -DNERV_CORE_ARCHIVE="$(abspath $(CMAKE_DIR))/archive/libnerv_core.a" \
	    -DNERV_LIB_DIR="$(abspath $(BUILD_DIR))/lib" -DFFMPEG_TREE="$(abspath $(BUILD_DIR))/ffmpeg-src" \
	    >$(FUZZ_BUILD_DIR)/configure.log 2>&1 || { cat $(FUZZ_BUILD_DIR)/configure.log; exit 1; }
	@grep -h 'fuzz_demuxer skipped' $(FUZZ_BUILD_DIR)/configure.log || true
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_BUILD_DIR)/work

# A fresh work directory: the check measures the committed corpus, not earlier runs' finds.
fuzz-check: fuzz-build
	@rm -rf $(FUZZ_BUILD_DIR)/check
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_CHECK_SECONDS) $(FUZZ_BUILD_DIR)/check

fuzz-corpus: fuzz-build
	fuzz/make_corpus.sh $(BUILD_DIR)

# nerv-ffmpeg top-level build.
#
#   make            build libnerv (build/lib/libnerv.so, libnerv.pc) and the nerv CLI (build/bin/nerv)
#   make check      install dependencies, build, run every test
#   make demo       install dependencies, build, encode + decode the demo clip, compare with x264/x265
#   make install    install library, header, pkg-config file and CLI under PREFIX
#
# ./configure writes config.mk (run automatically with defaults when missing).

BUILD_DIR ?= build
-include config.mk
BUILD_DIR := $(if $(BUILD_DIR),$(BUILD_DIR),build)
CMAKE_DIR := $(BUILD_DIR)/cmake
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
# Further test targets `make check` runs after the GoogleTest suites (mk/*.mk append to it).
CHECK_EXTRA :=
# A plain `make` builds; without this the first target of an included mk/*.mk would run.
.DEFAULT_GOAL := all

-include mk/*.mk

.PHONY: all build deps check check-unit check-libtorch2 demo install clean distclean help

all: build

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

# No rule makes config.mk itself: make would run it before `deps` could install LibTorch.
build:
	@test -f config.mk || ./configure
	@$(MAKE) --no-print-directory -f Makefile cmake-build

# CMake is (re)configured only when config.mk or a CMakeLists changes.
$(CMAKE_DIR)/build.ninja: config.mk model/CMakeLists.txt tests/CMakeLists.txt
	cmake -S model -B $(CMAKE_DIR) -G Ninja \
	    -DTorch_DIR="$(TORCH_DIR)" \
	    -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	    -DNERV_ASAN=$(if $(filter 1,$(ASAN)),ON,OFF) \
	    -DNERV_OUTPUT_DIR="$(abspath $(BUILD_DIR))" \
	    -DCMAKE_INSTALL_PREFIX="$(PREFIX)" \
	    $(if $(CUDA_ROOT),-DCUDAToolkit_ROOT="$(CUDA_ROOT)" -DCUDA_TOOLKIT_ROOT_DIR="$(CUDA_ROOT)")
	@touch $@

.PHONY: cmake-build
cmake-build: $(CMAKE_DIR)/build.ninja
	cmake --build $(CMAKE_DIR) -j $(JOBS)

check: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory check-unit $(CHECK_EXTRA)

check-unit:
	cd $(CMAKE_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: deps
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh "$(BUILD_DIR)"

install: build
	cmake --install $(CMAKE_DIR)

clean:
	rm -rf $(BUILD_DIR)

distclean: clean
	rm -f config.mk

# Compile-check the LibTorch code against LibTorch 2.x headers (Debian trixie's), syntax only.
check-libtorch2:
	@scripts/check-libtorch2.sh

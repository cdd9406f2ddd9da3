#!/usr/bin/env bash
# Builds libnerv, the CLI and the test suites against the LibTorch inside PyTorch's PyPI wheel (torch
# 2.11.0, its CUDA 13 build: the GPU machine's torch), the second LibTorch line beside Debian's 1.13
# (docs/benchmarks.md, "LibTorch 1.13 (Debian) against 2.11"). Nothing is installed system-wide: the
# wheels (~0.76 GB) are downloaded into build/gpu/wheels and unpacked into build/gpu/site; the build is
# build/gpu/cmake with its programs in build/gpu/out/bin. The CUDA 13 toolkit must be installed (it is
# on this project's machines: compile and link only; no GPU is needed to build or to run on the CPU).
#
#   scripts/build-torch-wheel.sh [TARGET...]     default: everything (make check-torch-wheel runs its suites)
#
# GPU_TORCH_SITE=DIR uses an unpacked site-packages folder holding torch/ (and nvidia/) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TORCH_VERSION=${GPU_TORCH_VERSION:-2.11.0}
WORK=$ROOT/build/gpu
mkdir -p "$WORK"

site=${GPU_TORCH_SITE:-}
if [ -z "$site" ]; then
    site=$WORK/site
    if [ ! -f "$site/torch/share/cmake/Torch/TorchConfig.cmake" ]; then
        # libtorch_cuda.so needs these three at link time (its RPATH finds them beside it); the CUDA
        # libraries themselves come from the installed toolkit.
        python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 --implementation cp \
            --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux2014_x86_64 \
            -d "$WORK/wheels" "torch==$TORCH_VERSION" nvidia-cusparselt-cu13==0.8.0 nvidia-nvshmem-cu13==3.4.5 \
            nvidia-cufile==1.20.0.107
        rm -rf "$site.tmp" && mkdir -p "$site.tmp"
        for w in "$WORK"/wheels/*.whl; do python3 -m zipfile -e "$w" "$site.tmp"; done
        mv "$site.tmp" "$site"
    fi
fi
torch_cmake=$site/torch/share/cmake/Torch
[ -f "$torch_cmake/TorchConfig.cmake" ] || { echo "build-torch-wheel: no LibTorch under $site/torch" >&2; exit 1; }
version=$(sed -n "s/^__version__ = '\(.*\)'/\1/p" "$site/torch/version.py")
echo "build-torch-wheel: LibTorch $version at $site/torch"
mkdir -p "$WORK/out" && echo "$version" >"$WORK/out/torch-version"

cuda=${CUDA_ROOT:-/usr/local/cuda}
[ -d "$cuda" ] || cuda=
cmake -S model -B "$WORK/cmake" -G Ninja -DTorch_DIR="$torch_cmake" -DCMAKE_BUILD_TYPE=Release -DNERV_TESTS=ON \
    -DNERV_OUTPUT_DIR="$WORK/out" ${cuda:+-DCUDAToolkit_ROOT="$cuda"} >"$WORK/cmake.log" ||
    { tail -n 30 "$WORK/cmake.log" >&2; exit 1; }
cmake --build "$WORK/cmake" -j "$(nproc)" ${1:+--target "$@"}

#!/usr/bin/env bash
# Install what building and testing nerv-ffmpeg needs on Debian 12 / Ubuntu (apt).
# Idempotent: installs only packages that are missing, so a second run is instant.
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --bench    those plus what `make bench-rd` / `make bench-speed` need
#   scripts/install-deps.sh --print    only print the apt-get command that would run
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config   # toolchain
    libtorch-dev                                   # LibTorch (CPU) for libnerv
    libopenblas0-openmp                            # fast BLAS for it (else netlib: ~10x slower matmul)
    libgtest-dev                                   # GoogleTest
    ffmpeg                                         # test-data decoding, comparisons
    nasm libsdl2-dev                               # patched FFmpeg build: x86 asm, ffplay
    xz-utils dpkg-dev ca-certificates              # FFmpeg source tarball fetch + unpack
    python3                                        # small build helpers
    clang-14 libclang-rt-14-dev                    # libFuzzer targets (make fuzz, the fuzz pass of make check)
    slurmctld slurmd slurm-client munge            # the throwaway Slurm cluster of make check-slurm
)

# Benchmarks only (bench/, mk/bench.mk): never installed by `make check` or `make demo`.
BENCH_PACKAGES=(
    gnuplot-nox                                    # RD plots (PNG)
    python3-numpy                                  # MS-SSIM (bench/msssim.py)
    python3-torch                                  # the authors' reference code for bench-speed
)

PRINT=0
for arg in "$@"; do
    case "$arg" in
        --print) PRINT=1 ;;
        --bench) PACKAGES+=("${BENCH_PACKAGES[@]}") ;;
        *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$PRINT" = 1 ]; then
    echo "sudo ${cmd[*]}"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: need root to install: ${missing[*]}" >&2
        echo "  run as root: ${cmd[*]}" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh package lists only when an install from the current lists fails.
if ! $SUDO "${cmd[@]}"; then
    $SUDO apt-get update
    $SUDO "${cmd[@]}"
fi

# Shared by the downstream-task benchmarks (bench/interp.sh, denoise.sh, inpaint.sh, sr.sh):
# source it after `set -euo pipefail`. Defines ROOT, FF (the patched ffmpeg with nerv), lock,
# FFQ / q (a quiet ffmpeg) and rgb_psnr.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FF=$ROOT/build/ffmpeg/ffmpeg
# BENCH_LOCK=FILE: hold that flock around a CPU-heavy step (for shared machines)
lock() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
FFQ=("$FF" -hide_banner -nostdin -loglevel error -y)
q() { "${FFQ[@]}" "$@"; }

# rgb_psnr FILE REF [FILTERS]: the average RGB PSNR (dB) of FILE against REF, as FFmpeg's psnr
# filter prints it; FILTERS (e.g. select=..., crop=...) run on both after the RGB conversion.
rgb_psnr() {
    local post=${3:+,$3}
    "$FF" -hide_banner -nostdin -i "$1" -i "$2" -lavfi "[0]format=rgb24$post[a];[1]format=rgb24$post[b];[a][b]psnr" \
        -f null - 2>&1 | sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}

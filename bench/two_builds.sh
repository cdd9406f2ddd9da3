#!/usr/bin/env bash
# Two builds of nerv side by side (docs/benchmarks.md, "LibTorch 1.13 (Debian) against 2.11"):
# the same commands, interleaved A B A B, on the bunny crop and the carphone fixture.
#
#   bench/two_builds.sh NERV_A NERV_B [BUNNY_MP4]     e.g. build/bin/nerv build/gpu/out/bin/nerv
#
# Prints one line per step and run. TWO_BUILDS_THREADS (default 2), TWO_BUILDS_EPOCHS (default 2).
# Run it on a quiet machine; BENCH_LOCK=FILE holds that flock around each step.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 NERV_A NERV_B [BUNNY_MP4]" >&2; exit 2; }
a=$(realpath "$1") b=$(realpath "$2")
bunny=${3:-$(dirname "$0")/../../shared/data/clips/bunny_1280x720_132f.mp4}
fixture=$(realpath "$(dirname "$0")/../tests/fixtures/carphone_176x144_16f.y4m")
T=${TWO_BUILDS_THREADS:-2}
EP=${TWO_BUILDS_EPOCHS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
locked() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }

ffmpeg -nostdin -loglevel error -y -i "$bunny" -frames:v 4 -vf crop=1280:640 -pix_fmt yuv420p -f yuv4mpegpipe "$work/b640.y4m"
ffmpeg -nostdin -loglevel error -y -i "$bunny" -frames:v 4 -pix_fmt yuv420p -f yuv4mpegpipe "$work/b720.y4m"

wall() {  # prints "WALL_S | last progress line" of an encode
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$(locked "$@" 2>&1) || { echo "$out" | tail -5 >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$(awk -v x="$t0" -v y="$t1" 'BEGIN { printf "%.1f", y - x }') s | $(echo "$out" | grep 'train epoch' | tail -n1)"
}
fps() { locked "$@" 2>&1 | grep -o 'decode_fps=[0-9.]*\|psnr_rgb=[0-9.]*' | tr '\n' ' '; }

for rep in 1 2; do
    for side in A B; do
        n=$a; [ $side = B ] && n=$b
        echo "run $rep $side hnerv 1.5M 1280x640 4 frames $EP epochs: $(wall "$n" encode "$work/b640.y4m" -o "$work/h.nerv" \
            --arch hnerv --size 1.5M --epochs "$EP" --threads "$T" --checkpoint '' --params fc_dim=68:strides=5,4,4,2,2)"
        echo "run $rep $side carphone hnerv 20k 30 epochs: $(wall "$n" encode "$fixture" -o "$work/c.nerv" --arch hnerv \
            --size 20k --epochs 30 --segment_frames 8 --threads "$T" --checkpoint '')"
        [ -f "$work/d$side.nerv" ] || locked "$n" encode "$work/b720.y4m" -o "$work/d$side.nerv" --arch hnerv --size 1.5M \
            --epochs 1 -q --threads "$T" --checkpoint '' >/dev/null 2>&1
        echo "run $rep $side decode 1280x720 own stream: $(fps "$n" eval "$work/d$side.nerv" "$work/b720.y4m" --threads "$T")"
    done
done
for side in A B; do
    n=$a; [ $side = B ] && n=$b
    echo "$side decodes A's stream: $(fps "$n" eval "$work/dA.nerv" "$work/b720.y4m" --threads "$T")"
done

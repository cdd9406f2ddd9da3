#!/usr/bin/env bash
# Segments as the unit of scale (docs/benchmarks.md, "Scale"): measured, not asserted.
#
#   bench/scale.sh NERV_CLI FFMPEG_DIR OUT_DIR [CLIP]
#
# 1. Memory that does not grow with length: peak RSS of `nerv encode` on N and 4N frames with
#    the same segment length, and of `nerv decode`, ffmpeg's decoder and ffplay (no screen) on
#    both streams.
# 2. Jobs and threads: wall time of 1 worker x 2 threads, 2 workers x 1 thread and 1 worker x
#    1 thread on the same frames (small models), and whether the bytes match.
# Writes OUT_DIR/scale.md. SCALE_FRAMES (N, default 24), SCALE_SEGMENT (default 6),
# SCALE_SIZE (default 20k), SCALE_EPOCHS (default 20). BENCH_LOCK=FILE holds a lock around
# the timed runs.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 NERV_CLI FFMPEG_DIR OUT_DIR [CLIP]" >&2; exit 2; }
nerv=$(realpath "$1")
ffdir=$2
out=$3
clip=${4:-}
N=${SCALE_FRAMES:-24}
SEG=${SCALE_SEGMENT:-6}
SIZE=${SCALE_SIZE:-20k}
EPOCHS=${SCALE_EPOCHS:-20}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

locked() {
    if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi
}

# Peak resident set of a command in MiB (GNU time's %M is KiB); its output goes to $work/log.
peak_mib() {
    locked /usr/bin/time -f '%M %e' -o "$work/time" "$@" >"$work/log" 2>&1 || {
        echo "scale: failed: $*" >&2
        tail -5 "$work/log" >&2
        exit 1
    }
    awk '{ printf "%.0f", $1 / 1024 }' "$work/time"
}
seconds() { awk '{ print $2 }' "$work/time"; }

# The input: 4N frames of a real clip when given, else nerv's synthetic scene.
if [ -n "$clip" ] && [ -f "$clip" ]; then
    ffmpeg -v error -i "$clip" -frames:v $((4 * N)) -pix_fmt yuv420p -f yuv4mpegpipe -y "$work/long.y4m"
    source_name=$(basename "$clip")
else
    "$nerv" synth -o "$work/long.y4m" --frames $((4 * N))
    source_name="nerv synth"
fi
head_frames() {  # the first $1 frames of long.y4m
    ffmpeg -v error -i "$work/long.y4m" -frames:v "$1" -f yuv4mpegpipe -y "$2"
}
head_frames "$N" "$work/short.y4m"

common=(--arch hnerv --size "$SIZE" --epochs "$EPOCHS" --segment_frames "$SEG" --checkpoint '' -q)
{
    echo "# Scale: memory over length, jobs x threads"
    echo
    echo "$(date -u +%F), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "input: $source_name, HNeRV $SIZE, $EPOCHS epochs, segments of $SEG frames."
    echo
    echo "## Peak memory (RSS, MiB) over length"
    echo
    echo "| step | $N frames | $((4 * N)) frames | growth |"
    echo "|---|---:|---:|---:|"
} >"$out/scale.md"

row() {  # name, short MiB, long MiB
    awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "| %s | %d | %d | %+.1f%% |\n", n, a, b, 100 * (b - a) / a }' \
        >>"$out/scale.md"
}

enc_short=$(peak_mib "$nerv" encode "$work/short.y4m" -o "$work/short.nerv" "${common[@]}" --threads 2)
enc_long=$(peak_mib "$nerv" encode "$work/long.y4m" -o "$work/long.nerv" "${common[@]}" --threads 2)
row "nerv encode" "$enc_short" "$enc_long"
row "nerv decode" "$(peak_mib "$nerv" decode "$work/short.nerv" -o "$work/d.y4m")" \
    "$(peak_mib "$nerv" decode "$work/long.nerv" -o "$work/d.y4m")"
if [ -x "$ffdir/ffmpeg" ]; then
    row "ffmpeg -i X.nerv -f null -" "$(peak_mib "$ffdir/ffmpeg" -v error -i "$work/short.nerv" -f null -)" \
        "$(peak_mib "$ffdir/ffmpeg" -v error -i "$work/long.nerv" -f null -)"
fi
if [ -x "$ffdir/ffplay" ]; then
    # SDL's dummy video driver: ffplay renders every frame in real time to no screen (-nodisp
    # would skip the video filter graph, which ffplay then cannot configure).
    export SDL_AUDIODRIVER=dummy SDL_VIDEODRIVER=dummy
    row "ffplay -autoexit (SDL dummy video)" "$(peak_mib "$ffdir/ffplay" -v error -autoexit "$work/short.nerv")" \
        "$(peak_mib "$ffdir/ffplay" -v error -autoexit "$work/long.nerv")"
fi

{
    echo
    echo "## Jobs x threads ($((4 * N)) frames, $((4 * N / SEG)) segments)"
    echo
    echo "| workers x threads | wall s | peak MiB | bytes equal to 1 x 1 |"
    echo "|---|---:|---:|---|"
} >>"$out/scale.md"
for spec in "1 1" "1 2" "2 1"; do
    set -- $spec
    mib=$(peak_mib "$nerv" encode "$work/long.y4m" -o "$work/j$1t$2.nerv" "${common[@]}" --jobs "$1" --threads "$2")
    same=$(cmp -s "$work/j1t1.nerv" "$work/j$1t$2.nerv" && echo yes || echo "no (other thread count)")
    echo "| $1 x $2 | $(seconds) | $mib | $same |" >>"$out/scale.md"
done
cat "$out/scale.md"

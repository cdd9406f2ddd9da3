#!/usr/bin/env bash
# Frame interpolation, the papers' protocol: train on the odd-numbered frames (1st, 3rd, ...),
# measure RGB PSNR on the held-out even-numbered ones; FFmpeg's minterpolate and framerate
# compute the same held-out frames from the kept frames.
#
#   bench/interp.sh [CLIP] [FRAMES] [EPOCHS]      (defaults: carphone_qcif.mp4, 32, 100)
#
# Uses build/ffmpeg/ffmpeg; BENCH_LOCK=FILE holds that flock around each CPU-heavy step.
# Output: build/bench/interp/ (the files) and a Markdown table on stdout, also kept in
# build/bench/interp/table.md (bench/make_doc.py puts it in docs/benchmarks.md). The held-out frames
# measured are the 2nd, 4th, ... up to the last one with a kept frame after it (0-based 1, 3,
# ..., FRAMES-3): the last held-out frame has no later frame to interpolate towards.
set -euo pipefail
. "$(dirname "$0")/task_lib.sh"
CLIP=${1:-$ROOT/../shared/data/clips/carphone_qcif.mp4}
FRAMES=${2:-32}
EPOCHS=${3:-100}
OUT=$ROOT/build/bench/interp
mkdir -p "$OUT"

# source: the first FRAMES frames; kept: the odd-numbered ones at half the rate
q -i "$CLIP" -frames:v "$FRAMES" -pix_fmt yuv420p "$OUT/src.y4m"
RATE=$("${FF%ffmpeg}ffprobe" -v error -select_streams v -show_entries stream=r_frame_rate -of csv=p=0 "$OUT/src.y4m")
q -i "$OUT/src.y4m" -vf "select='not(mod(n\,2))',setpts=N/(($RATE)/2)/TB" -r "($RATE)/2" "$OUT/kept.y4m"

# held-out RGB PSNR of FILE against the source: frames 1, 3, ..., FRAMES-3
held_out_psnr() {
    rgb_psnr "$1" "$OUT/src.y4m" "select='mod(n\,2)*lt(n\,$((FRAMES - 2)))',setpts=N/TB"
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" | tee -a "$OUT/table.md"; }
printf '| method | held-out RGB PSNR (dB) | time |\n|---|---|---|\n' | tee "$OUT/table.md"
for arch in nerv hnerv; do
    case $arch in
    nerv)  opts="-size 100k -nerv-params lower_width=16" ;;
    hnerv) opts="-size 100k" ;;
    esac
    t0=$(date +%s)
    lock "${FFQ[@]}" -i "$OUT/src.y4m" -c:v nerv_enc -device cpu -seed 1 \
        -arch $arch $opts -epochs "$EPOCHS" -train_frames odd "$OUT/$arch-odd.nerv"
    t1=$(date +%s)
    lock "${FFQ[@]}" -i "$OUT/$arch-odd.nerv" "$OUT/$arch-odd.y4m"
    row "$arch, trained on the odd frames, $EPOCHS epochs" "$(held_out_psnr "$OUT/$arch-odd.y4m")" "encode $((t1 - t0)) s"
done
t0=$(date +%s)
lock "${FFQ[@]}" -i "$OUT/kept.y4m" -vf "minterpolate=fps=$RATE:mi_mode=mci" "$OUT/minterpolate.y4m"
row "minterpolate (mi_mode=mci)" "$(held_out_psnr "$OUT/minterpolate.y4m")" "$(($(date +%s) - t0)) s"
t0=$(date +%s)
lock "${FFQ[@]}" -i "$OUT/kept.y4m" -vf "framerate=fps=$RATE" "$OUT/framerate.y4m"
row "framerate (blend)" "$(held_out_psnr "$OUT/framerate.y4m")" "$(($(date +%s) - t0)) s"

#!/usr/bin/env bash
# x4 super-resolution, the PNeRV paper's protocol (Sec. 4.2.2, A.9): fit the network to the
# low-resolution video only (the high-resolution frames downscaled x4, bicubic), decode it at
# the high resolution (-nerv_size), measure RGB PSNR against the original high-resolution frames.
# Baselines from the same low-resolution frames: bicubic and lanczos upscaling, and the network's
# own low-resolution render upscaled bicubically (what rendering at the high size adds to that).
#
#   bench/sr.sh [CLIP] [FRAMES] [EPOCHS] [CROP]
#       defaults: bunny_1280x720_132f.mp4 (the paper's Bunny), 8, 300 (the paper's), and the crop: 640x360 (the
#       centre) for the default clip, the whole picture for a clip given (make bench-tasks passes
#       CLIP FRAMES EPOCHS); width and height must be multiples of 4
#   SR_SIZE (default: none), SR_PARAMS (default: a small model, 102,851 parameters), SR_LR (default
#   0.003): the pnerv-poly -size, -nerv-params and -lr (a small model for a CPU budget)
#
# Uses build/ffmpeg/ffmpeg; BENCH_LOCK=FILE holds that flock around each CPU-heavy step.
# Output: build/bench/sr/ (the files) and a Markdown table on stdout, also kept in
# build/bench/sr/table.md (bench/make_doc.py puts it in docs/benchmarks.md).
set -euo pipefail
. "$(dirname "$0")/task_lib.sh"
CLIP=${1:-$ROOT/../shared/data/clips/bunny_1280x720_132f.mp4}
FRAMES=${2:-8}
EPOCHS=${3:-300}
CROP=${4-$([ $# -ge 1 ] || echo 640x360)}
SIZE=${SR_SIZE:-}
PARAMS=${SR_PARAMS-fine=2,2:channels=32,24,32,16,16,16:narrow=8:u_hidden=8:rank=32:ppe_dim=16:nonlocal_dim=8:pe_t=1.25_8:pe_fine=1.25_4}
LR=${SR_LR:-0.003}
OUT=$ROOT/build/bench/sr
mkdir -p "$OUT"
# run a command under the lock, its seconds (the time waiting for the lock left out) into $OUT/FILE
timed() { local file=$1; shift; lock bash -c 's=$(date +%s); "$@" && echo $(($(date +%s) - s)) > "$0"' "$OUT/$file" "$@"; }

# high resolution: the first FRAMES frames (centre crop); low resolution: x4 smaller, bicubic
crop_filter=null
[ -z "$CROP" ] || crop_filter="crop=${CROP%x*}:${CROP#*x}"
q -i "$CLIP" -frames:v "$FRAMES" -vf "$crop_filter" -pix_fmt yuv420p "$OUT/hr.y4m"
IFS=, read -r W H < <("${FF%ffmpeg}ffprobe" -v error -select_streams v -show_entries stream=width,height -of csv=p=0 "$OUT/hr.y4m")
[ $((W % 4)) -eq 0 ] && [ $((H % 4)) -eq 0 ] || { echo "sr.sh: ${W}x$H is not a multiple of 4" >&2; exit 1; }
LW=$((W / 4)) LH=$((H / 4))
q -i "$OUT/hr.y4m" -vf "scale=$LW:$LH:flags=bicubic" -pix_fmt yuv420p "$OUT/lr.y4m"

# mean RGB PSNR of FILE against REF (default: the high-resolution frames)
psnr_2dp() { rgb_psnr "$1" "${2:-$OUT/hr.y4m}" | awk '{ printf "%.2f", $1 }'; }

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" | tee -a "$OUT/table.md"; }
printf '| x4 from %dx%d to %dx%d, %d frames | RGB PSNR (dB) vs the original | time |\n|---|---|---|\n' \
    $LW $LH $W $H "$FRAMES" | tee "$OUT/table.md"

for flags in bicubic lanczos; do
    q -i "$OUT/lr.y4m" -vf "scale=$W:$H:flags=$flags" -pix_fmt yuv420p "$OUT/$flags.y4m"
    row "$flags upscaling (FFmpeg \`scale\`)" "$(psnr_2dp "$OUT/$flags.y4m")" "-"
done

timed encode.s "${FFQ[@]}" -i "$OUT/lr.y4m" -c:v nerv_enc -device cpu -seed 1 -arch pnerv-poly ${SIZE:+-size "$SIZE"} \
    ${PARAMS:+-nerv-params "$PARAMS"} -lr "$LR" -epochs "$EPOCHS" "$OUT/lr.nerv"
lock "${FFQ[@]}" -i "$OUT/lr.nerv" "$OUT/poly-lr.y4m"
timed decode.s "${FFQ[@]}" -nerv_size "${W}x$H" -i "$OUT/lr.nerv" "$OUT/poly-sr.y4m"
q -i "$OUT/poly-lr.y4m" -vf "scale=$W:$H:flags=bicubic" -pix_fmt yuv420p "$OUT/poly-lr-bicubic.y4m"
params=$("${FF%ffmpeg}ffprobe" -v error -show_entries stream_tags=parameters -of csv=p=0 "$OUT/lr.nerv")
model="pnerv-poly, $params parameters, $EPOCHS epochs on the low resolution"
row "$model, decoded at ${W}x$H (\`-nerv_size\`)" "$(psnr_2dp "$OUT/poly-sr.y4m")" \
    "encode $(cat "$OUT/encode.s") s, x4 decode $(cat "$OUT/decode.s") s"
row "$model, decoded at ${LW}x$LH, bicubic upscaling" "$(psnr_2dp "$OUT/poly-lr-bicubic.y4m")" "-"
row "(its fit: the ${LW}x$LH decode vs the low-resolution input)" "$(psnr_2dp "$OUT/poly-lr.y4m" "$OUT/lr.y4m")" "-"

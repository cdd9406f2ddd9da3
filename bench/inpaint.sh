#!/usr/bin/env bash
# Inpainting, the HNeRV protocol: the encoder sees the frames with holes (mask=...) and never
# the pixels inside them; the decoded video is compared, in RGB, with the unmasked source:
# the whole frame and the holes only. Baseline: FFmpeg's delogo over the same rectangles
# (it interpolates each hole from the ring of pixels around it).
#
#   bench/inpaint.sh [CLIP] [FRAMES] [EPOCHS] [SQUARE]   (defaults: carphone_qcif.mp4, 32, 100, 16)
#
# Masks on the 176x144 clip: center = 44x36 at (66, 54); disperse = five SQUARE x SQUARE
# squares centred at (W/2,H/2), (W/4,H/4), (3W/4,H/4), (W/4,3H/4), (3W/4,3H/4) (the papers'
# 50 or 100 pixel squares are for 960x1920 frames; 16 keeps the five apart on QCIF).
# Uses build/ffmpeg/ffmpeg for nerv and BASELINE_FFMPEG (default /usr/bin/ffmpeg, which has
# delogo and drawbox) for the baseline; BENCH_LOCK=FILE holds that flock around each encode.
# Output: build/bench/inpaint/ and a Markdown table on stdout, kept in build/bench/inpaint/table.md.
set -euo pipefail
. "$(dirname "$0")/task_lib.sh"
CLIP=${1:-$ROOT/../shared/data/clips/carphone_qcif.mp4}
FRAMES=${2:-32}
EPOCHS=${3:-100}
SQ=${4:-16}
BFF=${BASELINE_FFMPEG:-/usr/bin/ffmpeg}
OUT=$ROOT/build/bench/inpaint
mkdir -p "$OUT"

q -i "$CLIP" -frames:v "$FRAMES" -pix_fmt yuv420p "$OUT/src.y4m"
read -r W H < <("${FF%ffmpeg}ffprobe" -v error -select_streams v -show_entries stream=width,height -of csv=p=0 "$OUT/src.y4m" | tr ',' ' ')

# holes as "x y w h" lines, the library's geometry (model/src/codec/inpaint_mask.cpp)
holes() {
    case $1 in
    center) echo "$(((W - W / 4) / 2)) $(((H - H / 4) / 2)) $((W / 4)) $((H / 4))" ;;
    disperse)
        for c in "2 2" "1 1" "1 3" "3 1" "3 3"; do
            set -- $c
            echo "$(($2 * W / 4 - SQ / 2)) $(($1 * H / 4 - SQ / 2)) $SQ $SQ"
        done ;;
    esac
}

# RGB PSNR of FILE against the source: whole frame, then the holes of MASK (their mean MSE)
psnr_of() { rgb_psnr "$1" "$OUT/src.y4m" | awk '{ printf "%.2f", $1 }'; }
hole_psnr() {
    local file=$1 mask=$2 x y w h mses=""
    while read -r x y w h; do
        p=$(rgb_psnr "$file" "$OUT/src.y4m" "crop=$w:$h:$x:$y")
        mses="$mses $p"
    done < <(holes "$mask")
    # equal-sized holes: the mean of their MSEs
    awk -v list="$mses" 'BEGIN { n = split(list, p, " "); s = 0
        for (i = 1; i <= n; i++) s += 10 ^ (-p[i] / 10)
        printf "%.2f", -10 * log(s / n) / log(10) }'
}

row() { printf '| %s | %s | %s | %s | %s |\n' "$@" | tee -a "$OUT/table.md"; }
printf '| mask | method | RGB PSNR, whole frame (dB) | RGB PSNR, holes only (dB) | time |\n|---|---|---|---|---|\n' |
    tee "$OUT/table.md"
for mask in center disperse; do
    case $mask in
    center)   params="mask=center" ;;
    disperse) params="mask=disperse:mask_size=$SQ" ;;
    esac
    for arch in hnerv nerv; do
        case $arch in
        nerv)  opts=(-size 100k) ; params_arch=":lower_width=16" ;;
        hnerv) opts=(-size 100k) ; params_arch="" ;;
        esac
        # timed inside the lock: waiting for it is not encoding
        lock /usr/bin/time -f %e -o "$OUT/$arch-$mask.seconds" "$FF" -hide_banner -nostdin -loglevel error -y \
            -i "$OUT/src.y4m" -c:v nerv_enc -device cpu -seed 1 -arch $arch "${opts[@]}" -epochs "$EPOCHS" \
            -nerv-params "$params$params_arch" "$OUT/$arch-$mask.nerv"
        q -i "$OUT/$arch-$mask.nerv" "$OUT/$arch-$mask.y4m"
        row "$mask" "$arch, 100k, $EPOCHS epochs" "$(psnr_of "$OUT/$arch-$mask.y4m")" \
            "$(hole_psnr "$OUT/$arch-$mask.y4m" $mask)" "encode $(cut -d. -f1 "$OUT/$arch-$mask.seconds") s"
    done
    # delogo on the masked frames (holes black, so nothing inside them can leak), each
    # rectangle grown by one pixel: delogo keeps its rectangle's edge and fills the inside
    box="" logo=""
    while read -r x y w h; do
        box="$box${box:+,}drawbox=x=$x:y=$y:w=$w:h=$h:color=black:t=fill"
        logo="$logo${logo:+,}delogo=x=$((x - 1)):y=$((y - 1)):w=$((w + 2)):h=$((h + 2))"
    done < <(holes $mask)
    t0=$(date +%s)
    "$BFF" -hide_banner -nostdin -loglevel error -y -i "$OUT/src.y4m" -vf "$box" -pix_fmt yuv420p "$OUT/masked-$mask.y4m"
    "$BFF" -hide_banner -nostdin -loglevel error -y -i "$OUT/masked-$mask.y4m" -vf "$logo" "$OUT/delogo-$mask.y4m"
    row "$mask" "delogo (FFmpeg $("$BFF" -version | head -1 | cut -d' ' -f3))" "$(psnr_of "$OUT/delogo-$mask.y4m")" \
        "$(hole_psnr "$OUT/delogo-$mask.y4m" $mask)" "$(($(date +%s) - t0)) s"
    row "$mask" "masked input (holes black)" "$(psnr_of "$OUT/masked-$mask.y4m")" \
        "$(hole_psnr "$OUT/masked-$mask.y4m" $mask)" "-"
done

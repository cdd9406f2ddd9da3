#!/usr/bin/env bash
# make demo: encode a short clip into a small neural network, decode it, and report
# quality (PSNR), rate (bpp from the bytes on disk) and time, beside x264 and x265 at the same file size.
# Input: the first DEMO_FRAMES frames of the real "carphone" clip from ../shared/data when it and
# ffmpeg are present, otherwise a built-in synthetic clip (nerv synth).
# Settings (environment): DEMO_FRAMES, DEMO_ARCH, DEMO_SIZE, DEMO_EPOCHS (the nerv encode),
# DEMO_X26X_PRESET (x264/x265 preset, default slow), DEMO_OUT (output folder, default BUILD/demo),
# DEMO_FFMPEG (the ffmpeg command, default ffmpeg). Every file it writes goes to the output folder.
set -euo pipefail

BUILD=${1:-build}
NERV="$BUILD/bin/nerv"
OUT=${DEMO_OUT:-$BUILD/demo}
FFMPEG=${DEMO_FFMPEG:-ffmpeg}
mkdir -p "$OUT"
FRAMES=${DEMO_FRAMES:-32}
CLIP="$(cd "$(dirname "$0")/.." && pwd)/../shared/data/clips/carphone_qcif.mp4"
HAVE_FFMPEG=0
command -v "$FFMPEG" >/dev/null 2>&1 && HAVE_FFMPEG=1

if [ -f "$CLIP" ] && [ "$HAVE_FFMPEG" = 1 ]; then
    echo "demo input: first $FRAMES frames of $(basename "$CLIP") (176x144, real footage)"
    "$FFMPEG" -nostdin -v error -y -i "$CLIP" -frames:v "$FRAMES" -pix_fmt yuv420p -f yuv4mpegpipe "$OUT/input.y4m"
else
    echo "demo input: built-in synthetic clip (176x144, $FRAMES frames)"
    "$NERV" synth -o "$OUT/input.y4m" --width 176 --height 144 --frames "$FRAMES"
fi

ARCH=${DEMO_ARCH:-hnerv}
SIZE=${DEMO_SIZE:-100k}
EPOCHS=${DEMO_EPOCHS:-60}
echo "encoding: nerv encode --arch $ARCH --size $SIZE --epochs $EPOCHS (device auto)"
start=$(date +%s.%N)
"$NERV" encode "$OUT/input.y4m" -o "$OUT/demo.nerv" --arch "$ARCH" --size "$SIZE" --epochs "$EPOCHS"
mid=$(date +%s.%N)
# 4:4:4: the network renders RGB, and 4:2:0 would add a chroma loss that `nerv eval` does not see.
"$NERV" decode "$OUT/demo.nerv" -o "$OUT/decoded.y4m" --pix_fmt yuv444p
end=$(date +%s.%N)

echo
"$NERV" info "$OUT/demo.nerv" | head -n 5
eval_out=$("$NERV" eval "$OUT/demo.nerv" "$OUT/input.y4m")
echo "$eval_out"
encode_s=$(awk -v a="$start" -v b="$mid" 'BEGIN { printf "%.1f", b - a }')
awk -v a="$start" -v b="$mid" -v c="$end" 'BEGIN { printf "time: encode %.1f s, decode %.1f s\n", b - a, c - b }'
echo "files: $OUT/demo.nerv (the stream), $OUT/decoded.y4m (play with: ffplay $OUT/decoded.y4m)"

# --- x264 and x265 at the same file size ---------------------------------------------------------
# `nerv eval` prints key=value pairs; the stream's frame count and size, the reference's header.
field() {
    printf '%s\n' "$eval_out" | tr ' ' '\n' |
        awk -v k="$1=" 'index($0, k) == 1 && !done { print substr($0, length(k) + 1); done = 1 }'
}
n_frames=$(field frames)
nerv_size=$(field size)
nerv_psnr=$(field psnr_rgb)
nerv_bytes=$(wc -c <"$OUT/demo.nerv")
header=$(head -n 1 "$OUT/input.y4m")
width=$(printf '%s\n' "$header" | sed -n 's/.* W\([0-9]*\).*/\1/p')
height=$(printf '%s\n' "$header" | sed -n 's/.* H\([0-9]*\).*/\1/p')
fps=$(printf '%s\n' "$header" | sed -n 's/.* F\([0-9]*:[0-9]*\).*/\1/p')
range=tv
case "$header" in *XCOLORRANGE=FULL*) range=pc ;; esac
# The bit rate that makes a bitstream of these frames exactly as large as the .nerv file.
target_bps=$(awk -v b="$nerv_bytes" -v f="$fps" -v n="$n_frames" \
    'BEGIN { split(f, r, ":"); printf "%d", b * 8 * r[1] / (r[2] * n) }')
bpp() { awk -v b="$1" -v w="$width" -v h="$height" -v n="$n_frames" 'BEGIN { printf "%.3f", b * 8 / (w * h * n) }'; }

# nerv eval's RGB PSNR: each frame converted to 8-bit RGB with BT.601 at the Y4M's range and
# nearest-neighbour chroma, PSNR over the three channels, averaged over frames (identical = 100 dB).
# This FFmpeg conversion equals libnerv's to within 1 code value on ~0.4% of the samples.
TO_RGB="scale=in_color_matrix=bt601:in_range=$range:out_range=pc"
TO_RGB="$TO_RGB:flags=neighbor+accurate_rnd+full_chroma_int,format=gbrp"
# measure NAME DEC.y4m: sets m_psnr and m_ssim (RGB, means over frames); fails unless every frame was compared.
measure() {
    local name=$1 dec=$2
    local graph="[0]$TO_RGB,split[d0][d1];[1]$TO_RGB,split[r0][r1];"
    graph+="[d0][r0]psnr=shortest=1:stats_file=$name.psnr.log;[d1][r1]ssim=shortest=1:stats_file=$name.ssim.log"
    (cd "$OUT" && "$FFMPEG" -nostdin -v error -i "$dec" -i input.y4m -filter_complex "$graph" -f null -) || return 1
    [ "$(wc -l <"$OUT/$name.psnr.log")" -eq "$n_frames" ] || return 1
    m_psnr=$(awk '{ for (i = 1; i <= NF; ++i) if ($i ~ /^psnr_avg:/) { v = substr($i, 10); s += v == "inf" ? 100 : v } }
        END { printf "%.2f", s / NR }' "$OUT/$name.psnr.log")
    m_ssim=$(awk '{ for (i = 1; i <= NF; ++i) if ($i ~ /^All:/) s += substr($i, 5) } END { printf "%.4f", s / NR }' \
        "$OUT/$name.ssim.log")
}

rows=()
notes=()
row() { rows+=("$(printf '%-30s %8s %7s %8s %9s %7s %9s' "$@")"); }
nerv_ssim=-
check_psnr=
if [ "$HAVE_FFMPEG" = 1 ] && measure nerv decoded.y4m; then
    nerv_ssim=$m_ssim
    check_psnr=$m_psnr
fi
row "nerv $ARCH $SIZE, $EPOCHS epochs" "$nerv_bytes" "$(printf '%.3f' "$(field bpp)")" "" \
    "$(printf '%.2f dB' "$nerv_psnr")" "$nerv_ssim" "$encode_s s"

PRESET=${DEMO_X26X_PRESET:-slow}
encoders=
[ "$HAVE_FFMPEG" = 1 ] && encoders=$("$FFMPEG" -hide_banner -encoders 2>/dev/null || true)
# encode_2pass LIB BPS FILE FORMAT: two-pass ABR of the input into a raw bitstream (no container bytes).
encode_2pass() {
    local lib=$1 bps=$2 file=$3 format=$4
    local common=(-nostdin -v error -y -i input.y4m -c:v "$lib" -preset "$PRESET" -tune psnr -b:v "$bps")
    if [ "$lib" = libx264 ]; then
        "$FFMPEG" "${common[@]}" -pass 1 -passlogfile x264.pass -f null /dev/null &&
            "$FFMPEG" "${common[@]}" -pass 2 -passlogfile x264.pass -f "$format" "$file"
    else
        "$FFMPEG" "${common[@]}" -x265-params pass=1:stats=x265.pass:log-level=error -f null /dev/null &&
            "$FFMPEG" "${common[@]}" -x265-params pass=2:stats=x265.pass:log-level=error -f "$format" "$file"
    fi
}
# x26x_row NAME LIB EXT FORMAT: up to three two-pass encodes, each rescaling the bit rate by how far
# the last one missed nerv's byte count, keeping the closest; then decode, measure, add a row.
x26x_row() {
    local name=$1 lib=$2 ext=$3 format=$4
    if [ "$HAVE_FFMPEG" = 0 ]; then
        notes+=("$name: skipped ($FFMPEG not found)")
        return 0
    fi
    case "$encoders" in
    *" $lib "*) ;;
    *)
        notes+=("$name: skipped ($FFMPEG has no $lib encoder)")
        return 0
        ;;
    esac
    local bps=$target_bps best_miss=1e9 best_s=0 t0 t1 bytes miss
    for _ in 1 2 3; do
        t0=$(date +%s.%N)
        if ! (cd "$OUT" && encode_2pass "$lib" "$bps" "$name.try.$ext" "$format"); then
            notes+=("$name: skipped (the $lib encode failed)")
            return 0
        fi
        t1=$(date +%s.%N)
        bytes=$(wc -c <"$OUT/$name.try.$ext")
        if [ "$bytes" -eq 0 ]; then
            notes+=("$name: skipped (the $lib encode wrote nothing)")
            return 0
        fi
        miss=$(awk -v b="$bytes" -v t="$nerv_bytes" 'BEGIN { m = b / t - 1; print (m < 0 ? -m : m) }')
        if awk -v m="$miss" -v best="$best_miss" 'BEGIN { exit !(m < best) }'; then
            mv "$OUT/$name.try.$ext" "$OUT/$name.$ext"
            best_miss=$miss
            best_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
        fi
        awk -v m="$miss" 'BEGIN { exit !(m <= 0.02) }' && break
        bps=$(awk -v r="$bps" -v b="$bytes" -v t="$nerv_bytes" 'BEGIN { printf "%d", r * t / b }')
    done
    rm -f "$OUT/$name.try.$ext" "$OUT/$name".pass*
    if ! "$FFMPEG" -nostdin -v error -y -i "$OUT/$name.$ext" -vsync passthrough -pix_fmt yuv420p \
        -f yuv4mpegpipe "$OUT/$name.y4m" || ! measure "$name" "$name.y4m"; then
        notes+=("$name: skipped (decoding or measuring $name.$ext failed)")
        return 0
    fi
    bytes=$(wc -c <"$OUT/$name.$ext")
    row "$name $PRESET, 2-pass ABR" "$bytes" "$(bpp "$bytes")" \
        "$(awk -v b="$bytes" -v t="$nerv_bytes" 'BEGIN { printf "%+.1f%%", 100 * (b / t - 1) }')" \
        "$m_psnr dB" "$m_ssim" "$best_s s"
}
x26x_row x264 libx264 264 h264
x26x_row x265 libx265 265 hevc

echo
echo "the same $n_frames frames ($nerv_size) at the same file size:"
printf '%-30s %8s %7s %8s %9s %7s %9s\n' codec bytes bpp "vs nerv" "RGB PSNR" SSIM encode
printf '%s\n' "${rows[@]}"
for n in "${notes[@]+"${notes[@]}"}"; do echo "$n"; done
[ "$nerv_size" = "${width}x$height" ] ||
    echo "note: nerv coded a ${nerv_size} centre crop, x264/x265 the whole ${width}x$height input"
echo "bytes: the .nerv file, the raw Annex-B bitstreams; encode: wall time (x264/x265: -preset $PRESET" \
    "-tune psnr, both passes)."
check=
[ -n "$check_psnr" ] && check=" (the same FFmpeg measure of nerv's decode: $check_psnr dB)"
echo "RGB PSNR as nerv eval defines it (BT.601 to 8-bit RGB, nearest chroma, mean of per-frame PSNR), by FFmpeg" \
    "for x264/x265$check; SSIM: FFmpeg's ssim filter on those RGB frames for every row (nerv eval's ssim above" \
    "uses a Gaussian window)."
echo "what NeRV codecs are for: not this rate-distortion race at a demo budget, but long clips coded as one" \
    "network per segment, random access to any frame (each decodes alone, no reference chain), and frame" \
    "interpolation or rendering at other sizes from the network."
awk -v s="$encode_s" -v e="$EPOCHS" -v n="$n_frames" -v c="$(nproc 2>/dev/null || echo '?')" 'BEGIN {
    printf "a good encode takes longer: the papers train 300 epochs (on GPUs); at this run'"'"'s %.2f s", s / e
    printf " per epoch"
    printf " (encode time / epochs, %s cores) that is about %.1f min for these %d frames:", c, 300 * s / e / 60, n
    printf " a linear extrapolation, not a measurement.\n" }'

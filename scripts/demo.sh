#!/usr/bin/env bash
# make demo: encode a short clip into a small neural network, decode it, and report
# quality (PSNR), rate (bpp from the bytes on disk) and time.
# Input: the first DEMO_FRAMES frames of the real "carphone" clip from ../shared/data when it and
# ffmpeg are present, otherwise a built-in synthetic clip (nerv synth).
set -euo pipefail

BUILD=${1:-build}
NERV="$BUILD/bin/nerv"
OUT="$BUILD/demo"
mkdir -p "$OUT"
FRAMES=${DEMO_FRAMES:-32}
CLIP="$(cd "$(dirname "$0")/.." && pwd)/../shared/data/clips/carphone_qcif.mp4"

if [ -f "$CLIP" ] && command -v ffmpeg >/dev/null 2>&1; then
    echo "demo input: first $FRAMES frames of $(basename "$CLIP") (176x144, real footage)"
    ffmpeg -v error -y -i "$CLIP" -frames:v "$FRAMES" -pix_fmt yuv420p -f yuv4mpegpipe "$OUT/input.y4m"
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
"$NERV" decode "$OUT/demo.nerv" -o "$OUT/decoded.y4m"
end=$(date +%s.%N)

echo
"$NERV" info "$OUT/demo.nerv" | head -n 5
"$NERV" eval "$OUT/demo.nerv" "$OUT/input.y4m"
awk -v a="$start" -v b="$mid" -v c="$end" 'BEGIN { printf "time: encode %.1f s, decode %.1f s\n", b - a, c - b }'
echo "files: $OUT/demo.nerv (the stream), $OUT/decoded.y4m (play with: ffplay $OUT/decoded.y4m)"

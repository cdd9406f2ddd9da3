#!/usr/bin/env bash
# Denoising, the papers' protocol (NeRV, E-NeRV Table 4, PNeRV Table 5): add noise to a clip,
# fit the network to the noisy frames only, and measure the decoded output against the clean
# clip. The network is never shown a clean frame; what it leaves out is what it could not fit.
#
#   bench/denoise.sh [CLIP] [FRAMES] [EPOCHS]      (defaults: carphone_qcif.mp4, 32, 100)
#
# Noise (made by FFmpeg, the same for every method):
#   white           noise=alls=20:allf=t    Gaussian-shaped noise on Y, U and V, new every frame
#   salt & pepper   5% of the pixels set to black or white (geq on RGB; one uniform draw per
#                   pixel decides, so a hit pixel is black or white in all three channels)
# Methods: nerv_enc (NeRV 100k) with its recipe's loss, with l1 and with -tune denoise (l2), and
# FFmpeg's classical denoisers on the same noisy frames (hqdn3d, nlmeans, median).
#
# Needs build/ffmpeg/ffmpeg (nerv) and an FFmpeg with noise, geq, median, hqdn3d, nlmeans for
# the noise and the baselines (DENOISE_FFMPEG, default /usr/bin/ffmpeg: Debian's has them).
# BENCH_LOCK=FILE holds that flock around each CPU-heavy step; NERV_THREADS=N sets the encoder's
# threads (default 0: all cores; 1 on a machine shared with other jobs, where LibTorch's threads
# would wait for each other: the PSNR does not depend on it). Output: build/bench/denoise/ and
# a Markdown table on stdout (also build/bench/denoise/table.md, which bench/make_doc.py puts in
# docs/benchmarks.md): RGB PSNR against the clean clip, averaged over the frames.
set -euo pipefail
. "$(dirname "$0")/task_lib.sh"
CLIP=${1:-$ROOT/../shared/data/clips/carphone_qcif.mp4}
FRAMES=${2:-32}
EPOCHS=${3:-100}
AUX=${DENOISE_FFMPEG:-/usr/bin/ffmpeg}
OUT=$ROOT/build/bench/denoise
mkdir -p "$OUT"
AUXQ=("$AUX" -hide_banner -nostdin -loglevel error -y -filter_threads 1)

"${FFQ[@]}" -i "$CLIP" -frames:v "$FRAMES" -pix_fmt yuv420p "$OUT/clean.y4m"
"${AUXQ[@]}" -i "$OUT/clean.y4m" -vf "noise=alls=20:allf=t,format=yuv420p" "$OUT/white.y4m"
sp="st(1,random(0));if(lt(ld(1),0.025),0,if(gt(ld(1),0.975),255,"
"${AUXQ[@]}" -i "$OUT/clean.y4m" \
    -vf "format=gbrp,geq=r='${sp}r(X,Y)))':g='${sp}g(X,Y)))':b='${sp}b(X,Y)))',format=yuv420p" "$OUT/saltpepper.y4m"

# RGB PSNR of FILE against the clean clip, averaged over the frames
psnr() { rgb_psnr "$1" "$OUT/clean.y4m"; }

declare -A result
methods=()
add() { # method noise value
    result["$1|$2"]=$3
    case " ${methods[*]-} " in *" $1 "*) ;; *) methods+=("$1") ;; esac
}

for noise in white saltpepper; do
    add "noisy input (no denoising)" $noise "$(psnr "$OUT/$noise.y4m")"
    # NeRV, the network of the papers' denoising tables (NeRV, E-NeRV, PNeRV compare NeRV-L),
    # with its recipe's loss (fusion6), with l1, and with -tune denoise (l2)
    for variant in recipe l1 denoise; do
        case $variant in
        recipe)  extra=() ;;
        l1)      extra=(-loss l1) ;;
        denoise) extra=(-tune denoise) ;;
        esac
        name="nerv-$variant-$noise"
        lock "${FFQ[@]}" -i "$OUT/$noise.y4m" -c:v nerv_enc -threads "${NERV_THREADS:-0}" -device cpu -seed 1 -arch nerv -size 100k \
            -nerv-params lower_width=16 -epochs "$EPOCHS" "${extra[@]}" "$OUT/$name.nerv"
        "${FFQ[@]}" -i "$OUT/$name.nerv" "$OUT/$name.y4m"
        case $variant in
        recipe)  label="recipe loss (fusion6)" ;;
        l1)      label="-loss l1" ;;
        denoise) label="-tune denoise (l2)" ;;
        esac
        add "nerv 100k, $EPOCHS epochs, $label" $noise "$(psnr "$OUT/$name.y4m")"
    done
    for f in "hqdn3d" "nlmeans" "median=radius=1"; do
        lock "${AUXQ[@]}" -i "$OUT/$noise.y4m" -vf "$f" "$OUT/$noise-${f%%=*}.y4m"
        add "FFmpeg $f" $noise "$(psnr "$OUT/$noise-${f%%=*}.y4m")"
    done
done

{
    echo "| method | white noise (dB) | salt & pepper (dB) |"
    echo "|---|---|---|"
    for m in "${methods[@]}"; do
        printf '| %s | %s | %s |\n' "$m" "${result["$m|white"]}" "${result["$m|saltpepper"]}"
    done
} | tee "$OUT/table.md"

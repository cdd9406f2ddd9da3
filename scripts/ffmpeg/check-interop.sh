#!/usr/bin/env bash
# The nerv tool and FFmpeg write the same .nerv format and read each other's files.
#
#   scripts/ffmpeg/check-interop.sh FFMPEG_TREE NERV_CLI
#
# Both encode the same 4-frame clip with the same settings and seed: their segment and frame
# chunks must be identical (only the stream header's informational metadata may differ), and
# each tool's decode of either file must equal the other's (same library, same machine). Parts
# of that clip (nerv encode --segments) joined by ffmpeg's concat demuxer with -c copy give
# the bytes of nerv concat and of the single encode, and ffmpeg decodes a part alone.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 FFMPEG_TREE NERV_CLI" >&2; exit 1; }
ff=$1/ffmpeg
probe=$1/ffprobe
nerv=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nerv-interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() { echo "check-interop: $*" >&2; exit 1; }
# bytes after the file prefix and the stream header chunk
body() {
    local size
    size=$(od -An -tu8 -j12 -N8 "$1" | tr -d ' ')
    tail -c +$((8 + 16 + size + 1)) "$1"
}
# raw frames of a decode by ffmpeg (threads 1 on both sides: same arithmetic)
ffdecode() { "$ff" -nostdin -v error -threads 1 -i "$1" -f rawvideo -pix_fmt yuv420p -y "$2"; }

"$ff" -nostdin -v error -lavfi testsrc2=size=64x64:rate=25:duration=0.16,format=yuv420p \
    -f yuv4mpegpipe -y "$tmp/src.y4m"
"$nerv" encode "$tmp/src.y4m" -o "$tmp/cli.nerv" --device cpu --seed 3 --arch hnerv \
    --epochs 5 --params enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5 >"$tmp/cli.log" 2>&1 ||
    { cat "$tmp/cli.log" >&2; fail "nerv encode failed"; }
"$ff" -nostdin -v error -i "$tmp/src.y4m" -c:v nerv_enc -device cpu -seed 3 -arch hnerv \
    -epochs 5 -nerv-params enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5 -y "$tmp/ff.nerv" ||
    fail "ffmpeg -c:v nerv_enc failed"

cmp -s <(body "$tmp/cli.nerv") <(body "$tmp/ff.nerv") ||
    fail "the segment and frame chunks of nerv encode and ffmpeg -c:v nerv_enc differ"
echo "check-interop: nerv encode and ffmpeg -c:v nerv_enc wrote the same segments and frame records"

for f in cli ff; do
    "$nerv" info "$tmp/$f.nerv" >/dev/null || fail "nerv info cannot read the $f file"
    "$probe" -v error "$tmp/$f.nerv" || fail "ffprobe cannot read the $f file"
    "$nerv" decode "$tmp/$f.nerv" -o "$tmp/$f.nerv.y4m" --device cpu --threads 1 >/dev/null 2>&1 ||
        fail "nerv decode cannot read the $f file"
    "$ff" -nostdin -v error -i "$tmp/$f.nerv.y4m" -f rawvideo -y "$tmp/$f.by-nerv.yuv"
    ffdecode "$tmp/$f.nerv" "$tmp/$f.by-ffmpeg.yuv" || fail "ffmpeg cannot decode the $f file"
    [ "$(wc -c <"$tmp/$f.by-ffmpeg.yuv")" -eq $((4 * 64 * 64 * 3 / 2)) ] || fail "ffmpeg decoded a wrong number of frames"
    cmp -s "$tmp/$f.by-nerv.yuv" "$tmp/$f.by-ffmpeg.yuv" ||
        fail "nerv decode and ffmpeg decode the $f file to different pictures"
done
echo "check-interop: nerv decode and ffmpeg decode both files to the same 4 frames"

# Parts: two segments of 2 frames, coded separately, joined by ffmpeg and by nerv.
parts=(--device cpu --threads 1 --seed 3 --arch hnerv --epochs 5 --segment_frames 2
       --params enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5 --checkpoint '')
"$nerv" encode "$tmp/src.y4m" -o "$tmp/whole.nerv" "${parts[@]}" >"$tmp/parts.log" 2>&1 &&
    "$nerv" encode "$tmp/src.y4m" -o "$tmp/part0.nerv" "${parts[@]}" --segments 0:1 >>"$tmp/parts.log" 2>&1 &&
    "$nerv" encode "$tmp/src.y4m" -o "$tmp/part1.nerv" "${parts[@]}" --segments 1: >>"$tmp/parts.log" 2>&1 ||
    { cat "$tmp/parts.log" >&2; fail "nerv encode --segments failed"; }
printf "file '%s'\nfile '%s'\n" "$tmp/part0.nerv" "$tmp/part1.nerv" >"$tmp/parts.txt"
"$ff" -nostdin -v error -f concat -safe 0 -i "$tmp/parts.txt" -c copy -y "$tmp/ffconcat.nerv" ||
    fail "ffmpeg -f concat -c copy failed on two parts"
"$nerv" concat "$tmp/part0.nerv" "$tmp/part1.nerv" -o "$tmp/nervconcat.nerv" || fail "nerv concat failed"
cmp -s "$tmp/whole.nerv" "$tmp/nervconcat.nerv" || fail "nerv concat of the parts differs from the single encode"
cmp -s "$tmp/whole.nerv" "$tmp/ffconcat.nerv" ||
    fail "ffmpeg -f concat -c copy of the parts differs from the single encode"
echo "check-interop: parts joined by ffmpeg -f concat -c copy and by nerv concat equal the single encode"
ffdecode "$tmp/part1.nerv" "$tmp/part1.yuv" || fail "ffmpeg cannot decode a part"
ffdecode "$tmp/whole.nerv" "$tmp/whole.yuv"
cmp -s "$tmp/part1.yuv" <(tail -c $((2 * 64 * 64 * 3 / 2)) "$tmp/whole.yuv") ||
    fail "ffmpeg's decode of the second part differs from frames 2..3 of the whole stream"
echo "check-interop: ffmpeg decodes the second part alone as frames 2..3 of the whole"

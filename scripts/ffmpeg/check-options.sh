#!/usr/bin/env bash
# Every libnerv encoder setting is an option of FFmpeg's nerv_enc under the same name, or is
# taken from the codec context; and nerv_enc has no option libnerv does not know.
#
#   scripts/ffmpeg/check-options.sh FFMPEG NERV_CLI
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 FFMPEG NERV_CLI" >&2; exit 1; }
ffmpeg=$1
nerv=$2
# from AVCodecContext (size, rate, time base, pixel format, colour, threads, bit rate: -b:v) or
# av_log; "params" is what -nerv-params passes
from_context=" width height fps timebase pix_fmt matrix range threads log_level params bitrate "
# not for an FFmpeg encode: train_only writes no packet (train with nerv encode, code with -resume 1)
not_in_ffmpeg=" train_only "
ffmpeg_only=" nerv-params "

lib=$("$nerv" encode --help 2>&1 | sed -n 's/^  --\([a-z0-9_]*\) .*/\1/p')
av=$("$ffmpeg" -hide_banner -h encoder=nerv_enc 2>&1 | sed -n 's/^  -\([a-z0-9_-]*\) .*/\1/p')
[ -n "$lib" ] || { echo "check-options: '$nerv encode --help' lists no setting" >&2; exit 1; }
[ -n "$av" ] || { echo "check-options: 'ffmpeg -h encoder=nerv_enc' lists no option" >&2; exit 1; }

bad=0
for o in $lib; do
    case "$from_context$not_in_ffmpeg" in *" $o "*) continue ;; esac
    if ! grep -qx -- "$o" <<<"$av"; then
        echo "check-options: libnerv setting '$o' is not a nerv_enc option" >&2
        bad=1
    fi
done
for o in $av; do
    case "$ffmpeg_only" in *" $o "*) continue ;; esac
    if ! grep -qx -- "$o" <<<"$lib"; then
        echo "check-options: nerv_enc option '$o' is not a libnerv setting" >&2
        bad=1
    fi
done
[ "$bad" -eq 0 ] || exit 1
echo "check-options: $(wc -w <<<"$lib") libnerv settings, $(wc -w <<<"$av") nerv_enc options: consistent"

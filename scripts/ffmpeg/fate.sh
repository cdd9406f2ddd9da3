#!/usr/bin/env bash
# Run the nerv FATE tests in the patched FFmpeg tree (`make fate`), then the checks outside FATE
# (options, interoperability with this repository's nerv tool, Ctrl-C), and print a summary.
#
#   scripts/ffmpeg/fate.sh [--gen | --asan=LIBDIR] TREE NERV_CLI
#
#   --gen    write missing or changed references (FATE's GEN=1) and copy them to fate/ref/;
#            then run `make patches` and review the diff.
#   --asan   run every program of the tests with the libnerv in LIBDIR (built with
#            -fsanitize=address,undefined) and the sanitizer runtimes preloaded (FATE's
#            TARGET_EXEC); the test streams are encoded afresh under it. Any sanitizer report
#            fails its test. The checks outside FATE are skipped.
#
# Tests run one at a time: LibTorch spins a thread per core, two at once crawl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
gen=0 asan=""
case "${1:-}" in
--gen) gen=1; shift ;;
--asan=*) asan=$(cd "${1#*=}" && pwd); shift ;;
esac
[ $# -eq 2 ] || { echo "usage: $0 [--gen | --asan=LIBDIR] TREE NERV_CLI" >&2; exit 1; }
tree=$(cd "$1" && pwd)
nerv=$2

t0=$(date +%s)
rm -f "$tree"/tests/data/fate/nerv-*.rep
status=0
args=()
[ "$gen" -eq 0 ] || args+=(GEN=1)
if [ -n "$asan" ]; then
    # The runtimes must come first in the process (ffmpeg itself is not instrumented); the
    # instrumented libnerv replaces the one ffmpeg's RUNPATH names (LD_LIBRARY_PATH wins).
    [ -f "$asan/libnerv.so" ] || { echo "fate: no libnerv.so in $asan" >&2; exit 1; }
    cc=${CC:-gcc}
    runtimes=$($cc -print-file-name=libasan.so):$($cc -print-file-name=libubsan.so)
    args+=("TARGET_EXEC=env LD_LIBRARY_PATH=$asan LD_PRELOAD=$runtimes ASAN_OPTIONS=${ASAN_OPTIONS:-} LSAN_OPTIONS=${LSAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-}")
    fresh_data() { rm -f "$tree"/tests/data/nerv-*; }
    fresh_data
    trap fresh_data EXIT   # the normal `make fate` must not reuse streams of this build
fi
make -C "$tree" -k -j1 fate-nerv "${args[@]}" || status=$?

passed=() failed=()
for t in $(make -C "$tree" -s fate-list | grep '^fate-nerv-'); do
    rep=$tree/tests/data/fate/${t#fate-}.rep
    if [ -f "$rep" ] && [ "$(cut -d: -f2 "$rep")" = 0 ]; then
        passed+=("${t#fate-}")
    else
        failed+=("${t#fate-}")
    fi
done

if [ "$gen" -eq 1 ]; then
    for ref in "$tree"/tests/ref/fate/nerv-*; do
        [ -f "$ref" ] || continue
        cmp -s "$ref" "$ROOT/fate/ref/${ref##*/}" 2>/dev/null || {
            cp "$ref" "$ROOT/fate/ref/"
            echo "fate: updated fate/ref/${ref##*/}"
        }
    done
fi

# Checks outside FATE: the nerv command line tool of this repository, and signals sent to a
# running ffmpeg.
extra=0
if [ -z "$asan" ]; then
    "$ROOT/scripts/ffmpeg/check-options.sh" "$tree/ffmpeg" "$nerv" || extra=1
    "$ROOT/scripts/ffmpeg/check-interop.sh" "$tree" "$nerv" || extra=1
    "$ROOT/scripts/ffmpeg/check-interrupt.sh" "$tree" || extra=1
fi

summary="fate${asan:+ (ASan/UBSan)}: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ] || summary="$summary: ${failed[*]}"
echo "$summary ($(($(date +%s) - t0))s)"
[ "$status" -eq 0 ] && [ ${#failed[@]} -eq 0 ] && [ "$extra" -eq 0 ]

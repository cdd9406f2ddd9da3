#!/usr/bin/env bash
# Ctrl-C during `ffmpeg -c:v nerv_enc` stops training at once and leaves a resumable checkpoint,
# as it does in `nerv encode` (tests/e2e/cli_interrupt_test.cpp); patch 0011 hands ffmpeg's
# signal state to the encoder (docs/ffmpeg.md, "Ctrl-C").
#
#   scripts/ffmpeg/check-interrupt.sh FFMPEG_TREE
#
# 1. SIGINT once training has started: ffmpeg exits 255 within LIMIT seconds without finishing
#    the segment, the checkpoint exists; the same command with -resume 1 finishes the encode and
#    writes the bytes an uninterrupted encode writes.
# 2. SIGINT while the encoder is still buffering its segment (real-time input): ffmpeg exits
#    255 within LIMIT seconds and never trains the frames it has (a segment cut short by the
#    interrupt is not a segment).
# Every ffmpeg started here is killed on exit.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 FFMPEG_TREE" >&2; exit 1; }
ff=$1/ffmpeg
probe=$1/ffprobe
LIMIT=20
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nerv-interrupt.XXXXXX")
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP   # a signal ends the script through exit, so the EXIT trap runs
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "check-interrupt: $*" >&2
    for log in "$tmp"/*.log; do
        [ -f "$log" ] || continue
        echo "--- ${log##*/} (last lines)" >&2
        tail -n 8 "$log" >&2
    done
    exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# start ARGS...: runs ffmpeg in the background, stderr in $log; sets $pid
start() {
    "$ff" "$@" 2>"$log" &
    pid=$!
}
# wait_for PATTERN: until the log of the running ffmpeg shows PATTERN (60 s at most)
wait_for() {
    local t0
    t0=$(now_ms)
    until grep -q -- "$1" "$log" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || fail "ffmpeg exited before its log showed '$1'"
        [ $(($(now_ms) - t0)) -lt 60000 ] || fail "no '$1' in the log after 60 s"
        sleep 0.05
    done
}
# interrupt: SIGINT, then wait at most LIMIT seconds; sets $status and $stop_ms
interrupt() {
    local t0
    kill -INT "$pid"
    t0=$(now_ms)
    while kill -0 "$pid" 2>/dev/null; do
        [ $(($(now_ms) - t0)) -lt $((LIMIT * 1000)) ] ||
            fail "ffmpeg still running ${LIMIT} s after SIGINT (training was not interrupted)"
        sleep 0.02
    done
    status=0
    wait "$pid" || status=$?
    pid=""
    stop_ms=$(($(now_ms) - t0))
}
seconds() { printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10)); }
packets() { "$probe" -v error -show_entries packet=pts -of csv=p=0 "$1" | wc -l; }

# 2 frames, one segment; 60 epochs take a second or more on a CPU thread, far longer than the
# stop (one iteration), so the signal always lands in training.
enc=(-nostdin -hide_banner -v info -f lavfi -i testsrc2=size=32x32:rate=25:duration=0.08
     -c:v nerv_enc -device cpu -threads 1 -seed 5 -size 20k -epochs 60 -checkpoint_every 5)
ckpt=$tmp/out.nerv.ckpt

# --- 1. in training ---------------------------------------------------------------------------
log=$tmp/interrupted.log
start "${enc[@]}" -checkpoint "$ckpt" -y "$tmp/out.nerv"
wait_for 'nerv: segment 0 train epoch '
interrupt
[ "$status" -eq 255 ] || fail "interrupted ffmpeg exited with $status, not 255 (ffmpeg's status after a signal)"
! grep -q 'segment 0: PSNR' "$log" || fail "segment 0 was trained to the end after SIGINT"
grep -q 'Training of segment 0 interrupted' "$log" || fail "the encoder did not report the interrupt"
grep -q -- '-resume 1' "$log" || fail "the log does not say how to resume"
[ -f "$ckpt" ] || fail "no checkpoint $ckpt after the interrupt"
[ "$(packets "$tmp/out.nerv")" -eq 0 ] || fail "the interrupted output holds packets of the interrupted segment"
in_training_ms=$stop_ms

log=$tmp/resumed.log
"$ff" "${enc[@]}" -checkpoint "$ckpt" -resume 1 -y "$tmp/out.nerv" 2>"$log" || fail "ffmpeg -resume 1 failed"
grep -q "resuming from '$ckpt'" "$log" || fail "-resume 1 did not resume from the checkpoint"
[ ! -e "$ckpt" ] || fail "a finished encode left its checkpoint"
log=$tmp/whole.log
"$ff" "${enc[@]}" -y "$tmp/whole.nerv" 2>"$log" || fail "the uninterrupted encode failed"
cmp -s "$tmp/out.nerv" "$tmp/whole.nerv" || fail "the resumed encode wrote other bytes than an uninterrupted one"

# --- 2. while buffering -----------------------------------------------------------------------
log=$tmp/buffering.log
start -nostdin -hide_banner -v info -re -f lavfi -i testsrc2=size=32x32:rate=25:duration=4 \
    -c:v nerv_enc -device cpu -threads 1 -size 20k -epochs 60 -checkpoint "$ckpt" -y "$tmp/cut.nerv"
wait_for '^Output #0'
sleep 0.2
interrupt
[ "$status" -eq 255 ] || fail "ffmpeg interrupted while buffering exited with $status, not 255"
! grep -q ' train epoch ' "$log" || fail "the frames buffered when SIGINT came were trained as a segment"
grep -q 'Interrupted before segment 0 was complete' "$log" || fail "the encoder did not report the interrupt"

echo "check-interrupt: SIGINT stopped training in $(seconds "$in_training_ms") s (exit 255, checkpoint kept;" \
     "-resume 1 wrote the bytes of an uninterrupted encode) and an encoder still buffering in" \
     "$(seconds "$stop_ms") s without training"

#!/usr/bin/env bash
# make check-slurm: a distributed encode on a real single-node Slurm cluster, started here on
# loopback (scripts/slurm/cluster.sh) and stopped whatever happens. The array of
# scripts/slurm/submit.sh (2 tasks of 2 segments) must write the same bytes as one `nerv encode`
# process with the same settings and thread count, although one task is requeued in the middle of
# training (a preemption) and resumes from its checkpoint.
#
#   scripts/slurm/check-slurm.sh [NERV_BINARY]     (default build/bin/nerv)
#
# Needs root (the cluster runs jobs as root; re-runs itself with `sudo -n` otherwise) and the
# packages of scripts/install-deps.sh. CHECK_SLURM_TIMEOUT (default 300) bounds the cluster phase.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SLURM_DIR=$ROOT/scripts/slurm
NERV=${1:-$ROOT/build/bin/nerv}
TIMEOUT=${CHECK_SLURM_TIMEOUT:-300}

fail() { echo "check-slurm: FAILED: $*" >&2; exit 1; }

[ -x "$NERV" ] || fail "no nerv binary at $NERV (make build)"
NERV=$(cd "$(dirname "$NERV")" && pwd)/$(basename "$NERV")
if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then
        exec sudo -n -E "$0" "$NERV"
    fi
    fail "needs root: slurmd starts the jobs as root (run make check as root, or allow sudo)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nerv-check-slurm.XXXXXX")
cleanup() {
    "$SLURM_DIR/cluster.sh" stop "$TMP/cluster" || echo "check-slurm: stopping the cluster failed" >&2
    rm -rf "$TMP"
}
trap cleanup EXIT
# Ctrl-C or a kill still stops the daemons: exit runs the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$TMP"

start=$SECONDS
# Not eval "$(...)": that would hide a failed start.
export_conf=$("$SLURM_DIR/cluster.sh" start "$TMP/cluster") || fail "the Slurm cluster did not start"
eval "$export_conf"
echo "check-slurm: cluster up in $((SECONDS - start)) s ($SLURM_CONF)"

# The first 8 frames of the real fixture: 4 segments of 2 frames.
FIXTURE=$ROOT/tests/fixtures/carphone_176x144_16f.y4m
FRAME_BYTES=$((6 + 176 * 144 * 3 / 2))
header=$(head -n 1 "$FIXTURE")
head -c $((${#header} + 1 + 8 * FRAME_BYTES)) "$FIXTURE" >clip.y4m

# Tiny settings: the check is about the plumbing, not the picture. One thread everywhere: CPU
# results depend on the thread count, and the bytes are compared.
SETTINGS=(--arch hnerv --size 20k --epochs "${CHECK_SLURM_EPOCHS:-10}" --seed 1 --threads 1)

t=$SECONDS
"$NERV" encode clip.y4m -o single.nerv --segment_frames 2 "${SETTINGS[@]}" --checkpoint '' -q ||
    fail "the single-process encode failed"
echo "check-slurm: single-process encode: $(wc -c <single.nerv) bytes in $((SECONDS - t)) s"

# A checkpoint every epoch, so that the requeued task has one to resume from.
t=$SECONDS
submitted=$(NERV=$NERV "$SLURM_DIR/submit.sh" clip.y4m all.nerv --segment_frames 2 --segments-per-task 2 \
    "${SETTINGS[@]}" --checkpoint_every 1)
array_job=$(sed -n 's/^array_job=\([0-9]*\) tasks=2 .*/\1/p' <<<"$submitted")
concat_job=$(sed -n 's/^concat_job=\([0-9]*\)$/\1/p' <<<"$submitted")
{ [ -n "$array_job" ] && [ -n "$concat_job" ]; } || fail "submit.sh printed '$submitted' (expected 2 tasks)"
PARTS=$TMP/all.nerv.parts
echo "check-slurm: array job $array_job (2 tasks), concat job $concat_job"

show_state() {
    echo "--- squeue" >&2
    squeue >&2 || true
    for j in "$array_job" "$concat_job"; do
        echo "--- scontrol show job $j" >&2
        scontrol show job "$j" >&2 || true
    done
    for f in "$PARTS"/logs/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
    return 0
}
deadline=$((SECONDS + TIMEOUT))
on_time() { [ $SECONDS -lt $deadline ] || { show_state; fail "$1 within $TIMEOUT s"; }; }

# Preempt task 0 as Slurm would: requeue it once its first checkpoint is on disk.
while [ ! -f "$PARTS/part-00000.nerv.ckpt" ]; do
    [ ! -f "$PARTS/part-00000.nerv" ] || { show_state; fail "task 0 finished before it could be requeued"; }
    on_time "no checkpoint of task 0"
    sleep 0.05
done
scontrol requeue "${array_job}_0" || { show_state; fail "scontrol requeue ${array_job}_0 failed"; }
echo "check-slurm: requeued task ${array_job}_0 at its first checkpoint"

while [ -n "$(squeue -h -j "$array_job,$concat_job" -o %i 2>/dev/null)" ]; do
    on_time "the jobs did not finish"
    sleep 1
done
echo "check-slurm: jobs done in $((SECONDS - t)) s"

state=$(scontrol show job "$concat_job" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$state" = COMPLETED ] || { show_state; fail "the concat job ended $state"; }
log0=$(cat "$PARTS"/logs/encode-"${array_job}"_0.log)
grep -q "task 0, run 2," <<<"$log0" || { show_state; fail "task 0 did not run a second time"; }
grep -q "resuming from" <<<"$log0" || { show_state; fail "task 0 did not resume from its checkpoint"; }
[ -f all.nerv ] || { show_state; fail "no all.nerv"; }
"$NERV" info all.nerv | head -n 3
cmp single.nerv all.nerv || fail "all.nerv (2 array tasks + concat) differs from single.nerv (one process)"
echo "check-slurm: passed: $(wc -c <all.nerv) bytes, identical to the single-process encode" \
    "(requeue included), $((SECONDS - start)) s"

#!/usr/bin/env bash
# The OpenMP wait policy on a shared machine (docs/benchmarks.md, "Threads on a shared machine"):
# wall time of one small encode with each wait setting, on an idle machine and beside 1 and 2
# busy processes (shell loops, stopped whatever happens). Measured, not asserted.
#
#   bench/threads.sh NERV_CLI CLIP OUT_DIR
#
# Writes OUT_DIR/threads.md. THREADS_REPS (default 2) runs per cell, THREADS_LOADS (default
# "0 1 2") busy processes, THREADS_EPOCHS (default 10). Run it on an otherwise quiet machine.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 NERV_CLI CLIP OUT_DIR" >&2; exit 2; }
nerv=$(realpath "$1")
clip=$2
out=$3
REPS=${THREADS_REPS:-2}
LOADS=${THREADS_LOADS:-0 1 2}
EPOCHS=${THREADS_EPOCHS:-10}
mkdir -p "$out"
work=$(mktemp -d)
busy=()
stop_busy() {
    for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    busy=()
}
trap 'stop_busy; rm -rf "$work"' EXIT

# Columns: a name and the environment it runs with. "nerv" is the CLI's own default.
names=("libgomp default (spin 300000)" "spin 3000" "**nerv default (spin 1000)**" "OMP_WAIT_POLICY=passive" "--threads 1")
envs=("GOMP_SPINCOUNT=300000" "GOMP_SPINCOUNT=3000" "NERV_BENCH=1" "OMP_WAIT_POLICY=passive" "NERV_BENCH=1")
threads=(2 2 2 2 1)

encode_seconds() {  # ENV THREADS
    local t0 t1
    t0=$(date +%s.%N)
    env "$1" "$nerv" encode "$clip" -o "$work/out.nerv" --arch hnerv --size 20k --epochs "$EPOCHS" \
        --segment_frames 8 --segments 0:2 --threads "$2" --checkpoint '' -q >"$work/log" 2>&1 || {
        echo "threads: encode failed ($1, threads $2)" >&2
        tail -5 "$work/log" >&2
        exit 1
    }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

{
    echo "HNeRV 20k, $EPOCHS epochs, first 16 frames of $(basename "$clip"), wall seconds per run ($REPS runs)."
    echo
    printf '| busy processes |'; printf ' %s |' "${names[@]}"; echo
    printf '|---|'; printf -- '---|%.0s' "${names[@]}"; echo
    for load in $LOADS; do
        for _ in $(seq 1 "$load"); do (while :; do :; done) & busy+=($!); done
        printf '| %s |' "$load"
        for i in "${!names[@]}"; do
            cell=()
            for _ in $(seq 1 "$REPS"); do cell+=("$(encode_seconds "${envs[$i]}" "${threads[$i]}")"); done
            printf ' %s |' "$(IFS=,; echo "${cell[*]}" | sed 's/,/, /g')"
        done
        echo
        stop_busy
    done
} | tee "$out/threads.md"

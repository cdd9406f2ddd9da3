#!/usr/bin/env bash
# Runs every fuzz target for a time budget (docs/testing.md, "Fuzzing").
#
#   fuzz/run.sh FUZZ_BUILD_DIR SECONDS_PER_TARGET WORK_DIR [TARGET...]
#
# Each target first replays fuzz/regressions/<target>/ (inputs that once broke it), then fuzzes
# from fuzz/corpus/<target>/ plus WORK_DIR/<target>/ (where new inputs go) for the budget. A
# crash is saved under WORK_DIR/crashes/ and fails the run. One summary line per target goes
# to stdout and is appended to WORK_DIR/summary.tsv: date, target, seconds, executions,
# corpus size, new inputs, result.
set -uo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 FUZZ_BUILD_DIR SECONDS WORK_DIR [TARGET...]" >&2
    exit 2
fi
build=$1 seconds=$2 work=$3
shift 3
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(container tensor_payload decoder)
    # The FFmpeg demuxer target exists only where `make ffmpeg` built the patched tree.
    if [ -x "$build/fuzz_demuxer" ]; then
        targets+=(demuxer)
    else
        echo "fuzz: demuxer skipped: $build/fuzz_demuxer was not built (needs make ffmpeg)" >&2
    fi
fi
src=$(cd "$(dirname "$0")" && pwd)

# LibTorch keeps process-lifetime allocations (operator registries) that LeakSanitizer would
# report after every input of fuzz_decoder and fuzz_demuxer (which loads libnerv.so); the library's own leaks are checked by the
# torch-free targets and by `make check-asan`'s unit suite.
leaks_for() { case $1 in decoder | demuxer) echo 0 ;; *) echo 1 ;; esac; }

mkdir -p "$work/crashes"
status=0
for t in "${targets[@]}"; do
    bin="$build/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "fuzz: $bin is missing (make fuzz-build)" >&2
        status=1
        continue
    fi
    mkdir -p "$work/$t"
    common=(-detect_leaks="$(leaks_for "$t")" -rss_limit_mb=2048 -timeout=20 -max_len=65536)
    regressions=("$src/regressions/$t"/*)
    if [ -e "${regressions[0]}" ]; then
        if ! "$bin" "${common[@]}" "${regressions[@]}" >"$work/$t.replay.log" 2>&1; then
            echo "fuzz: $t: a regression input fails again (see $work/$t.replay.log)" >&2
            status=1
            continue
        fi
    fi
    log="$work/$t.log"
    "$bin" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$t-" "$work/$t" "$src/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
    corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*')
    result=ok
    if [ $rc -ne 0 ]; then
        result="CRASH (rc $rc, see $log and $work/crashes/)"
        status=1
    fi
    line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(date -u +%FT%TZ)" "$t" "$seconds" "${runs:-0}" "${corpus:-0}" \
        "${added:-0}" "$result")
    echo "$line" >>"$work/summary.tsv"
    printf 'fuzz %-15s %4ss  %9s executions  corpus %5s  new %5s  %s\n' "$t" "$seconds" "${runs:-0}" \
        "${corpus:-0}" "${added:-0}" "$result"
done
exit $status

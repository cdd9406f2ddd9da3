#!/usr/bin/env bash
# Encode a clip on a Slurm cluster: a job array whose tasks each code a range of segments into a
# part, then a job that joins the parts into OUT.nerv once all tasks succeeded (docs/distributed.md).
#
#   scripts/slurm/submit.sh IN.y4m OUT.nerv --segment_frames N [options] [nerv encode settings]
#
#   --segment_frames N      frames per segment (required: the parts must agree on it)
#   --segments-per-task K   segments coded by one array task (default 1)
#   --frames F              frames of the clip (default: counted in IN.y4m)
#   --threads T             torch threads per task (default: --cpus-per-task)
#   --cpus-per-task C       CPUs Slurm gives each task (default: T, else 1)
#   --parts DIR             where the parts and logs go (default OUT.nerv.parts)
#   --reuse-parts           keep parts already in DIR (finished work of an earlier submission)
#   --max-parallel M        run at most M tasks at once (sbatch --array=...%M)
#   --sbatch ARG            an extra sbatch option for the encode tasks (repeatable),
#                           e.g. --sbatch --gres=gpu:1 --sbatch --partition=gpu
# Every other option goes to `nerv encode` (e.g. --arch hnerv --size 300k --device cuda).
#
# Prints array_job=ID tasks=T segments=S and concat_job=ID. Paths must be on a file system every
# node sees. Environment: NERV (the nerv binary, default `nerv` on PATH on the nodes).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "submit: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: $0 IN.y4m OUT.nerv --segment_frames N [options] (see the script's header)"
IN=$1 OUT=$2
shift 2
[ "$IN" != - ] || die "the input must be a file every task can read, not stdin"
[ -f "$IN" ] || die "no input file $IN"

SEGMENT_FRAMES="" K=1 FRAMES="" THREADS="" CPUS="" PARTS="" REUSE=0 MAX_PARALLEL=""
SBATCH_EXTRA=()
ENCODE=()
# The value of option $arg from the next argument ("take ... && shift"), unless it came as --name=value.
take() {
    [ "$has_value" = 0 ] || return 1
    [ $# -gt 0 ] || die "option $arg needs a value"
    value=$1
}
while [ $# -gt 0 ]; do
    arg=$1
    shift
    # nerv's own spelling rules: --name value, --name=value, dashes or underscores.
    name=${arg#-}
    name=${name#-}
    value=""
    has_value=0
    case "$name" in *=*) value=${name#*=} name=${name%%=*} has_value=1 ;; esac
    name=${name//-/_}
    case "$arg" in -*) ;; *) die "unexpected argument '$arg'" ;; esac
    case "$name" in
        segment_frames) take "$@" && shift; SEGMENT_FRAMES=$value ;;
        segments_per_task) take "$@" && shift; K=$value ;;
        frames) take "$@" && shift; FRAMES=$value ;;
        threads) take "$@" && shift; THREADS=$value ;;
        cpus_per_task) take "$@" && shift; CPUS=$value ;;
        parts) take "$@" && shift; PARTS=$value ;;
        reuse_parts) REUSE=1 ;;
        max_parallel) take "$@" && shift; MAX_PARALLEL=$value ;;
        sbatch) take "$@" && shift; SBATCH_EXTRA+=("$value") ;;
        # Each task has its own output and checkpoint (PART.nerv.ckpt) and always resumes.
        o | segments | resume | checkpoint) die "option $arg is set per task by the job scripts" ;;
        *)
            ENCODE+=("$arg")
            # Settings take a value; the flags `nerv encode` knows take none.
            case "$name" in q | quiet | v | verbose) ;; *)
                if [ "$has_value" = 0 ]; then
                    [ $# -gt 0 ] || die "option $arg needs a value"
                    ENCODE+=("$1")
                    shift
                fi
                ;;
            esac
            ;;
    esac
done

is_count() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }
is_count "$SEGMENT_FRAMES" ||
    die "--segment_frames N (N >= 1) is required: every part and the stream must agree on the segments"
is_count "$K" || die "--segments-per-task must be >= 1"
[ -z "$THREADS" ] || [[ "$THREADS" =~ ^[0-9]+$ ]] || die "--threads must be a number"
[ -n "$CPUS" ] || { [ -n "$THREADS" ] && [ "$THREADS" -ge 1 ] && CPUS=$THREADS; } || CPUS=1
is_count "$CPUS" || die "--cpus-per-task must be >= 1"
[ -z "$MAX_PARALLEL" ] || is_count "$MAX_PARALLEL" || die "--max-parallel must be >= 1"

# Complete frames in a Y4M file: FRAME headers may carry parameters, so walk them rather than
# divide the file size.
count_frames() {
    python3 - "$1" <<'EOF'
import os, re, sys
with open(sys.argv[1], "rb") as f:
    header = f.readline()
    if not header.startswith(b"YUV4MPEG2 "):
        sys.exit("submit: %s is not a Y4M file" % sys.argv[1])
    tags = {t[:1]: t[1:].decode() for t in header.split()[1:]}
    w, h, c = int(tags.get(b"W", 0)), int(tags.get(b"H", 0)), tags.get(b"C", "420jpeg")
    depth = re.search(r"p(\d+)$", c) or re.search(r"mono(\d+)$", c)
    sample = 2 if depth and int(depth.group(1)) > 8 else 1
    cw, ch = (w + 1) // 2, (h + 1) // 2
    if c.startswith("mono"):
        samples = w * h
    elif c.startswith("420"):
        samples = w * h + 2 * cw * ch
    elif c.startswith("422"):
        samples = w * h + 2 * cw * h
    elif c.startswith("444alpha"):
        samples = 4 * w * h
    elif c.startswith("444"):
        samples = 3 * w * h
    else:
        sys.exit("submit: Y4M colour space C%s not known here: pass --frames" % c)
    size, end, n = samples * sample, os.fstat(f.fileno()).st_size, 0
    while True:
        line = f.readline()
        if not line.startswith(b"FRAME") or f.tell() + size > end:
            break
        f.seek(size, 1)
        n += 1
print(n)
EOF
}

IN=$(cd "$(dirname "$IN")" && pwd)/$(basename "$IN")
mkdir -p "$(dirname "$OUT")"
OUT=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
PARTS=${PARTS:-$OUT.parts}
mkdir -p "$PARTS/logs"
PARTS=$(cd "$PARTS" && pwd)
[ -n "$FRAMES" ] || FRAMES=$(count_frames "$IN")
is_count "$FRAMES" || die "the clip has no frames ($IN)"
SEGMENTS=$(((FRAMES + SEGMENT_FRAMES - 1) / SEGMENT_FRAMES))
TASKS=$(((SEGMENTS + K - 1) / K))

shopt -s nullglob
old=("$PARTS"/part-*.nerv "$PARTS"/part-*.nerv.ckpt)
if [ ${#old[@]} -gt 0 ] && [ "$REUSE" = 0 ]; then
    die "$PARTS holds parts of an earlier encode: remove them, or pass --reuse-parts to keep the finished ones"
fi

# Resolved here, so that the tasks run the binary the submitter meant; sbatch passes the
# environment on (--export=ALL).
if [ -n "${NERV:-}" ] && [[ "$NERV" == */* ]]; then
    NERV=$(cd "$(dirname "$NERV")" && pwd)/$(basename "$NERV")
fi
export NERV=${NERV:-nerv}
if [ -n "$THREADS" ]; then export NERV_THREADS=$THREADS; else unset NERV_THREADS; fi

array=0-$((TASKS - 1))${MAX_PARALLEL:+%$MAX_PARALLEL}
array_job=$(sbatch --parsable --array="$array" --cpus-per-task="$CPUS" \
    --output="$PARTS/logs/encode-%A_%a.log" "${SBATCH_EXTRA[@]}" \
    "$HERE/nerv-encode-array.sbatch" "$IN" "$PARTS" "$SEGMENT_FRAMES" "$K" "$SEGMENTS" "${ENCODE[@]}")
array_job=${array_job%%;*}
# kill-on-invalid-dep: when a task fails for good, the join is cancelled instead of pending forever.
concat_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
    --output="$PARTS/logs/concat-%j.log" "$HERE/nerv-concat.sbatch" "$OUT" "$PARTS" "$TASKS")
concat_job=${concat_job%%;*}

echo "submit: $FRAMES frames, $SEGMENTS segments of $SEGMENT_FRAMES frames, $TASKS tasks of $K segments;" \
    "parts and logs in $PARTS" >&2
echo "array_job=$array_job tasks=$TASKS segments=$SEGMENTS"
echo "concat_job=$concat_job"

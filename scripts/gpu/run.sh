#!/usr/bin/env bash
# The GPU check, in one call of at most 8 minutes on one H100 (docs/benchmarks.md, "GPU"):
#  1. nerv and its API tests, carried in .gpu/build (scripts/gpu/prepare.sh) or else built here
#     against python3's torch; the CUDA tests (CudaTest.*);
#  2. the bunny crop (1280x640, 132 frames) trained with bf16 for as many of the 300 epochs as fit in
#     each model's time budget: HNeRV 1.5M and SNeRV-B 3M; s/epoch, PSNR of the decoded stream,
#     peak GPU memory (nvidia-smi), bytes;
#  3. decode fps of the trained 1280x640 stream and of a 1920x1080 HNeRV 1.5M stream;
#  4. the authors' HNeRV (.gpu/ref/HNeRV/model_all.py) trained the same way (float32) for s/epoch.
# Prints a markdown report and writes it to $OUT/gpu.md (the device tool's folder), else build/gpu/.
#
#   scripts/gpu/run.sh              on the GPU machine (make gpu-check); carry [".gpu"]
#   scripts/gpu/run.sh --dry-run    here, on the CPU, the same steps at tiny sizes (make check-gpu-script)
#
# Settings (environment): GPU_MODELS ("hnerv:1.5M:90 snerv:3M:100" = arch:size:training seconds),
# GPU_EPOCHS (300), GPU_FRAMES (132), GPU_CROP (1280x640), GPU_CLIP (the bunny mp4), GPU_BF16 (1),
# GPU_REF_EPOCHS (3), GPU_TEST_S (120: the CUDA tests' time limit).
# GPU_PYTHON (python3: the one with torch, for the reference).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DRY=0
[ "${1:-}" = "--dry-run" ] && DRY=1

if [ $DRY = 1 ]; then
    DEVICE=cpu
    MODELS=${GPU_MODELS:-"hnerv:20k:20 snerv:100k:20"}
    EPOCHS=${GPU_EPOCHS:-2} FRAMES=${GPU_FRAMES:-4} CROP=${GPU_CROP:-320x160} REF_EPOCHS=${GPU_REF_EPOCHS:-2}
    DEC_SIZE=320x180 DEC_MODEL=20k PROBE_EPOCHS=2 TEST_FILTER='CudaTest.*'
else
    DEVICE=cuda
    MODELS=${GPU_MODELS:-"hnerv:1.5M:90 snerv:3M:100"}
    EPOCHS=${GPU_EPOCHS:-300} FRAMES=${GPU_FRAMES:-132} CROP=${GPU_CROP:-1280x640} REF_EPOCHS=${GPU_REF_EPOCHS:-3}
    DEC_SIZE=1920x1080 DEC_MODEL=1.5M PROBE_EPOCHS=5 TEST_FILTER='CudaTest.*'
fi
BF16=${GPU_BF16:-1}
TEST_S=${GPU_TEST_S:-120}
W=${CROP%x*} H=${CROP#*x}
REPORT_DIR=${OUT:-$ROOT/build/gpu}
WORK=$ROOT/build/gpu/run
mkdir -p "$REPORT_DIR" "$WORK"
REPORT=$REPORT_DIR/gpu.md
T0=$(date +%s)
log() { echo "[gpu $(($(date +%s) - T0))s] $*" >&2; }
: >"$REPORT"
say() { echo "$*" | tee -a "$REPORT"; }
# A step that failed: the dry run stops (a typo must fail here); the GPU run reports it and goes on, so
# that one call brings back every number it can. Returns 0 so that callers can `continue`.
FAILED=
failed() {
    echo "gpu: FAILED: $1" >&2
    [ $DRY = 1 ] && exit 1
    FAILED="${FAILED:+$FAILED, }$1"
    say "- FAILED: $1"
    return 0
}

# --- 1. the programs ------------------------------------------------------------------------------
PY=${GPU_PYTHON:-python3}
torch_lib=$($PY -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)
if [ $DRY = 1 ]; then
    make -s build >&2
    NERV=$ROOT/build/bin/nerv TESTS=$ROOT/build/bin/nerv_api_tests
else
    export LD_LIBRARY_PATH=$ROOT/.gpu/build/lib${torch_lib:+:$torch_lib}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    NERV=$ROOT/.gpu/build/bin/nerv TESTS=$ROOT/.gpu/build/bin/nerv_api_tests
    if ! "$NERV" --version >/dev/null 2>&1; then
        log "no usable carried build in .gpu/build: building against python3's torch"
        prefix=$($PY -c 'import torch; print(torch.utils.cmake_prefix_path)')
        cmake -S model -B "$WORK/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
            -DNERV_TESTS=OFF -DNERV_OUTPUT_DIR="$WORK/out" >"$WORK/cmake.log"
        cmake --build "$WORK/cmake" -j "$(nproc)" --target nerv_cli >"$WORK/build.log"
        NERV=$WORK/out/bin/nerv TESTS=
    fi
fi
say "# GPU check ($([ $DRY = 1 ] && echo 'dry run on the CPU, tiny sizes' || echo "$DEVICE"))"
say ""
say "- machine: $(nvidia-smi -L 2>/dev/null | head -n1 || echo 'no nvidia-smi'); $(nproc) cores"
say "- nerv: $("$NERV" --version 2>&1 | head -n1); python3 torch $($PY -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null || echo 'absent')"
say "- settings: crop $CROP, $FRAMES frames, up to $EPOCHS epochs, bf16 $BF16, models $MODELS"

if [ -n "${TESTS:-}" ] && [ -x "$TESTS" ]; then
    log "CUDA tests"
    set +e
    NERV_TEST_FIXTURES=$ROOT/tests/fixtures NERV_TEST_BIN_DIR=$(dirname "$NERV") \
        timeout "$TEST_S" "$TESTS" --gtest_filter="$TEST_FILTER" --gtest_brief=1 >"$WORK/tests.log" 2>&1
    rc=$?
    set -e
    summary=$(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$WORK/tests.log" | tr '\n' ' ')
    say "- CUDA tests (\`$TEST_FILTER\`): exit $rc${summary:+; $summary}"
    [ $rc = 0 ] || { tail -n 30 "$WORK/tests.log" >&2; failed "CUDA tests (exit $rc)"; }
else
    say "- CUDA tests: not run (no test binary; .gpu/build comes from scripts/gpu/prepare.sh)"
fi

# --- 2. the clip -----------------------------------------------------------------------------------
clip=${GPU_CLIP:-}
for c in "$ROOT/.gpu/data/bunny_1280x720_132f.mp4" "$ROOT/../shared/data/clips/bunny_1280x720_132f.mp4"; do
    [ -z "$clip" ] && [ -f "$c" ] && clip=$c
done
if [ -z "$clip" ] && [ $DRY = 1 ]; then  # without ../shared: the committed fixture
    clip=$ROOT/tests/fixtures/carphone_176x144_16f.y4m CROP=160x128 W=160 H=128
fi
[ -n "$clip" ] || { echo "gpu: no bunny clip: set GPU_CLIP or run scripts/gpu/prepare.sh" >&2; exit 1; }
y4m=$WORK/bunny_${W}x${H}_${FRAMES}.y4m rgb=$WORK/bunny_${W}x${H}_${FRAMES}.rgb
if [ ! -f "$y4m" ] || [ ! -f "$rgb" ]; then
    log "frames of $(basename "$clip")"
    $PY scripts/gpu/frames.py "$clip" --crop "$CROP" --frames "$FRAMES" --y4m "$y4m" --rgb "$rgb"
fi

# Peak GPU memory of a command: nvidia-smi sampled every 100 ms, minus what was in use before.
gpu_mem_start() {
    mem_log=$WORK/mem.log
    : >"$mem_log"
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$mem_log" 2>/dev/null &
        mem_pid=$!
        sleep 0.3
    else
        mem_pid=
    fi
}
gpu_mem_peak() {
    [ -n "$mem_pid" ] && kill "$mem_pid" 2>/dev/null && wait "$mem_pid" 2>/dev/null || true
    awk 'NR == 1 { base = $1 } $1 > max { max = $1 } END { if (NR) print max - base; else print "-" }' "$mem_log"
}

# s/epoch from the encoder's progress lines (elapsed in whole seconds): the slope between the first
# and the last epoch printed, else the last elapsed / epochs.
seconds_per_epoch() {
    $PY - "$1" <<'PY'
import re, sys
sys.path.insert(0, "bench")
from speed import to_seconds as secs
rows = [(int(e), secs(t)) for e, t in re.findall(r"train epoch (\d+)/\d+ .*?elapsed (\S+)", open(sys.argv[1]).read())]
if not rows:
    sys.exit("no progress lines")
(e0, t0), (e1, t1) = rows[0], rows[-1]
print(f"{(t1 - t0) / (e1 - e0):.3f}" if e1 > e0 and t1 > t0 else f"{max(t1, 1) / e1:.3f}")
PY
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$2" | head -n1; }

encode() {  # ARCH SIZE EPOCHS OUT.nerv LOG [INPUT]
    "$NERV" encode "${6:-$y4m}" -o "$4" --arch "$1" --size "$2" --epochs "$3" --device "$DEVICE" \
        --bf16 "$([ $DEVICE = cuda ] && echo "$BF16" || echo 0)" --checkpoint '' -v >"$5" 2>&1 || {
        tail -n 20 "$5" >&2
        return 1
    }
}

say ""
say "| model | parameters | epochs | s/epoch | train time (s) | PSNR decoded (dB) | bytes | decode fps ${W}x${H} | peak GPU MiB |"
say "|---|---|---|---|---|---|---|---|---|"
for m in $MODELS; do
    IFS=: read -r arch size budget <<<"$m"
    log "$arch $size: probe ($PROBE_EPOCHS epochs)"
    if ! encode "$arch" "$size" "$PROBE_EPOCHS" "$WORK/probe.nerv" "$WORK/probe.log"; then
        failed "$arch $size: the probe encode" && continue
    fi
    spe=$(seconds_per_epoch "$WORK/probe.log")
    epochs=$($PY -c "import sys; print(max(1, min($EPOCHS, int($budget / max($spe, 1e-3)))))")
    log "$arch $size: ~$spe s/epoch -> $epochs epochs in $budget s"
    gpu_mem_start
    t=$(date +%s.%N)
    ok=1
    encode "$arch" "$size" "$epochs" "$WORK/$arch.nerv" "$WORK/$arch.log" || ok=0
    t=$($PY -c "import time; print(f'{time.time() - $t:.1f}')")
    peak=$(gpu_mem_peak)
    [ $ok = 1 ] || { failed "$arch $size: the encode" && continue; }
    "$NERV" eval "$WORK/$arch.nerv" "$y4m" --device "$DEVICE" >"$WORK/$arch.eval" 2>&1 ||
        failed "$arch $size: nerv eval ($(tail -n1 "$WORK/$arch.eval"))" || true
    params=$(sed -n 's/.*(\([a-z-]*\), \([0-9]*\) parameters.*/\2/p' "$WORK/$arch.log" | tail -n1)
    say "| $arch $size | ${params:--} | $epochs / $EPOCHS | $(seconds_per_epoch "$WORK/$arch.log") | $t |" \
        "$(field psnr_rgb "$WORK/$arch.eval") | $(field bytes "$WORK/$arch.eval") |" \
        "$(field decode_fps "$WORK/$arch.eval") | $peak |"
done

# --- 3. decode speed at 1080p (content does not matter: a synthetic clip, one epoch) ----------------
dw=${DEC_SIZE%x*} dh=${DEC_SIZE#*x}
log "decode ${DEC_SIZE}"
"$NERV" synth -o "$WORK/synth.y4m" --width "$dw" --height "$dh" --frames 8 >/dev/null
say ""
if encode hnerv "$DEC_MODEL" 1 "$WORK/dec.nerv" "$WORK/dec.log" "$WORK/synth.y4m" &&
    "$NERV" eval "$WORK/dec.nerv" "$WORK/synth.y4m" --device "$DEVICE" >"$WORK/dec.eval" 2>&1; then
    say "- decode ${DEC_SIZE} (HNeRV $DEC_MODEL, 8 frames, to RGB): $(field decode_fps "$WORK/dec.eval") fps"
else
    failed "decode ${DEC_SIZE}" || true
fi

# --- 4. the reference ------------------------------------------------------------------------------
ref=$ROOT/.gpu/ref/HNeRV
[ -f "$ref/model_all.py" ] || ref=${REF_HNERV:-}
first=${MODELS%% *}
IFS=: read -r arch size _ <<<"$first"
if [ "$arch" = hnerv ] && [ -n "$ref" ] && [ -f "$ref/model_all.py" ] && $PY -c 'import torch' 2>/dev/null; then
    log "reference HNeRV $size"
    cfg=$($PY - "$NERV" "$W" "$H" "$FRAMES" "$size" <<'PY'
import json, sys
sys.path.insert(0, "bench")
import speed
nerv, w, h, frames, size = sys.argv[1:]
c = speed.arch_config(nerv, "hnerv", int(w), int(h), int(frames), size)
print(json.dumps({k: c[k] for k in speed.REF_KEYS["hnerv"]}))
PY
)
    $PY bench/ref_hnerv.py --ref "$ref" --rgb "$rgb" --width "$W" --height "$H" --frames "$FRAMES" \
        --epochs "$REF_EPOCHS" --decode-frames 4 --device "$DEVICE" --config "$cfg" >"$WORK/ref.json" ||
        failed "the reference HNeRV" || true
    [ -s "$WORK/ref.json" ] && $PY - "$WORK/ref.json" <<'PY' | tee -a "$REPORT"
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
e = r["epoch_s"][1:] or r["epoch_s"]  # the first epoch includes cuDNN's autotuning
print(f"- reference HNeRV (torch {r['torch']}, float32, same frames and batch 2): {sum(e) / len(e):.3f} s/epoch "
      f"(epochs 2..{len(r['epoch_s'])}), decode {1000 / r['decode_ms_per_frame']:.2f} fps"
      + (f", peak GPU {r['peak_gpu_mib']:.0f} MiB" if "peak_gpu_mib" in r else ""))
PY
else
    say "- reference HNeRV: not run (needs .gpu/ref/HNeRV/model_all.py or REF_HNERV, and python3's torch)"
fi
say "- total $(($(date +%s) - T0)) s${FAILED:+; failed: $FAILED}"
log "report: $REPORT"
[ -z "$FAILED" ]

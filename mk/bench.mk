# Benchmarks (docs/benchmarks.md). Both targets install their extra packages (scripts/install-deps.sh
# --bench: gnuplot, numpy, python3-torch), build nerv, run, and summarize; results stay under
# $(BENCH_OUT) and a re-run only measures what is missing (delete the folder to start over).
#
#   make bench-rd       RD points for nerv, x264, x265, libaom AV1 -> rd.csv, bd.md (BD-rate tables), PNG plots
#                       PROFILE=quick|compress|full (default quick; results in rd/, rd-compress/, rd-full/),
#                       CLIPS=a.mp4,b.h264 (default: ../shared/data clips), JOBS=N nerv points at once
#   make bench-speed    training s/epoch and to a target PSNR, decode fps 720p/1080p, peak memory per model;
#                       REF_HNERV=DIR / REF_NERV=DIR add the authors' reference code side by side
#                       DEVICE=cpu|cuda (default: cuda when nvidia-smi sees a GPU), THREADS=N (default: all)
#   make bench-tasks    the downstream tasks through ffmpeg (bench/interp.sh, denoise.sh, inpaint.sh, sr.sh):
#                       frame interpolation, denoising, inpainting, super-resolution on TASK_CLIP, first
#                       TASK_FRAMES frames, TASK_EPOCHS epochs -> $(BENCH_OUT)/<task>/table.md
#   make bench-scale    peak memory of encode/decode/ffmpeg/ffplay on N and 4N frames (same segment length), and
#                       wall time of workers x threads (--jobs) -> $(BENCH_OUT)/scale/scale.md (SCALE_CLIP=FILE)
#   make bench-threads  wall time of a small encode per OpenMP wait setting, idle and beside 1-2 busy processes
#                       -> $(BENCH_OUT)/threads/threads.md (THREADS_CLIP=FILE.y4m, THREADS_REPS=N)
#   make bench-selftest the BD-rate implementation against VMAF's published vectors and the Huffman baseline's
#                       stream parser on the fuzz corpus (both also part of make check)
#
# BENCH_LOCK=/path/to/lockfile runs every CPU-heavy step under flock (for shared machines).

BENCH_OUT ?= $(BUILD_DIR)/bench
PROFILE ?= quick
JOBS ?= 1
CLIPS ?=
REF_HNERV ?=
REF_NERV ?=
THREADS ?= 0
DEVICE ?= $(shell nvidia-smi -L >/dev/null 2>&1 && echo cuda || echo cpu)
# Debian's interpreter: it is the one python3-numpy / python3-torch install into.
BENCH_PY ?= /usr/bin/python3
TASK_CLIP ?= $(abspath ../shared/data/clips/carphone_qcif.mp4)
TASK_FRAMES ?= 32
TASK_EPOCHS ?= 100
BENCH_TASKS ?= $(wildcard $(addprefix bench/,interp.sh denoise.sh inpaint.sh sr.sh))

.PHONY: bench-deps bench-rd bench-speed bench-tasks bench-scale bench-threads bench-selftest check-bench-bdrate

bench-deps:
	@scripts/install-deps.sh --bench

bench-rd: bench-deps
	@$(MAKE) --no-print-directory build
	$(BENCH_PY) bench/rd.py --profile $(PROFILE) --out $(BENCH_OUT)/rd$(if $(filter-out quick,$(PROFILE)),-$(PROFILE)) \
	    --nerv $(BUILD_DIR)/bin/nerv --jobs $(JOBS) $(if $(CLIPS),--clips $(CLIPS))
	$(BENCH_PY) bench/rd_report.py $(BENCH_OUT)/rd$(if $(filter-out quick,$(PROFILE)),-$(PROFILE))

bench-speed: bench-deps
	@$(MAKE) --no-print-directory build
	REF_HNERV="$(REF_HNERV)" REF_NERV="$(REF_NERV)" $(BENCH_PY) bench/speed.py --profile $(PROFILE) \
	    --device $(DEVICE) --threads $(THREADS) --out $(BENCH_OUT)/speed --nerv $(BUILD_DIR)/bin/nerv
	$(BENCH_PY) bench/speed_report.py $(BENCH_OUT)/speed/speed.json

bench-tasks: bench-deps
	@$(MAKE) --no-print-directory ffmpeg
	@test -f "$(TASK_CLIP)" || { echo "bench-tasks: no clip $(TASK_CLIP): set TASK_CLIP=FILE" >&2; exit 1; }
	set -e; for t in $(BENCH_TASKS); do $$t "$(TASK_CLIP)" $(TASK_FRAMES) $(TASK_EPOCHS); done

SCALE_CLIP ?= $(wildcard $(abspath ../shared/data/clips/carphone_qcif.mp4))

bench-scale:
	@$(MAKE) --no-print-directory ffmpeg
	bench/scale.sh $(BUILD_DIR)/bin/nerv $(BUILD_DIR)/ffmpeg $(BENCH_OUT)/scale $(SCALE_CLIP)

THREADS_CLIP ?= $(abspath tests/fixtures/carphone_176x144_16f.y4m)

bench-threads:
	@$(MAKE) --no-print-directory build
	bench/threads.sh $(BUILD_DIR)/bin/nerv $(THREADS_CLIP) $(BENCH_OUT)/threads

bench-selftest check-bench-bdrate:
	@python3 bench/bdrate.py --selftest
	@python3 bench/nerv_huffman.py --selftest fuzz/corpus/container

CHECK_EXTRA += check-bench-bdrate

# The GPU check (docs/benchmarks.md, "GPU"): prepared here, run in one call on a GPU machine.
#
#   make gpu-prepare REF_HNERV=DIR  build nerv + its API tests against torch 2.11.0+cu130's LibTorch (the
#                                   wheel, downloaded), gather the bunny clip and the reference's model_all.py
#                                   -> .gpu/ (git-ignored; the device tool carries it)
#   make gpu-check                  scripts/gpu/run.sh on the GPU machine: CUDA tests, bf16 training of
#                                   HNeRV 1.5M and SNeRV-B 3M on the bunny crop, decode fps, the reference
#   make check-gpu-script           the same steps on the CPU at tiny sizes (part of make check)
#   make check-torch-wheel          the unit and API suites built against that LibTorch 2.11 (CPU; no GPU needed;
#                                   part of make check)

.PHONY: gpu-prepare gpu-check check-gpu-script

gpu-prepare:
	scripts/gpu/prepare.sh $(REF_HNERV)

gpu-check:
	scripts/gpu/run.sh

check-gpu-script:
	@scripts/gpu/run.sh --dry-run >/dev/null

CHECK_EXTRA += check-gpu-script

# The second LibTorch line: the suites built against torch 2.11.0's wheel (scripts/build-torch-wheel.sh).
.PHONY: check-torch-wheel
check-torch-wheel:
	@scripts/build-torch-wheel.sh
	cd build/gpu/cmake && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

CHECK_EXTRA += check-torch-wheel

# Distributed encoding on Slurm (docs/distributed.md, scripts/slurm/).
#
#   make check-slurm   start a throwaway single-node Slurm cluster on loopback, encode a clip as a
#                      job array (one task requeued mid-training) plus a concat job, compare the
#                      bytes with a single-process encode, stop the cluster; part of `make check`
#                      (needs root: the cluster runs jobs as root)

.PHONY: check-slurm

check-slurm: build
	@scripts/slurm/check-slurm.sh "$(BUILD_DIR)/bin/nerv"

CHECK_EXTRA += check-slurm

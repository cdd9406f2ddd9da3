# FFmpeg 7.1.5 with the nerv encoder, decoder, muxer and demuxer (docs/ffmpeg.md).
#
#   make ffmpeg          fetch (sha256-verified, cached) + patch + configure + build
#                        -> build/ffmpeg/{ffmpeg,ffprobe,ffplay}; re-runs rebuild only what changed
#   make fate            make ffmpeg, run the nerv FATE tests in the patched tree (serially),
#                        then the option and nerv-tool interoperability checks
#   make fate-gen        the same, writing missing or changed FATE references into fate/ref/
#   make patches         regenerate patches/ffmpeg-7.1.5/*.patch (FROM_TREE=build/ffmpeg-src
#                        takes edits made in the patched tree)
#   make check-patches   fail if the committed patch series is stale (part of make check)
#
# The FFmpeg source is ./configure --ffmpeg-source=PATH (a tarball or a tree) or, by default,
# Debian's ffmpeg_7.1.5.orig.tar.xz, cached in $(NERV_FFMPEG_CACHE).

FFMPEG_TREE := $(BUILD_DIR)/ffmpeg-src
FFMPEG_OUT  := $(BUILD_DIR)/ffmpeg
FFMPEG_JOBS ?= 2
NERV_FFMPEG_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nerv-ffmpeg
export NERV_FFMPEG_CACHE

.PHONY: ffmpeg fate fate-gen patches check-patches

ffmpeg: build
	@scripts/ffmpeg/build.sh --source="$(FFMPEG_SOURCE)" --tree="$(FFMPEG_TREE)" \
	    --out="$(FFMPEG_OUT)" --libnerv="$(BUILD_DIR)/lib" --jobs=$(FFMPEG_JOBS)

fate: ffmpeg
	@scripts/ffmpeg/fate.sh "$(FFMPEG_TREE)" "$(BUILD_DIR)/bin/nerv"

fate-gen: ffmpeg
	@scripts/ffmpeg/fate.sh --gen "$(FFMPEG_TREE)" "$(BUILD_DIR)/bin/nerv"

patches:
	@scripts/ffmpeg/make-patches.sh $(if $(FROM_TREE),--from-tree="$(FROM_TREE)")

check-patches:
	@scripts/ffmpeg/make-patches.sh --check

CHECK_EXTRA += check-patches fate

# LibTorch spins a thread per core: the gtest suites and FATE must never run at the same time,
# even under make -j.
.NOTPARALLEL:

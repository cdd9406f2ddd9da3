# NeRV tests: libnerv's encoder and decoder (nerv_enc, nerv), the .nerv muxer and demuxer,
# NUT and Matroska storage. No samples: the input is testsrc2 at 64x64, 8 frames, coded on
# the CPU with tiny networks, a few epochs and a fixed seed. Run them with `make fate-nerv`
# (serially: LibTorch uses every core).
#
# Coded bytes and decoded pixels depend on the CPU's floating point, so no test compares them
# with a fixed reference: quality is a floor (CMP = stddev: the RMS error against the source
# must not exceed FUZZ), and remux and seek tests compare two results of the same run
# (helpers in tests/fate/nerv.sh).

NERV_SRC  = tests/data/nerv-src.yuv
NERV_FILE = tests/data/nerv-hnerv.nerv
NERV_RAW  = -f rawvideo -pix_fmt yuv420p -video_size 64x64 -framerate 25
NERV_RUN  = . $(SRC_PATH)/tests/fate/nerv.sh;
# HNeRV, two segments of 4 frames (seeking crosses a segment), ~36k parameters each
NERV_HNERV_OPTS = -c:v nerv_enc -device cpu -seed 1 -arch hnerv -epochs 60 -lr 0.005 \
                  -segment_frames 4 -nerv-params enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5

# PNeRV-poly (spatially continuous: renders any size), one segment of 8 frames, 4x4 tiles of
# 16x16 pixels, ~20k parameters
NERV_POLY_FILE = tests/data/nerv-pnerv-poly.nerv
NERV_POLY_OPTS = -c:v nerv_enc -device cpu -seed 1 -arch pnerv-poly -epochs 40 -lr 0.003 \
                 -nerv-params fine=2,2:strides=2,2,1:channels=32,24,32,16,16,16:narrow=8:u_hidden=8:rank=32:ppe_dim=16:nonlocal_dim=8:pe_t=1.25_8:pe_fine=1.25_4

$(NERV_SRC): TAG = GEN
$(NERV_SRC): ffmpeg$(PROGSSUF)$(EXESUF) | tests/data
	$(M)$(TARGET_EXEC) $(TARGET_PATH)/$< -nostdin -v error \
        -lavfi testsrc2=size=64x64:rate=25:duration=0.32,format=yuv420p \
        -f rawvideo -y $(TARGET_PATH)/$@

$(NERV_FILE): TAG = GEN
$(NERV_FILE): ffmpeg$(PROGSSUF)$(EXESUF) $(NERV_SRC) | tests/data
	$(M)$(TARGET_EXEC) $(TARGET_PATH)/$< -nostdin -v error $(NERV_RAW) -i $(TARGET_PATH)/$(NERV_SRC) \
        $(NERV_HNERV_OPTS) -f nerv -y $(TARGET_PATH)/$@.tmp && mv $@.tmp $@

$(NERV_POLY_FILE): TAG = GEN
$(NERV_POLY_FILE): ffmpeg$(PROGSSUF)$(EXESUF) $(NERV_SRC) | tests/data
	$(M)$(TARGET_EXEC) $(TARGET_PATH)/$< -nostdin -v error $(NERV_RAW) -i $(TARGET_PATH)/$(NERV_SRC) \
        $(NERV_POLY_OPTS) -f nerv -y $(TARGET_PATH)/$@.tmp && mv $@.tmp $@

# one payload byte of the last frame record flipped (its CRC no longer matches)
tests/data/nerv-corrupt.nerv: TAG = GEN
tests/data/nerv-corrupt.nerv: $(NERV_FILE)
	$(M)cp $< $@.tmp && size=$$(wc -c < $@.tmp) && \
        printf '\377' | dd of=$@.tmp bs=1 seek=$$((size - 5)) conv=notrunc 2>/dev/null && mv $@.tmp $@

# the last 3 bytes missing
tests/data/nerv-truncated.nerv: TAG = GEN
tests/data/nerv-truncated.nerv: $(NERV_FILE)
	$(M)size=$$(wc -c < $<) && head -c $$((size - 3)) $< > $@.tmp && mv $@.tmp $@

# a file of a future major version
tests/data/nerv-version2.nerv: TAG = GEN
tests/data/nerv-version2.nerv: $(NERV_FILE)
	$(M)cp $< $@.tmp && printf '\002' | dd of=$@.tmp bs=1 seek=4 conv=notrunc 2>/dev/null && mv $@.tmp $@

NERV_DEPS = LIBNERV_ENCODER LIBNERV_DECODER NERV_MUXER NERV_DEMUXER RAWVIDEO_DEMUXER \
            RAWVIDEO_ENCODER RAWVIDEO_MUXER FRAMEMD5_MUXER NULL_MUXER TESTSRC2_FILTER \
            FORMAT_FILTER FILE_PROTOCOL PIPE_PROTOCOL

# encode (the generated file) -> decode: RMS error against the source <= FUZZ (PSNR floor)
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-hnerv-psnr
fate-nerv-hnerv-psnr: $(NERV_FILE)
fate-nerv-hnerv-psnr: CMD = ffmpeg -i $(TARGET_PATH)/$(NERV_FILE) -f rawvideo -
fate-nerv-hnerv-psnr: CMP = stddev
fate-nerv-hnerv-psnr: CMP_UNIT = 1
fate-nerv-hnerv-psnr: CMP_TARGET = 0
fate-nerv-hnerv-psnr: FUZZ = 18
fate-nerv-hnerv-psnr: REF = $(NERV_SRC)

# NeRV (frame index input) from RGB, written straight to NUT (global header), decoded to YUV
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NUT_MUXER NUT_DEMUXER SCALE_FILTER) += fate-nerv-nerv-rgb-nut
fate-nerv-nerv-rgb-nut: $(NERV_SRC)
fate-nerv-nerv-rgb-nut: CMD = $(NERV_RUN) nerv_encdec $(NERV_SRC) nut \
    "-vf scale,format=rgb24 -c:v nerv_enc -device cpu -seed 1 -arch nerv -size 20k -epochs 60 -lr 0.005 -nerv-params stem=64_1:lower_width=8:strides=4,4,4" \
    "-out_pix_fmt yuv420p"
fate-nerv-nerv-rgb-nut: CMP = stddev
fate-nerv-nerv-rgb-nut: CMP_UNIT = 1
fate-nerv-nerv-rgb-nut: CMP_TARGET = 0
fate-nerv-nerv-rgb-nut: FUZZ = 32
fate-nerv-nerv-rgb-nut: REF = $(NERV_SRC)

# what ffprobe reports that does not depend on the coded bytes
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-probe
fate-nerv-probe: $(NERV_FILE)
fate-nerv-probe: CMD = run ffprobe$(PROGSSUF)$(EXESUF) -v error -show_entries \
    format=format_name,duration:stream=codec_name,codec_type,width,height,pix_fmt,color_range,color_space,r_frame_rate,avg_frame_rate,time_base,start_pts,duration_ts,nb_frames:stream_tags=arch,parameters,segments,frames \
    $(TARGET_PATH)/$(NERV_FILE)

# stream copy nerv -> nut -> nerv and nerv -> mkv -> nerv: identical packets and files
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NUT_MUXER NUT_DEMUXER) += fate-nerv-remux-nut
fate-nerv-remux-nut: $(NERV_FILE)
fate-nerv-remux-nut: CMD = $(NERV_RUN) nerv_remux $(NERV_FILE) nut

FATE_NERV-$(call ALLYES, $(NERV_DEPS) MATROSKA_MUXER MATROSKA_DEMUXER) += fate-nerv-remux-mkv
fate-nerv-remux-mkv: $(NERV_FILE)
fate-nerv-remux-mkv: CMD = $(NERV_RUN) nerv_remux $(NERV_FILE) matroska

# seek to frames 5 (inside segment 1), 4 (its first), 2 (back into segment 0), 7 (the last)
FATE_NERV-$(call ALLYES, $(NERV_DEPS) TRIM_FILTER) += fate-nerv-seek
fate-nerv-seek: $(NERV_FILE)
fate-nerv-seek: CMD = $(NERV_RUN) nerv_seek $(NERV_FILE) 5 4 2 7

# non-seekable input
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-pipe
fate-nerv-pipe: $(NERV_FILE)
fate-nerv-pipe: CMD = $(NERV_RUN) nerv_pipe $(NERV_FILE)

# non-seekable input with a damaged segment model: that segment's frames are dropped
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-pipe-damaged
fate-nerv-pipe-damaged: $(NERV_FILE)
fate-nerv-pipe-damaged: CMD = $(NERV_RUN) nerv_pipe_damaged_model $(NERV_FILE)

# damaged files fail to open in ffmpeg and ffprobe with a clear message, never a crash
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-corrupt
fate-nerv-corrupt: tests/data/nerv-corrupt.nerv
fate-nerv-corrupt: CMD = $(NERV_RUN) nerv_damaged tests/data/nerv-corrupt.nerv "corrupt .nerv file"

FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-truncated
fate-nerv-truncated: tests/data/nerv-truncated.nerv
fate-nerv-truncated: CMD = $(NERV_RUN) nerv_damaged tests/data/nerv-truncated.nerv "truncated .nerv file"

FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-version
fate-nerv-version: tests/data/nerv-version2.nerv
fate-nerv-version: CMD = $(NERV_RUN) nerv_damaged tests/data/nerv-version2.nerv "unsupported .nerv version"

# ffplay: exit status 0 after a valid file, 1 (not a crash) for a damaged one
FATE_NERV_FFPLAY-$(call ALLYES, $(NERV_DEPS) FFPLAY) += fate-nerv-ffplay
fate-nerv-ffplay: ffplay$(PROGSSUF)$(EXESUF) $(NERV_FILE) tests/data/nerv-corrupt.nerv
fate-nerv-ffplay: CMD = $(NERV_RUN) nerv_ffplay $(NERV_FILE) tests/data/nerv-corrupt.nerv

# nerv_interp: the frames of the decoder and, between them, frames the network renders at
# in-between times (factor: 2 per input frame; fps: a 50 fps grid, the last frame held)
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NERV_INTERP_FILTER FRAMECRC_MUXER) += fate-nerv-interp
fate-nerv-interp: $(NERV_FILE)
fate-nerv-interp: CMD = $(NERV_RUN) nerv_interp $(NERV_FILE) factor=2 2

FATE_NERV-$(call ALLYES, $(NERV_DEPS) NERV_INTERP_FILTER FRAMECRC_MUXER) += fate-nerv-interp-fps
fate-nerv-interp-fps: $(NERV_FILE)
fate-nerv-interp-fps: CMD = $(NERV_RUN) nerv_interp $(NERV_FILE) fps=50

# frames that do not come from the nerv decoder are refused with a message saying how to use it
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NERV_INTERP_FILTER) += fate-nerv-interp-refuse
fate-nerv-interp-refuse: $(NERV_SRC)
fate-nerv-interp-refuse: CMD = $(NERV_RUN) nerv_must_fail ffmpeg "carry no NeRV model" \
    $(NERV_RAW) -i $(TARGET_PATH)/$(NERV_SRC) -vf nerv_interp=factor=2

# -tune denoise fitted to the source with strong noise (FFmpeg's noise filter, fixed seed): the
# decoded frames must be closer to the clean source than the noisy frames are
NERV_DENOISE_OPTS = -c:v nerv_enc -device cpu -seed 1 -arch hnerv -epochs 60 -lr 0.005 \
                    -tune denoise -nerv-params enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NOISE_FILTER PSNR_FILTER) += fate-nerv-denoise
fate-nerv-denoise: $(NERV_SRC)
fate-nerv-denoise: CMD = $(NERV_RUN) nerv_denoise $(NERV_SRC) "$(NERV_DENOISE_OPTS)"

# inpainting: mask=center and the same hole as a PGM and as a Y4M user mask code the same
# packets; a mask of the wrong size is refused (helper in tests/fate/nerv.sh)
FATE_NERV-$(call ALLYES, $(NERV_DEPS) YUV4MPEGPIPE_MUXER YUV4MPEGPIPE_DEMUXER FRAMECRC_MUXER) += fate-nerv-inpaint
fate-nerv-inpaint: $(NERV_SRC)
fate-nerv-inpaint: CMD = $(NERV_RUN) nerv_inpaint $(NERV_SRC) \
    "-c:v nerv_enc -device cpu -seed 1 -arch hnerv -epochs 10 -lr 0.005 -segment_frames 4" \
    "enc_dim=16:lower_width=8:strides=4,4,4:fc_dim=5"

# -nerv_size: pnerv-poly decoded at 2x and 4x the coded size (super-resolution), also through
# nerv_interp (the renderer draws the decoder's size)
FATE_NERV-$(call ALLYES, $(NERV_DEPS) NERV_INTERP_FILTER FRAMECRC_MUXER) += fate-nerv-sr
fate-nerv-sr: $(NERV_POLY_FILE)
fate-nerv-sr: CMD = $(NERV_RUN) nerv_sr $(NERV_POLY_FILE)

# another size from a model that renders only its coded size: a clean failure that says why
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-sr-refuse
fate-nerv-sr-refuse: $(NERV_FILE)
fate-nerv-sr-refuse: CMD = $(NERV_RUN) nerv_must_fail ffmpeg "hnerv renders only its coded size 64x64" \
    -nerv_size 256x256 -i $(TARGET_PATH)/$(NERV_FILE)

# every option, as ffmpeg -h documents it
FATE_NERV-$(call ALLYES, $(NERV_DEPS)) += fate-nerv-help
fate-nerv-help: CMD = $(NERV_RUN) nerv_help

FATE_NERV-yes += $(FATE_NERV_FFPLAY-yes)
FATE_FFMPEG_FFPROBE += $(FATE_NERV-yes)
fate-nerv: $(FATE_NERV-yes)

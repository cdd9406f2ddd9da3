/*
 * NeRV (neural video representation) encoder through libnerv
 *
 * This file is part of FFmpeg.
 *
 * FFmpeg is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * FFmpeg is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with FFmpeg; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */

/**
 * @file
 * NeRV encoder wrapping libnerv.
 *
 * libnerv overfits one small network per segment of frames. The encoder
 * therefore buffers a whole segment (AV_CODEC_CAP_DELAY), trains when the
 * segment is full or at the flush, and then emits one packet per input frame
 * in presentation order. The first packet of a segment carries the segment's
 * model (the NVSG chunk) in front of its frame record and is a key frame; the
 * other packets hold only their frame record (NVFR chunk) and need their
 * segment's model to be decoded. The extradata is the file prefix plus the
 * stream header chunk, so a .nerv file is the extradata followed by every
 * packet.
 */

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "libavutil/dict.h"
#include "libavutil/fifo.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"
#include "libavutil/pixdesc.h"

#include "avcodec.h"
#include "codec_internal.h"
#include "encode.h"
#include "libnerv.h"

/**
 * The layout of libavformat's AVIOInterruptCB, which libavcodec does not
 * include: what an application hands over in the "interrupt_callback" option.
 */
typedef struct NervInterruptCB {
    int (*callback)(void *opaque);
    void *opaque;
} NervInterruptCB;

typedef struct NervEncContext {
    const AVClass *class;
    NervEncoder *enc;

    /** a frame taken from the generic code that the library has not accepted yet */
    AVFrame *frame;
    /** durations of the frames sent, in order; packets come back in that order */
    AVFifo *durations;
    /** the last segment packet, prepended to the segment's first frame packet */
    uint8_t *segment;
    unsigned segment_alloc;
    size_t segment_size;
    int segment_pending;
    /** segments output so far (the ones a checkpoint keeps) */
    int segments;
    int flushed;

    /* progress throttling */
    int progress_segment;
    int progress_phase;

    /** the application's interrupt callback (hidden option, see options[]) */
    uint8_t *interrupt_cb;
    int interrupt_cb_size;   /* must follow interrupt_cb: an AV_OPT_TYPE_BINARY pair */
    NervInterruptCB interrupt;

    /* options: named as libnerv's settings, "unset" means the library default */
    char *arch;
    char *size;
    double epochs;
    double lr;
    int batch;
    char *loss;
    char *train_frames;
    char *tune;
    double grad_clip;
    int seed;
    char *device;
    int bf16;
    int segment_frames;
    double prune;
    double prune_epochs;
    int qbits;
    int qbits_embed;
    int memory_limit;
    char *checkpoint;
    int checkpoint_every;
    int resume;
    int jobs;
    int qat_epochs;
    char *segment_range;  /* the "segments" option, refused */
    AVDictionary *nerv_params;
} NervEncContext;

static int set_setting(AVCodecContext *avctx, NervEncoderSettings *settings,
                       const char *name, const char *value)
{
    int ret = nerv_encoder_settings_set(settings, name, value);

    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "setting the libnerv option");
    av_log(avctx, AV_LOG_DEBUG, "libnerv setting %s = %s\n", name, value);
    return 0;
}

/* libnerv settings that FFmpeg fills from the codec context */
static const char *const from_context[] = {
    "width", "height", "fps", "timebase", "pix_fmt", "matrix", "range", "threads", "log_level",
};

/**
 * Pass every private option the user set to the library under its own name,
 * so that the library's settings table validates FFmpeg's options exactly as
 * it validates the nerv command line.
 */
static int apply_options(AVCodecContext *avctx, NervEncoderSettings *settings)
{
    NervEncContext *s = avctx->priv_data;
    const AVDictionaryEntry *en = NULL;
    char buf[64];
    int ret;

    for (const AVOption *o = s->class->option; o->name; o++) {
        const uint8_t *field = (const uint8_t *)s + o->offset;
        const char *value = NULL;

        switch (o->type) {
        case AV_OPT_TYPE_INT:
        case AV_OPT_TYPE_BOOL:
            /* unset = the option's default, its lowest value (-1; -2 where -1 means something) */
            if (*(const int *)field != o->default_val.i64) {
                snprintf(buf, sizeof(buf), "%d", *(const int *)field);
                value = buf;
            }
            break;
        case AV_OPT_TYPE_DOUBLE:
            if (!isnan(*(const double *)field)) {
                snprintf(buf, sizeof(buf), "%.17g", *(const double *)field);
                value = buf;
            }
            break;
        case AV_OPT_TYPE_STRING:
            if (*(char *const *)field && **(char *const *)field)
                value = *(char *const *)field;
            break;
        default:
            continue;
        }
        if (value && (ret = set_setting(avctx, settings, o->name, value)) < 0)
            return ret;
    }

    /* Anything else: architecture and expert parameters, same names as the CLI. */
    while ((en = av_dict_iterate(s->nerv_params, en))) {
        for (int i = 0; i < FF_ARRAY_ELEMS(from_context); i++) {
            if (!strcmp(en->key, from_context[i])) {
                av_log(avctx, AV_LOG_ERROR, "nerv-params: %s comes from the input and the "
                       "codec options (-s, -r, -pix_fmt, -color_range, -colorspace, -threads), "
                       "not from nerv-params.\n", en->key);
                return AVERROR(EINVAL);
            }
        }
        if ((ret = set_setting(avctx, settings, en->key, en->value)) < 0)
            return ret;
    }
    return 0;
}

/**
 * -b:v is libnerv's bitrate setting (API 1.6): the library chooses each segment's size from its
 * share of the rate and prunes a trained network that codes above it, so the stream lands near
 * the rate (docs/settings.md, "Bit-rate target"). Older libraries get the earlier estimate: a
 * parameter budget of bit_rate * segment_frames / fps / qbits.
 */
static int apply_bit_rate(AVCodecContext *avctx, NervEncoderSettings *settings)
{
    char buf[32];

    if (avctx->bit_rate <= 0)
        return 0;
    if (settings->size[0]) {
        av_log(avctx, AV_LOG_ERROR, "Set either size (a parameter budget) or a "
               "bit rate (-b:v), not both.\n");
        return AVERROR(EINVAL);
    }
#if NERV_API_VERSION_MINOR >= 6
    snprintf(buf, sizeof(buf), "%"PRId64, avctx->bit_rate);
    av_log(avctx, AV_LOG_VERBOSE, "Bit rate target %s b/s\n", buf);
    return set_setting(avctx, settings, "bitrate", buf);
#else
    {
        int bits = settings->qbits > 0 ? settings->qbits : 32;
        double fps, budget;

        if (settings->segment_frames <= 0) {
            av_log(avctx, AV_LOG_ERROR, "A bit rate target (-b:v) needs a fixed segment "
                   "length: set segment_frames (the budget is solved per segment).\n");
            return AVERROR(EINVAL);
        }
        fps    = (double)settings->fps_num / settings->fps_den;
        budget = (double)avctx->bit_rate * settings->segment_frames / fps / bits;
        if (budget < 1 || budget > 1e12) {
            av_log(avctx, AV_LOG_ERROR, "Bit rate %"PRId64" gives an impossible parameter "
                   "budget of %g.\n", avctx->bit_rate, budget);
            return AVERROR(EINVAL);
        }
        snprintf(buf, sizeof(buf), "%.0f", budget);
        return set_setting(avctx, settings, "size", buf);
    }
#endif
}

static void progress_cb(void *user_data, const NervProgress *p)
{
    static const char *const phases[] = {
        [NERV_PHASE_TRAIN]    = "train",
        [NERV_PHASE_FINETUNE] = "finetune",
        [NERV_PHASE_COMPRESS] = "compress",
#if NERV_API_VERSION_MINOR >= 5
        [NERV_PHASE_QUANTIZE] = "quantize",
#endif
    };
    AVCodecContext *avctx = user_data;
    NervEncContext *s = avctx->priv_data;
    const char *phase = (unsigned)p->phase < FF_ARRAY_ELEMS(phases) && phases[p->phase] ?
                        phases[p->phase] : "?";
    int first = p->segment != s->progress_segment || p->phase != s->progress_phase;
    int step  = FFMAX(1, p->epochs / 20);

    s->progress_segment = p->segment;
    s->progress_phase   = p->phase;

    if (p->phase == NERV_PHASE_COMPRESS) {
        if (first)
            av_log(avctx, AV_LOG_INFO, "nerv: segment %d compress, elapsed %.0fs\n",
                   p->segment, p->elapsed_s);
        return;
    }
    /* about 20 lines per phase, like the nerv command line tool */
    if (!first && p->epoch != p->epochs && p->epoch % step)
        return;
    av_log(avctx, AV_LOG_INFO, "nerv: segment %d %s epoch %d/%d loss %.5f PSNR %.2f dB "
           "lr %.2e elapsed %.0fs ETA %.0fs\n", p->segment, phase, p->epoch, p->epochs,
           p->loss, p->psnr, p->learning_rate, p->elapsed_s, p->eta_s);
}

/**
 * NervAbortCallback: libnerv polls it once per training iteration (and per
 * frame of a segment's final check), so a nonzero return of the application's
 * interrupt callback stops training within one iteration.
 */
static int interrupt_requested(void *user_data)
{
    const NervEncContext *s = user_data;

    return s->interrupt.callback && s->interrupt.callback(s->interrupt.opaque);
}

/**
 * The application interrupted the encode: libnerv stopped training within an
 * iteration (NERV_ERROR_ABORTED; with a checkpoint it saved the exact state),
 * or the input ended early because of the interrupt, before the segment was
 * complete. Either way that segment is not output. Returns AVERROR_EXIT (the
 * library's code) so that the caller sees an error, not a finished encode.
 */
static int interrupted(AVCodecContext *avctx, int in_training)
{
    NervEncContext *s = avctx->priv_data;
    const char *checkpoint = s->checkpoint && *s->checkpoint ? s->checkpoint : NULL;

    av_log(avctx, AV_LOG_ERROR, "%s %d %s: the output holds the %d segment%s finished before.\n",
           in_training ? "Training of segment" : "Interrupted before segment", s->segments,
           in_training ? "interrupted" : "was complete", s->segments, s->segments == 1 ? "" : "s");
    if (!checkpoint)
        av_log(avctx, AV_LOG_ERROR, "Set -checkpoint FILE to make an interrupted encode "
               "resumable.\n");
    else if (in_training || s->segments > 0)
        av_log(avctx, AV_LOG_ERROR, "The checkpoint %s keeps the work: run the same command "
               "with -resume 1 to continue.\n", checkpoint);
    return AVERROR_EXIT;
}

static const char *matrix_name(AVCodecContext *avctx)
{
    switch (avctx->colorspace) {
    case AVCOL_SPC_BT709:
        return "bt709";
    case AVCOL_SPC_UNSPECIFIED:
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        return "bt601";
    default:
        av_log(avctx, AV_LOG_WARNING, "Colorspace %s is not supported by libnerv, "
               "the input is converted to RGB as BT.601.\n",
               av_color_space_name(avctx->colorspace));
        return "bt601";
    }
}

static av_cold int nerv_enc_init(AVCodecContext *avctx)
{
    NervEncContext *s = avctx->priv_data;
    NervEncoderSettings settings;
    AVRational fps = avctx->framerate;
    const uint8_t *header;
    size_t header_size;
    char buf[64];
    int ret;

    if ((ret = ff_libnerv_check_version(avctx)) < 0)
        return ret;

    s->progress_segment = -1;
    s->frame     = av_frame_alloc();
    s->durations = av_fifo_alloc2(64, sizeof(int64_t), AV_FIFO_FLAG_AUTO_GROW);
    if (!s->frame || !s->durations)
        return AVERROR(ENOMEM);

    nerv_encoder_default_settings(&settings);
    settings.log_cb        = ff_libnerv_log;
    settings.log_user      = avctx;
    settings.log_level     = ff_libnerv_log_level();
    settings.progress_cb   = progress_cb;
    settings.progress_user = avctx;
    if (s->interrupt_cb_size) {
        if (s->interrupt_cb_size != sizeof(s->interrupt)) {
            av_log(avctx, AV_LOG_ERROR, "interrupt_callback must be the %d bytes of an "
                   "AVIOInterruptCB, not %d.\n", (int)sizeof(s->interrupt), s->interrupt_cb_size);
            return AVERROR(EINVAL);
        }
        memcpy(&s->interrupt, s->interrupt_cb, sizeof(s->interrupt));
        settings.abort_cb   = interrupt_requested;
        settings.abort_user = s;
    }

    /* What the codec context knows; apply_options() refuses these names. */
    if (fps.num <= 0 || fps.den <= 0) {
        fps = av_inv_q(avctx->time_base);
        av_log(avctx, AV_LOG_WARNING, "No frame rate given, assuming %d/%d.\n", fps.num, fps.den);
    }
    snprintf(buf, sizeof(buf), "%d", avctx->width);
    if ((ret = set_setting(avctx, &settings, "width", buf)) < 0)
        return ret;
    snprintf(buf, sizeof(buf), "%d", avctx->height);
    if ((ret = set_setting(avctx, &settings, "height", buf)) < 0)
        return ret;
    snprintf(buf, sizeof(buf), "%d/%d", fps.num, fps.den);
    if ((ret = set_setting(avctx, &settings, "fps", buf)) < 0)
        return ret;
    snprintf(buf, sizeof(buf), "%d/%d", avctx->time_base.num, avctx->time_base.den);
    if ((ret = set_setting(avctx, &settings, "timebase", buf)) < 0)
        return ret;
    if ((ret = set_setting(avctx, &settings, "pix_fmt", av_get_pix_fmt_name(avctx->pix_fmt))) < 0)
        return ret;
    if (avctx->pix_fmt != AV_PIX_FMT_RGB24) {
        if ((ret = set_setting(avctx, &settings, "matrix", matrix_name(avctx))) < 0)
            return ret;
        ret = set_setting(avctx, &settings, "range",
                          avctx->color_range == AVCOL_RANGE_JPEG ? "full" : "limited");
        if (ret < 0)
            return ret;
    }
    /* 0 (auto) lets LibTorch use every core */
    snprintf(buf, sizeof(buf), "%d", avctx->thread_count);
    if ((ret = set_setting(avctx, &settings, "threads", buf)) < 0)
        return ret;

    /* A part of a video has frame numbers of the whole input, which an encoder fed by
     * ffmpeg's filters does not know; parts are cut by nerv encode --segments A:B. */
    if (s->segment_range && *s->segment_range) {
        av_log(avctx, AV_LOG_ERROR, "-segments is not supported by nerv_enc: encode parts of a video "
               "with 'nerv encode IN -o PART.nerv --segment_frames N --segments A:B' and join them with "
               "'nerv concat' (docs/distributed.md); nerv_enc codes its whole input.\n");
        return AVERROR(ENOSYS);
    }
    if ((ret = apply_options(avctx, &settings)) < 0)
        return ret;
    if ((ret = apply_bit_rate(avctx, &settings)) < 0)
        return ret;

    ret = nerv_encoder_open(&s->enc, &settings);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "opening the libnerv encoder");

    /* The stream header is always exported: the .nerv muxer writes it too. */
    ret = nerv_encoder_get_header(s->enc, &header, &header_size);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "getting the stream header");
    if (header_size > INT_MAX - AV_INPUT_BUFFER_PADDING_SIZE)
        return AVERROR(ERANGE);
    avctx->extradata = av_mallocz(header_size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!avctx->extradata)
        return AVERROR(ENOMEM);
    memcpy(avctx->extradata, header, header_size);
    avctx->extradata_size = header_size;

    av_log(avctx, AV_LOG_VERBOSE, "arch %s, size %s, epochs %d, device %d, "
           "segment_frames %d, qbits %d/%d\n", settings.arch,
           settings.size[0] ? settings.size : "default", settings.epochs,
           settings.device, settings.segment_frames, settings.qbits, settings.qbits_embed);
    return 0;
}

static int send_frame(AVCodecContext *avctx, const AVFrame *frame)
{
    NervEncContext *s = avctx->priv_data;
    NervPicture pic = { 0 };
    int64_t duration = frame->duration;
    int ret;

    pic.width  = frame->width;
    pic.height = frame->height;
    pic.format = ff_libnerv_pix_fmt(frame->format);
    pic.pts    = frame->pts;
    for (int i = 0; i < (pic.format == NERV_PIX_FMT_RGB24 ? 1 : 3); i++) {
        pic.data[i]   = frame->data[i];
        pic.stride[i] = frame->linesize[i];
    }

    ret = nerv_encoder_send_frame(s->enc, &pic);
    if (ret == AVERROR(EAGAIN))
        return ret;
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "sending a frame");

    if (duration <= 0 && avctx->framerate.num > 0 && avctx->framerate.den > 0)
        duration = av_rescale_q(1, av_inv_q(avctx->framerate), avctx->time_base);
    return av_fifo_write(s->durations, &duration, 1);
}

static int keep_segment(AVCodecContext *avctx, const NervPacket *np)
{
    NervEncContext *s = avctx->priv_data;
    NervEncodeStats st;

    if (np->size > INT_MAX / 2)
        return AVERROR(ERANGE);
    av_fast_malloc(&s->segment, &s->segment_alloc, np->size);
    if (!s->segment)
        return AVERROR(ENOMEM);
    memcpy(s->segment, np->data, np->size);
    s->segment_size    = np->size;
    s->segment_pending = 1;
    s->segments++;

    if (nerv_encoder_get_stats(s->enc, &st) >= 0 && st.frames > 0)
        av_log(avctx, AV_LOG_VERBOSE, "segment %d: %d frames, %"PRId64" parameters, "
               "%"PRId64" bytes, %.4f bpp\n", np->segment, st.frames, st.parameters,
               st.segment_bytes,
               8.0 * st.segment_bytes / ((double)avctx->width * avctx->height * st.frames));
    return 0;
}

static int output_frame(AVCodecContext *avctx, AVPacket *pkt, const NervPacket *np)
{
    NervEncContext *s = avctx->priv_data;
    size_t prefix = s->segment_pending ? s->segment_size : 0;
    int64_t duration = 0;
    int ret;

    if (np->size > INT_MAX / 2 - prefix)
        return AVERROR(ERANGE);
    ret = ff_get_encode_buffer(avctx, pkt, prefix + np->size, 0);
    if (ret < 0)
        return ret;
    if (prefix)
        memcpy(pkt->data, s->segment, prefix);
    memcpy(pkt->data + prefix, np->data, np->size);

    /* No reordering: dts = pts. */
    pkt->pts = pkt->dts = np->pts;
    if (av_fifo_read(s->durations, &duration, 1) >= 0 && duration > 0)
        pkt->duration = duration;
    if (s->segment_pending) {
        pkt->flags |= AV_PKT_FLAG_KEY;
        s->segment_pending = 0;
    }
    return 0;
}

static int nerv_receive_packet(AVCodecContext *avctx, AVPacket *pkt)
{
    NervEncContext *s = avctx->priv_data;
    NervPacket np;
    int ret;

    for (;;) {
        /* May train a whole segment: this call can take minutes. */
        ret = nerv_encoder_receive_packet(s->enc, &np);
        if (ret >= 0) {
            if (np.type == NERV_PACKET_FRAME)
                return output_frame(avctx, pkt, &np);
            if (np.type == NERV_PACKET_SEGMENT && (ret = keep_segment(avctx, &np)) < 0)
                return ret;
            /* NERV_PACKET_STREAM_HEADER is the extradata already */
            continue;
        }
        if (ret == AVERROR_EOF)
            return AVERROR_EOF;
        if (ret == NERV_ERROR_ABORTED)
            return interrupted(avctx, 1);
        if (ret != AVERROR(EAGAIN))
            return ff_libnerv_error(avctx, ret, "encoding");

        /* The library needs more pictures. */
        if (!s->frame->buf[0]) {
            ret = ff_encode_get_frame(avctx, s->frame);
            /* An interrupted application ends the input early: the frames buffered are
             * not the whole segment and must not be trained as one (nerv encode does not
             * flush when interrupted either). */
            if (ret == AVERROR_EOF && !s->flushed && interrupt_requested(s))
                return interrupted(avctx, 0);
            if (ret == AVERROR_EOF && !s->flushed) {
                ret = nerv_encoder_send_frame(s->enc, NULL);
                if (ret < 0)
                    return ff_libnerv_error(avctx, ret, "flushing");
                s->flushed = 1;
                continue;
            }
            if (ret < 0)
                return ret;
        }
        ret = send_frame(avctx, s->frame);
        if (ret == AVERROR(EAGAIN)) {
            /* receive_packet trains a full segment, it never asks for more then */
            av_log(avctx, AV_LOG_ERROR, "libnerv refused a frame it asked for.\n");
            return AVERROR_BUG;
        }
        av_frame_unref(s->frame);
        if (ret < 0)
            return ret;
    }
}

static av_cold int nerv_enc_close(AVCodecContext *avctx)
{
    NervEncContext *s = avctx->priv_data;

    nerv_encoder_close(&s->enc);
    av_frame_free(&s->frame);
    av_fifo_freep2(&s->durations);
    av_freep(&s->segment);
    s->segment_alloc = 0;
    return 0;
}

#define OFFSET(x) offsetof(NervEncContext, x)
#define VE AV_OPT_FLAG_VIDEO_PARAM | AV_OPT_FLAG_ENCODING_PARAM
/*
 * Unset (-1, NaN or empty) means the library's default; the library validates the values.
 * The epoch counts are doubles so that a fraction reaches the library as written and is
 * rejected there ("expected an integer"), instead of being rounded by the option parser
 * (-epochs 0.5 would otherwise become 0, the recipe default).
 */
static const AVOption options[] = {
    { "arch",           "Network architecture: nerv, hnerv, enerv, dnerv, snerv, snerv-t, pnerv-pyr, "
                        "pnerv-poly (`nerv arch --list`; default hnerv)",
      OFFSET(arch),           AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "size",           "Parameter budget per segment, e.g. 1.5M, 300k, 120000, or a preset (nerv: S, M, L); "
                        "default: the architecture's",
      OFFSET(size),           AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "epochs",         "Training epochs, a whole number 1..100000; 0: the architecture's recipe (300)",
      OFFSET(epochs),         AV_OPT_TYPE_DOUBLE, { .dbl = 0 }, 0, 100000, VE },
    { "lr",             "Peak learning rate, 0 < lr <= 1 (NaN: recipe default)",
      OFFSET(lr),             AV_OPT_TYPE_DOUBLE, { .dbl = NAN }, -DBL_MAX, DBL_MAX, VE },
    { "batch",          "Frames per training iteration, 1..64 (-1: recipe default)",
      OFFSET(batch),          AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "loss",           "Training loss: l2, fusion6 (0.7 L1 + 0.3 (1-SSIM)), l1; default: the recipe's",
      OFFSET(loss),           AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "grad_clip",      "Max gradient norm, > 0; < 0 turns clipping off (NaN: recipe default)",
      OFFSET(grad_clip),      AV_OPT_TYPE_DOUBLE, { .dbl = NAN }, -DBL_MAX, DBL_MAX, VE },
    { "seed",           "Random seed, 0..2147483647 (-1: library default, 1)",
      OFFSET(seed),           AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "device",         "Training device: auto, cpu, cuda (default auto: CUDA when available)",
      OFFSET(device),         AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "bf16",           "Autocast training to bfloat16 on CUDA (-1: library default, off)",
      OFFSET(bf16),           AV_OPT_TYPE_BOOL,   { .i64 = -1 }, -1, 1, VE },
    { "segment_frames", "Frames per independently decodable segment, 1..100000 "
                        "(-1 or 0: auto, up to 600 frames and 2 GiB of buffered frames)",
      OFFSET(segment_frames), AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "prune",          "Fraction of weights removed by global magnitude pruning, 0..0.95 "
                        "(NaN: library default, 0)",
      OFFSET(prune),          AV_OPT_TYPE_DOUBLE, { .dbl = NAN }, -DBL_MAX, DBL_MAX, VE },
    { "prune_epochs",   "Fine-tuning epochs after pruning, a whole number 1..100000; 0: 10% of epochs",
      OFFSET(prune_epochs),   AV_OPT_TYPE_DOUBLE, { .dbl = 0 }, 0, 100000, VE },
    { "qbits",          "Bits per decoder weight, 2..16, 0 stores float32 (-1: library default, 8)",
      OFFSET(qbits),          AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "qbits_embed",    "Bits per embedding value, 2..16, 0 stores float32 (-1: library default, 6)",
      OFFSET(qbits_embed),    AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
#if NERV_API_VERSION_MINOR >= 1
    { "memory_limit",   "MiB the encode may plan to use on its device (-1 or 0: what the device has)",
      OFFSET(memory_limit),   AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "checkpoint",     "File where an interrupted encode is saved so that it can continue (default: none)",
      OFFSET(checkpoint),     AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "checkpoint_every", "Epochs between checkpoints while training, 1..100000 (-1: library default, 10)",
      OFFSET(checkpoint_every), AV_OPT_TYPE_INT,  { .i64 = -1 }, -1, INT_MAX, VE },
    { "resume",         "Continue the encode saved in checkpoint; give the same input again (-1: library default, off)",
      OFFSET(resume),         AV_OPT_TYPE_BOOL,   { .i64 = -1 }, -1, 1, VE },
#endif
#if NERV_API_VERSION_MINOR >= 2
    { "train_frames",   "Frames trained on, numbered from 1: all, odd (1st, 3rd, ...), even; the others are "
                        "held out and interpolated (the papers' interpolation protocol; default all)",
      OFFSET(train_frames),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
#endif
#if NERV_API_VERSION_MINOR >= 4
    { "jobs",           "Segments trained at once, one worker each, 1..64 (-1 or 0: auto, 1 on the CPU, one per "
                        "GPU on CUDA; CPU workers share the cores)",
      OFFSET(jobs),           AV_OPT_TYPE_INT,    { .i64 = -1 }, -1, INT_MAX, VE },
    { "segments",       "Not supported by nerv_enc (its input has no frame numbers of a whole video): parts are "
                        "encoded by nerv encode --segments A:B and joined by nerv concat",
      OFFSET(segment_range),  AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
#endif
#if NERV_API_VERSION_MINOR >= 5
    { "qat_epochs",     "Quantization-aware fine-tuning epochs after training: the weights train through the "
                        "quantizer at qbits, 0 (none)..100000, -1: 10% of epochs (-2: library default, none)",
      OFFSET(qat_epochs),     AV_OPT_TYPE_INT,    { .i64 = -2 }, -2, INT_MAX, VE },
#endif
    { "tune",           "Preset for a use: none, denoise (fit a noisy input: loss l2 unless -loss is set)",
      OFFSET(tune),           AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, VE },
    { "nerv-params",    "Other libnerv settings and architecture parameters as key=value pairs "
                        "separated by ':', e.g. strides=4,4,2:lower_width=8",
      OFFSET(nerv_params),    AV_OPT_TYPE_DICT,   { .str = NULL }, 0, 0, VE },
    /*
     * Not a user option: no flags, so ffmpeg's command line cannot set it and -h does not
     * list it. An application (ffmpeg: its signal handling, fftools/ffmpeg_enc.c) sets it
     * with av_opt_set_bin() to the bytes of an AVIOInterruptCB before avcodec_open2();
     * training stops within one iteration once the callback returns nonzero. Like any
     * function pointer it must never come from untrusted input.
     */
    { "interrupt_callback", "The application's interrupt callback: the bytes of an AVIOInterruptCB",
      OFFSET(interrupt_cb),   AV_OPT_TYPE_BINARY, { .str = NULL }, 0, 0, 0 },
    { NULL },
};

static const AVClass nerv_enc_class = {
    .class_name = "nerv_enc",
    .item_name  = av_default_item_name,
    .option     = options,
    .version    = LIBAVUTIL_VERSION_INT,
};

static const FFCodecDefault nerv_enc_defaults[] = {
    { "b", "0" }, /* 0: no bit rate target, use size */
    { NULL },
};

const FFCodec ff_libnerv_encoder = {
    .p.name         = "nerv_enc",
    CODEC_LONG_NAME("NeRV neural video representation (libnerv)"),
    .p.type         = AVMEDIA_TYPE_VIDEO,
    .p.id           = AV_CODEC_ID_NERV,
    .p.capabilities = AV_CODEC_CAP_DR1 | AV_CODEC_CAP_DELAY |
                      AV_CODEC_CAP_OTHER_THREADS,
    .caps_internal  = FF_CODEC_CAP_INIT_CLEANUP | FF_CODEC_CAP_AUTO_THREADS,
    .color_ranges   = AVCOL_RANGE_MPEG | AVCOL_RANGE_JPEG,
    .p.pix_fmts     = (const enum AVPixelFormat[]){ AV_PIX_FMT_YUV420P,
                                                    AV_PIX_FMT_YUV444P,
                                                    AV_PIX_FMT_RGB24,
                                                    AV_PIX_FMT_NONE },
    .p.priv_class   = &nerv_enc_class,
    .p.wrapper_name = "libnerv",
    .priv_data_size = sizeof(NervEncContext),
    .init           = nerv_enc_init,
    FF_CODEC_RECEIVE_PACKET_CB(nerv_receive_packet),
    .close          = nerv_enc_close,
    .defaults       = nerv_enc_defaults,
};

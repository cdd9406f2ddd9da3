/*
 * NeRV (neural video representation) decoder through libnerv
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
 * NeRV decoder wrapping libnerv.
 *
 * The extradata (file prefix + stream header chunk) describes the pictures.
 * A packet holds whole chunks: normally one frame record, preceded by its
 * segment's model when the packet is a key frame. libnerv keeps the segments
 * it was given and recognises a re-sent identical segment, so the model is
 * only rebuilt when the segment changes. One frame record gives one frame.
 *
 * Every frame carries AV_FRAME_DATA_NERV_SOURCE side data: a reference to a
 * libnerv renderer of the stream and the frame's index in it, with which
 * filters (nerv_interp) render the stream at other times. The renderer
 * shares what the decoder received and may outlive the decoder.
 *
 * nerv_size renders the pictures at another size (super-resolution): the
 * spatially continuous models (pnerv-poly) draw them at that size, the others
 * refuse it when their first frame is decoded. The renderer draws that size too.
 */

#include "libavutil/buffer.h"
#include "libavutil/frame.h"
#include "libavutil/imgutils.h"
#include "libavutil/intreadwrite.h"
#include "libavutil/mathematics.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"
#include "libavutil/pixdesc.h"
#include "libavutil/timestamp.h"

#include "avcodec.h"
#include "codec_internal.h"
#include "decode.h"
#include "libnerv.h"

#define TAG_NVSG MKTAG('N', 'V', 'S', 'G')

typedef struct NervDecContext {
    const AVClass *class;
    NervDecoder *dec;
    /** renders this decoder's stream; each frame's side data holds a reference */
    NervRenderer *renderer;
    AVPacket *pkt;

    /** unit of the pts in the frame records, from the stream header */
    AVRational stream_tb;
    NervColorMatrix matrix;
    NervColorRange range;
    /** frames output from the current packet, and the record pts of its first */
    int pkt_frames;
    int64_t pkt_first_pts;
    /** a segment's model was damaged: its frame records are dropped until the next segment */
    int need_segment;

    /* options */
    enum AVPixelFormat out_pix_fmt;
    int device;
    int render_width, render_height;
} NervDecContext;

static void set_color_props(AVCodecContext *avctx, enum AVPixelFormat pix_fmt)
{
    NervDecContext *s = avctx->priv_data;

    if (pix_fmt == AV_PIX_FMT_RGB24) {
        avctx->colorspace  = AVCOL_SPC_RGB;
        avctx->color_range = AVCOL_RANGE_JPEG;
    } else {
        avctx->colorspace  = s->matrix == NERV_MATRIX_BT709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
        avctx->color_range = s->range == NERV_RANGE_FULL ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    }
}

/** Configure the codec context from the stream header and give it to the library. */
static int parse_extradata(AVCodecContext *avctx)
{
    NervDecContext *s = avctx->priv_data;
    NervStreamInfo info;
    enum AVPixelFormat pix_fmt;
    int ret;

    ret = nerv_probe(avctx->extradata, avctx->extradata_size, &info);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "parsing the stream header (extradata)");

    s->stream_tb = (AVRational){ info.timebase_num, info.timebase_den };
    s->matrix    = info.matrix;
    s->range     = info.range;
    pix_fmt = s->out_pix_fmt != AV_PIX_FMT_NONE ? s->out_pix_fmt :
              ff_libnerv_av_pix_fmt(info.source_format);
    if (pix_fmt == AV_PIX_FMT_NONE)
        return AVERROR_INVALIDDATA;

    if (s->render_width > 0) {
        av_log(avctx, AV_LOG_VERBOSE, "rendering the %dx%d stream at %dx%d\n",
               info.width, info.height, s->render_width, s->render_height);
        info.width  = s->render_width;
        info.height = s->render_height;
    }
    ret = ff_set_dimensions(avctx, info.width, info.height);
    if (ret < 0)
        return ret;
    avctx->pix_fmt = pix_fmt;
    if (!avctx->framerate.num && info.fps_num > 0 && info.fps_den > 0)
        avctx->framerate = (AVRational){ info.fps_num, info.fps_den };
    set_color_props(avctx, pix_fmt);

    ret = nerv_decoder_send_packet(s->dec, avctx->extradata, avctx->extradata_size);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "reading the stream header (extradata)");
    av_log(avctx, AV_LOG_VERBOSE, "%dx%d %s, %d/%d fps, time base %d/%d\n",
           info.width, info.height, av_get_pix_fmt_name(pix_fmt),
           info.fps_num, info.fps_den, info.timebase_num, info.timebase_den);
    return 0;
}

static av_cold int nerv_dec_init(AVCodecContext *avctx)
{
    NervDecContext *s = avctx->priv_data;
    NervDecoderSettings settings;
    int ret;

    if ((ret = ff_libnerv_check_version(avctx)) < 0)
        return ret;

    s->pkt = av_packet_alloc();
    if (!s->pkt)
        return AVERROR(ENOMEM);

    nerv_decoder_default_settings(&settings);
    settings.log_cb    = ff_libnerv_log;
    settings.log_user  = avctx;
    settings.log_level = ff_libnerv_log_level();
    /* 0 (auto) lets LibTorch use every core */
    settings.threads   = avctx->thread_count;
    if (s->device >= 0)
        settings.device = s->device;
    settings.render_width  = s->render_width;
    settings.render_height = s->render_height;
    if (s->out_pix_fmt != AV_PIX_FMT_NONE) {
        settings.output_format = ff_libnerv_pix_fmt(s->out_pix_fmt);
        if (settings.output_format == NERV_PIX_FMT_NONE) {
            av_log(avctx, AV_LOG_ERROR, "out_pix_fmt %s is not supported; "
                   "use rgb24, yuv420p or yuv444p.\n", av_get_pix_fmt_name(s->out_pix_fmt));
            return AVERROR(EINVAL);
        }
    }

    ret = nerv_decoder_open(&s->dec, &settings);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "opening the libnerv decoder");
    ret = nerv_decoder_get_renderer(s->dec, &s->renderer);
    if (ret < 0)
        return ff_libnerv_error(avctx, ret, "creating the libnerv renderer");

    if (avctx->extradata_size > 0)
        return parse_extradata(avctx);
    av_log(avctx, AV_LOG_WARNING, "No extradata: packets must carry the stream header.\n");
    return 0;
}

static void free_frame_source(void *opaque, uint8_t *data)
{
    NervFrameSource *source = (NervFrameSource *)data;

    nerv_renderer_unref(&source->renderer);
    av_free(source);
}

/** Attach the renderer and the frame's stream index, for the nerv filters. */
static int attach_frame_source(NervDecContext *s, AVFrame *frame, int64_t frame_index)
{
    NervFrameSource *source = av_mallocz(sizeof(*source));
    AVBufferRef *buf;

    if (!source)
        return AVERROR(ENOMEM);
    source->renderer    = nerv_renderer_ref(s->renderer);
    source->frame_index = frame_index;
    buf = av_buffer_create((uint8_t *)source, sizeof(*source), free_frame_source, NULL, 0);
    if (!buf) {
        free_frame_source(NULL, (uint8_t *)source);
        return AVERROR(ENOMEM);
    }
    if (!av_frame_new_side_data_from_buf(frame, AV_FRAME_DATA_NERV_SOURCE, buf)) {
        av_buffer_unref(&buf);
        return AVERROR(ENOMEM);
    }
    return 0;
}

static int output_picture(AVCodecContext *avctx, AVFrame *frame, const NervPicture *pic)
{
    NervDecContext *s = avctx->priv_data;
    enum AVPixelFormat pix_fmt = ff_libnerv_av_pix_fmt(pic->format);
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(pix_fmt);
    int ret;

    if (!desc)
        return AVERROR_BUG;
    if (pic->width != avctx->width || pic->height != avctx->height) {
        ret = ff_set_dimensions(avctx, pic->width, pic->height);
        if (ret < 0)
            return ret;
    }
    if (pix_fmt != avctx->pix_fmt) {
        avctx->pix_fmt = pix_fmt;
        set_color_props(avctx, pix_fmt);
    }

    ret = ff_get_buffer(avctx, frame, 0);
    if (ret < 0)
        return ret;
    for (int i = 0; i < av_pix_fmt_count_planes(pix_fmt); i++) {
        int height = i ? AV_CEIL_RSHIFT(pic->height, desc->log2_chroma_h) : pic->height;

        av_image_copy_plane(frame->data[i], frame->linesize[i], pic->data[i], pic->stride[i],
                            av_image_get_linesize(pix_fmt, pic->width, i), height);
    }

    /* Packet timestamps are the container's; a frame record's pts is in the
     * stream time base. It is used when the packet has no pts, and to place
     * further frames of a packet holding several frame records. */
    if (s->pkt_frames++ == 0)
        s->pkt_first_pts = pic->pts;
    if (s->stream_tb.num > 0 && avctx->pkt_timebase.num > 0) {
        if (frame->pts == AV_NOPTS_VALUE) {
            frame->pts = av_rescale_q(pic->pts, s->stream_tb, avctx->pkt_timebase);
        } else if (s->pkt_frames > 1) {
            frame->pts    += av_rescale_q(pic->pts - s->pkt_first_pts, s->stream_tb,
                                          avctx->pkt_timebase);
            frame->pkt_dts = AV_NOPTS_VALUE;
        }
    }

    /* any frame is decoded from its segment's model alone */
    frame->flags    |= AV_FRAME_FLAG_KEY;
    frame->pict_type = AV_PICTURE_TYPE_I;
    return attach_frame_source(s, frame, pic->frame_index);
}

static int nerv_receive_frame(AVCodecContext *avctx, AVFrame *frame)
{
    NervDecContext *s = avctx->priv_data;
    NervPicture pic;
    int has_segment, ret;

    for (;;) {
        ret = nerv_decoder_receive_frame(s->dec, &pic);
        if (ret >= 0)
            return output_picture(avctx, frame, &pic);
        if (ret != AVERROR(EAGAIN))
            return ff_libnerv_error(avctx, ret, "decoding a frame");

        av_packet_unref(s->pkt);
        ret = ff_decode_get_packet(avctx, s->pkt);
        if (ret < 0)
            return ret;
        s->pkt_frames = 0;
        has_segment   = s->pkt->size >= 4 && AV_RL32(s->pkt->data) == TAG_NVSG;
        if (s->need_segment && !has_segment) {
            /* The library still holds the previous segment's model: decoding
             * this frame record with it would give a wrong picture. */
            av_log(avctx, AV_LOG_ERROR, "Dropping a frame of a segment whose model "
                   "was damaged (pts %s).\n", av_ts2str(s->pkt->pts));
            return AVERROR_INVALIDDATA;
        }
        /* A damaged packet is rejected whole; the decoder keeps its state. */
        ret = nerv_decoder_send_packet(s->dec, s->pkt->data, s->pkt->size);
        if (ret < 0) {
            if (has_segment)
                s->need_segment = 1;
            return ff_libnerv_error(avctx, ret, "reading a packet");
        }
        if (has_segment)
            s->need_segment = 0;
    }
}

static av_cold void nerv_dec_flush(AVCodecContext *avctx)
{
    NervDecContext *s = avctx->priv_data;

    nerv_decoder_flush(s->dec);
    av_packet_unref(s->pkt);
    s->pkt_frames = 0;
}

static av_cold int nerv_dec_close(AVCodecContext *avctx)
{
    NervDecContext *s = avctx->priv_data;

    nerv_renderer_unref(&s->renderer);
    nerv_decoder_close(&s->dec);
    av_packet_free(&s->pkt);
    return 0;
}

#define OFFSET(x) offsetof(NervDecContext, x)
#define VD AV_OPT_FLAG_VIDEO_PARAM | AV_OPT_FLAG_DECODING_PARAM
static const AVOption options[] = {
    { "out_pix_fmt", "Output pixel format: rgb24, yuv420p or yuv444p (default: the stream's source format)",
      OFFSET(out_pix_fmt), AV_OPT_TYPE_PIXEL_FMT, { .i64 = AV_PIX_FMT_NONE }, -1, INT_MAX, VD },
    { "device", "Device the networks run on", OFFSET(device), AV_OPT_TYPE_INT,
      { .i64 = -1 }, -1, NERV_DEVICE_CUDA, VD, .unit = "device" },
        { "auto", "CUDA when available, else CPU (library default)", 0, AV_OPT_TYPE_CONST,
          { .i64 = NERV_DEVICE_AUTO }, 0, 0, VD, .unit = "device" },
        { "cpu",  "CPU",  0, AV_OPT_TYPE_CONST, { .i64 = NERV_DEVICE_CPU },  0, 0, VD, .unit = "device" },
        { "cuda", "CUDA", 0, AV_OPT_TYPE_CONST, { .i64 = NERV_DEVICE_CUDA }, 0, 0, VD, .unit = "device" },
    { "nerv_size", "Render the pictures at this size, e.g. 704x576 (super-resolution; pnerv-poly streams only; "
      "default: the stream's size)", OFFSET(render_width), AV_OPT_TYPE_IMAGE_SIZE, { .str = NULL }, 0, 0, VD },
    { NULL },
};

static const AVClass nerv_dec_class = {
    .class_name = "nerv",
    .item_name  = av_default_item_name,
    .option     = options,
    .version    = LIBAVUTIL_VERSION_INT,
};

const FFCodec ff_libnerv_decoder = {
    .p.name         = "nerv",
    CODEC_LONG_NAME("NeRV neural video representation (libnerv)"),
    .p.type         = AVMEDIA_TYPE_VIDEO,
    .p.id           = AV_CODEC_ID_NERV,
    .p.capabilities = AV_CODEC_CAP_DR1 | AV_CODEC_CAP_DELAY |
                      AV_CODEC_CAP_OTHER_THREADS,
    .caps_internal  = FF_CODEC_CAP_INIT_CLEANUP | FF_CODEC_CAP_AUTO_THREADS,
    .p.priv_class   = &nerv_dec_class,
    .p.wrapper_name = "libnerv",
    .priv_data_size = sizeof(NervDecContext),
    .init           = nerv_dec_init,
    FF_CODEC_RECEIVE_FRAME_CB(nerv_receive_frame),
    .flush          = nerv_dec_flush,
    .close          = nerv_dec_close,
};

/*
 * NeRV frame interpolation: in-between frames rendered by the stream's network
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
 * Frame interpolation with the network of a NeRV stream.
 *
 * The nerv decoder attaches AV_FRAME_DATA_NERV_SOURCE side data to every frame:
 * a reference to a libnerv renderer of the stream and the frame's index in it.
 * Between two such frames this filter asks the renderer for fractional frame
 * positions: the network renders the in-between time (libnerv's
 * nerv_renderer_render()). Frames without that side data are refused; fitting
 * a network to other video on the fly is out of scope (use nerv_enc first).
 *
 * factor=N keeps every input frame and adds N-1 rendered frames between two
 * of them (output time base: the input's divided by N); fps=RATE outputs the
 * frames of a fixed-rate grid, each rendered at its own position (an original
 * frame where the grid meets one). The last frame has no next one to move
 * towards: factor mode outputs it with its duration, fps mode holds it for
 * its duration.
 */

#include <nerv/nerv.h>

#include "libavutil/frame.h"
#include "libavutil/internal.h"
#include "libavutil/mathematics.h"
#include "libavutil/opt.h"
#include "libavutil/parseutils.h"
#include "libavutil/pixdesc.h"
#include "libavutil/rational.h"
#include "libavutil/timestamp.h"

#include "avfilter.h"
#include "filters.h"
#include "video.h"

typedef struct NervInterpContext {
    const AVClass *class;

    /* options */
    int factor;
    char *fps_str;

    AVRational fps;             ///< 0/1: factor mode

    AVFrame *prev;              ///< the last input frame, waiting for the next one
    int64_t next_out_pts;       ///< fps mode: the next grid point, output time base
    int warned_gap;
} NervInterpContext;

#define OFFSET(x) offsetof(NervInterpContext, x)
#define FLAGS AV_OPT_FLAG_VIDEO_PARAM | AV_OPT_FLAG_FILTERING_PARAM
static const AVOption nerv_interp_options[] = {
    { "factor", "Output frames per input frame: each input frame and factor-1 frames rendered after it",
      OFFSET(factor), AV_OPT_TYPE_INT, { .i64 = 2 }, 2, 1024, FLAGS },
    { "fps", "Output frame rate (e.g. 50, 60000/1001, ntsc) instead of a factor; each output frame is "
      "rendered at its own time (default: unset)", OFFSET(fps_str), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { NULL }
};

AVFILTER_DEFINE_CLASS(nerv_interp);

static const enum AVPixelFormat pix_fmts[] = {
    AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_RGB24, AV_PIX_FMT_NONE
};

static NervPixelFormat nerv_pix_fmt(enum AVPixelFormat pix_fmt)
{
    switch (pix_fmt) {
    case AV_PIX_FMT_RGB24:   return NERV_PIX_FMT_RGB24;
    case AV_PIX_FMT_YUV420P: return NERV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUV444P: return NERV_PIX_FMT_YUV444P;
    default:                 return NERV_PIX_FMT_NONE;
    }
}

static av_cold int init(AVFilterContext *ctx)
{
    NervInterpContext *s = ctx->priv;

    s->fps = (AVRational){ 0, 1 };
    if (s->fps_str && av_parse_video_rate(&s->fps, s->fps_str) < 0) {
        av_log(ctx, AV_LOG_ERROR, "Invalid fps '%s': expected a positive frame rate such as 50, "
               "60000/1001 or ntsc.\n", s->fps_str);
        return AVERROR(EINVAL);
    }
    return 0;
}

static int config_output(AVFilterLink *outlink)
{
    AVFilterContext *ctx  = outlink->src;
    NervInterpContext *s  = ctx->priv;
    AVFilterLink *inlink  = ctx->inputs[0];
    FilterLink *il        = ff_filter_link(inlink);
    FilterLink *ol        = ff_filter_link(outlink);

    if (s->fps.num > 0) {
        outlink->time_base = av_inv_q(s->fps);
        ol->frame_rate     = s->fps;
        av_log(ctx, AV_LOG_VERBOSE, "output rate %d/%d\n", s->fps.num, s->fps.den);
        return 0;
    }
    /* factor mode: output pts = input pts * factor + an integer step, exactly */
    if (!av_reduce(&outlink->time_base.num, &outlink->time_base.den, inlink->time_base.num,
                   (int64_t)inlink->time_base.den * s->factor, INT_MAX)) {
        av_log(ctx, AV_LOG_ERROR, "The input time base %d/%d divided by factor %d does not fit "
               "a time base; use fps= instead.\n",
               inlink->time_base.num, inlink->time_base.den, s->factor);
        return AVERROR(EINVAL);
    }
    if (il->frame_rate.num > 0 && il->frame_rate.den > 0)
        ol->frame_rate = av_mul_q(il->frame_rate, (AVRational){ s->factor, 1 });
    av_log(ctx, AV_LOG_VERBOSE, "factor %d, time base %d/%d\n", s->factor,
           outlink->time_base.num, outlink->time_base.den);
    return 0;
}

static const NervFrameSource *frame_source(const AVFrame *frame)
{
    const AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_NERV_SOURCE);

    return sd && sd->size >= sizeof(NervFrameSource) ? (const NervFrameSource *)sd->data : NULL;
}

/** A new reference to `frame` at output time pts (an original frame). */
static int output_original(AVFilterContext *ctx, const AVFrame *frame, int64_t pts, int64_t duration)
{
    AVFrame *out = av_frame_clone(frame);

    if (!out)
        return AVERROR(ENOMEM);
    out->pts      = pts;
    out->duration = duration;
    return ff_filter_frame(ctx->outputs[0], out);
}

/** A frame rendered at `position` of the stream `source` belongs to. */
static int output_rendered(AVFilterContext *ctx, const AVFrame *props, const NervFrameSource *source,
                           double position, int64_t pts, int64_t duration)
{
    AVFilterLink *outlink = ctx->outputs[0];
    NervRenderTarget target = { 0 };
    AVFrame *out;
    int ret;

    out = ff_get_video_buffer(outlink, outlink->w, outlink->h);
    if (!out)
        return AVERROR(ENOMEM);
    ret = av_frame_copy_props(out, props);
    if (ret < 0)
        goto fail;
    /* its index is that of the frame the properties came from, not this one's */
    av_frame_remove_side_data(out, AV_FRAME_DATA_NERV_SOURCE);

    target.width  = out->width;
    target.height = out->height;
    target.format = nerv_pix_fmt(out->format);
    for (int i = 0; i < 3; i++) {
        target.data[i]   = out->data[i];
        target.stride[i] = out->linesize[i];
    }
    ret = nerv_renderer_render(source->renderer, position, &target, NULL);
    if (ret < 0) {
        av_log(ctx, AV_LOG_ERROR, "Rendering frame position %.4f failed: %s\n", position,
               nerv_last_error());
        goto fail;
    }
    out->pts      = pts;
    out->duration = duration;
    out->flags   &= ~AV_FRAME_FLAG_KEY;
    return ff_filter_frame(outlink, out);
fail:
    av_frame_free(&out);
    return ret;
}

/**
 * The frame at weight w (0 <= w < 1) of the way from prev to next: prev itself
 * at 0, else rendered. Two frames that do not follow each other in one stream
 * (another stream, a seek backwards) cannot be interpolated: prev is repeated.
 */
static int output_between(AVFilterContext *ctx, const AVFrame *prev, const AVFrame *next, double w,
                          int64_t pts, int64_t duration)
{
    NervInterpContext *s = ctx->priv;
    const NervFrameSource *a = frame_source(prev), *b = frame_source(next);

    if (w <= 0.0)
        return output_original(ctx, prev, pts, duration);
    if (a->renderer != b->renderer || b->frame_index <= a->frame_index) {
        if (!s->warned_gap++)
            av_log(ctx, AV_LOG_WARNING, "Frames %"PRId64" and %"PRId64" do not follow each other in "
                   "one NeRV stream; repeating the first instead of interpolating.\n",
                   a->frame_index, b->frame_index);
        return output_original(ctx, prev, pts, duration);
    }
    return output_rendered(ctx, prev, a, a->frame_index + w * (b->frame_index - a->frame_index),
                           pts, duration);
}

/** Factor mode: prev, then factor-1 rendered frames before next. */
static int output_factor(AVFilterContext *ctx, const AVFrame *prev, const AVFrame *next)
{
    NervInterpContext *s = ctx->priv;
    const int64_t step = next->pts - prev->pts;   /* output time base: the interval / factor */
    int ret;

    for (int k = 0; k < s->factor; k++) {
        ret = output_between(ctx, prev, next, (double)k / s->factor,
                             prev->pts * s->factor + k * step, step);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/** fps mode: the grid points from prev's time up to (not including) `end`. */
static int output_grid(AVFilterContext *ctx, const AVFrame *prev, const AVFrame *next,
                       int64_t end, AVRational end_tb)
{
    NervInterpContext *s = ctx->priv;
    AVRational in_tb  = ctx->inputs[0]->time_base;
    AVRational out_tb = ctx->outputs[0]->time_base;
    int ret;

    while (av_compare_ts(s->next_out_pts, out_tb, end, end_tb) < 0) {
        double w = 0.0;

        if (next && av_compare_ts(s->next_out_pts, out_tb, prev->pts, in_tb) > 0) {
            double t = s->next_out_pts * av_q2d(out_tb);
            w = (t - prev->pts * av_q2d(in_tb)) / ((next->pts - prev->pts) * av_q2d(in_tb));
            w = av_clipd(w, 0.0, 1.0 - 1e-9);
        }
        ret = next ? output_between(ctx, prev, next, w, s->next_out_pts, 1)
                   : output_original(ctx, prev, s->next_out_pts, 1);
        if (ret < 0)
            return ret;
        s->next_out_pts++;
    }
    return 0;
}

static int input_frame(AVFilterContext *ctx, AVFrame *in)
{
    NervInterpContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0];
    int ret;

    if (!frame_source(in)) {
        av_log(ctx, AV_LOG_ERROR, "The input frames carry no NeRV model: nerv_interp renders "
               "in-between frames with the network of a NeRV stream, so it must get the frames of "
               "the nerv decoder (ffmpeg -i clip.nerv -vf nerv_interp=factor=2 out.y4m), with only "
               "pixel format conversions in between. Encode other video with -c:v nerv_enc first, or "
               "use the minterpolate or framerate filter.\n");
        av_frame_free(&in);
        return AVERROR(EINVAL);
    }
    if (in->pts == AV_NOPTS_VALUE) {
        av_log(ctx, AV_LOG_ERROR, "nerv_interp needs frames with timestamps.\n");
        av_frame_free(&in);
        return AVERROR(EINVAL);
    }
    if (!s->prev) {
        s->prev = in;
        if (s->fps.num > 0)
            s->next_out_pts = av_rescale_q_rnd(in->pts, inlink->time_base, ctx->outputs[0]->time_base,
                                               AV_ROUND_UP | AV_ROUND_PASS_MINMAX);
        return 0;
    }
    if (in->pts <= s->prev->pts) {
        av_log(ctx, AV_LOG_WARNING, "Dropping a frame whose pts %s does not follow %s.\n",
               av_ts2str(in->pts), av_ts2str(s->prev->pts));
        av_frame_free(&in);
        return 0;
    }
    ret = s->fps.num > 0 ? output_grid(ctx, s->prev, in, in->pts, inlink->time_base)
                         : output_factor(ctx, s->prev, in);
    av_frame_free(&s->prev);
    s->prev = in;
    return ret;
}

/** At the end: the last frame, with its duration. Sets the end time. */
static int flush(AVFilterContext *ctx, int64_t *end_pts)
{
    NervInterpContext *s = ctx->priv;
    AVRational in_tb = ctx->inputs[0]->time_base;
    AVFrame *last = s->prev;
    int64_t duration;
    int ret;

    if (!last)
        return 0;
    duration = last->duration > 0 ? last->duration : 1;
    if (s->fps.num > 0) {
        ret = output_grid(ctx, last, NULL, last->pts + duration, in_tb);
        *end_pts = s->next_out_pts;
    } else {
        ret = output_original(ctx, last, last->pts * s->factor, duration * s->factor);
        *end_pts = (last->pts + duration) * s->factor;
    }
    av_frame_free(&s->prev);
    return ret;
}

static int activate(AVFilterContext *ctx)
{
    AVFilterLink *inlink  = ctx->inputs[0];
    AVFilterLink *outlink = ctx->outputs[0];
    AVFrame *in;
    int64_t pts;
    int ret, status;

    FF_FILTER_FORWARD_STATUS_BACK(outlink, inlink);

    ret = ff_inlink_consume_frame(inlink, &in);
    if (ret < 0)
        return ret;
    if (ret > 0) {
        ret = input_frame(ctx, in);
        if (ret >= 0 && ff_inlink_queued_frames(inlink))
            ff_filter_set_ready(ctx, 100);
        return ret;
    }

    if (ff_inlink_acknowledge_status(inlink, &status, &pts)) {
        int64_t end = av_rescale_q(pts, inlink->time_base, outlink->time_base);

        ret = flush(ctx, &end);
        ff_outlink_set_status(outlink, status, end);
        return ret;
    }

    FF_FILTER_FORWARD_WANTED(outlink, inlink);
    return FFERROR_NOT_READY;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    NervInterpContext *s = ctx->priv;

    av_frame_free(&s->prev);
}

static const AVFilterPad nerv_interp_outputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_output,
    },
};

const AVFilter ff_vf_nerv_interp = {
    .name          = "nerv_interp",
    .description   = NULL_IF_CONFIG_SMALL("Interpolate frames with the network of a NeRV stream."),
    .priv_size     = sizeof(NervInterpContext),
    .priv_class    = &nerv_interp_class,
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_INPUTS(ff_video_default_filterpad),
    FILTER_OUTPUTS(nerv_interp_outputs),
    FILTER_PIXFMTS_ARRAY(pix_fmts),
};

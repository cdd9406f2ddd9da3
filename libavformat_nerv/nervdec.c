/*
 * .nerv demuxer (NeRV neural video representation streams)
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
 * .nerv demuxer.
 *
 * A .nerv file is an 8-byte prefix ("NERV", version), a stream header chunk
 * (NVST), and per segment a model chunk (NVSG) followed by one frame record
 * chunk (NVFR) per frame. Every chunk is tag (u32), payload size (u64),
 * payload and CRC-32; see libnerv's docs/container-format.md.
 *
 * The prefix and the stream header are the extradata. Each packet is one
 * frame record; the segment's model chunk is put in front of the first frame
 * packet of each segment and of the first packet after a seek, which makes
 * that packet a key frame: every seek lands on a decodable packet and decodes
 * only the requested frame.
 *
 * On seekable input the whole file is indexed when it is opened, and every
 * segment with its frames is validated by libnerv (structure and CRCs), so a
 * damaged file fails to open with a message saying where it is damaged.
 */

#include "libavutil/avstring.h"
#include "libavutil/crc.h"
#include "libavutil/intreadwrite.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"

#include <nerv/nerv.h>

#include "avformat.h"
#include "avio_internal.h"
#include "demux.h"
#include "internal.h"

#define PREFIX_SIZE       8
#define CHUNK_HEADER_SIZE 12
/* header + CRC-32 trailer */
#define CHUNK_OVERHEAD    16
/* Limits of the format (docs/container-format.md) */
#define MAX_PAYLOAD_SIZE  (1ULL << 32)
/* A stream header holds a picture description and a little metadata. */
#define MAX_HEADER_SIZE   (16 << 20)

#define TAG_NVST MKTAG('N', 'V', 'S', 'T')
#define TAG_NVSG MKTAG('N', 'V', 'S', 'G')
#define TAG_NVFR MKTAG('N', 'V', 'F', 'R')

typedef struct NervFrameEntry {
    int64_t pos;        ///< file offset of the frame record chunk
    int64_t pts;        ///< pts stored in the record
    int     size;       ///< bytes of the chunk
    int     segment;    ///< index into NervDemuxContext.segments
} NervFrameEntry;

typedef struct NervSegmentEntry {
    int64_t pos;
    int     size;
} NervSegmentEntry;

typedef struct NervDemuxContext {
    const AVClass *class;
    int allow_truncated;

    /* index of a seekable file */
    NervFrameEntry   *frames;
    unsigned          frames_alloc;
    int               nb_frames;
    NervSegmentEntry *segments;
    unsigned          segments_alloc;
    int               nb_segments;
    int               indexed;
    int               next_frame;

    /* scan state: the stream header plus the chunks of the segment being read */
    uint8_t *group;
    unsigned group_alloc;
    size_t   group_size;
    int64_t  group_pos;
    int64_t  parameters;
    /** ",arch1,arch2," */
    char     arch[4 * NERV_NAME_MAX];

    /* the current segment's model chunk, put in front of a frame packet */
    uint8_t *segment;
    unsigned segment_alloc;
    int      segment_size;
    int      segment_index;
    int      segment_pending;

    int64_t  frame_duration;
} NervDemuxContext;

static int nerv_probe_format(const AVProbeData *p)
{
    if (p->buf_size < PREFIX_SIZE || AV_RL32(p->buf) != MKTAG('N', 'E', 'R', 'V'))
        return 0;
    /* other major versions: claim the file so that the error names the version */
    if (AV_RL16(p->buf + 4) != 1)
        return AVPROBE_SCORE_EXTENSION;
    if (p->buf_size >= PREFIX_SIZE + 4 && AV_RL32(p->buf + PREFIX_SIZE) != TAG_NVST)
        return AVPROBE_SCORE_EXTENSION;
    return AVPROBE_SCORE_MAX;
}

static int corrupt(AVFormatContext *s, int64_t pos, const char *what)
{
    av_log(s, AV_LOG_ERROR, "corrupt .nerv file: %s (chunk at byte %"PRId64")\n", what, pos);
    return AVERROR_INVALIDDATA;
}

static int truncated(AVFormatContext *s, int64_t pos, uint64_t need, int64_t left)
{
    NervDemuxContext *c = s->priv_data;

    av_log(s, c->allow_truncated ? AV_LOG_WARNING : AV_LOG_ERROR,
           "truncated .nerv file: the chunk at byte %"PRId64" needs %"PRIu64" bytes, "
           "%"PRId64" are left%s\n", pos, need, left,
           c->allow_truncated ? "; ignoring the rest" :
           " (-allow_truncated 1 plays the whole chunks before it)");
    return c->allow_truncated ? AVERROR_EOF : AVERROR_INVALIDDATA;
}

/**
 * Read a chunk header at the current position.
 * @return 0, AVERROR_EOF at the end of the data, or an error
 */
static int read_chunk_header(AVFormatContext *s, uint32_t *tag, uint64_t *size)
{
    uint8_t buf[CHUNK_HEADER_SIZE];
    int64_t pos = avio_tell(s->pb);
    int ret = avio_read(s->pb, buf, sizeof(buf));

    if (ret == AVERROR_EOF || ret == 0)
        return AVERROR_EOF;
    if (ret < 0)
        return ret;
    if (ret < sizeof(buf))
        return truncated(s, pos, sizeof(buf), ret);

    *tag  = AV_RL32(buf);
    *size = AV_RL64(buf + 4);
    if (*tag == TAG_NVST)
        return corrupt(s, pos, "a second stream header");
    if (*tag != TAG_NVSG && *tag != TAG_NVFR)
        return corrupt(s, pos, "unknown chunk tag");
    if (*size > MAX_PAYLOAD_SIZE)
        return corrupt(s, pos, "chunk size above the 4 GiB limit");
    if (*size > INT_MAX / 2 - CHUNK_OVERHEAD)
        return corrupt(s, pos, "chunk too large for a packet");
    return 0;
}

/** Read the rest of a chunk whose header was just read into dst (header included). */
static int read_chunk_body(AVFormatContext *s, uint32_t tag, uint64_t size,
                           uint8_t *dst, int64_t pos)
{
    int body = size + CHUNK_OVERHEAD - CHUNK_HEADER_SIZE;
    int ret;

    AV_WL32(dst, tag);
    AV_WL64(dst + 4, size);
    ret = avio_read(s->pb, dst + CHUNK_HEADER_SIZE, body);
    if (ret < 0 && ret != AVERROR_EOF)
        return ret;
    if (ret < body)
        return truncated(s, pos, size + CHUNK_OVERHEAD, CHUNK_HEADER_SIZE + FFMAX(ret, 0));
    return 0;
}

static void segment_info_cb(void *user_data, const NervSegmentInfo *info)
{
    NervDemuxContext *c = user_data;

    char token[NERV_NAME_MAX + 2];

    /* distinct architectures, in order, comma separated */
    snprintf(token, sizeof(token), ",%s,", info->arch);
    if (!c->arch[0]) {
        av_strlcpy(c->arch, token, sizeof(c->arch));
    } else if (!strstr(c->arch, token)) {
        c->arch[strlen(c->arch) - 1] = 0;
        av_strlcat(c->arch, token, sizeof(c->arch));
    }
}

/**
 * The file offset of the first chunk of the gathered segment whose CRC-32 does
 * not match, or -1: a CRC mismatch is then reported where it is in the file.
 */
static int64_t find_crc_mismatch(NervDemuxContext *c, int header_size, uint32_t *tag)
{
    const AVCRC *crc = av_crc_get_table(AV_CRC_32_IEEE_LE);
    size_t pos = header_size;

    while (c->group_size - pos >= CHUNK_OVERHEAD) {
        const uint8_t *chunk = c->group + pos;
        uint64_t size = AV_RL64(chunk + 4);

        if (size > c->group_size - pos - CHUNK_OVERHEAD)
            break;
        if ((av_crc(crc, UINT32_MAX, chunk, CHUNK_HEADER_SIZE + size) ^ UINT32_MAX) !=
            AV_RL32(chunk + CHUNK_HEADER_SIZE + size)) {
            *tag = AV_RL32(chunk);
            return c->group_pos + pos - header_size;
        }
        pos += size + CHUNK_OVERHEAD;
    }
    return -1;
}

/**
 * Validate the segment gathered in c->group (stream header + NVSG + NVFRs)
 * with libnerv's parser: CRCs, every field, frame records against their
 * segment.
 */
static int check_group(AVFormatContext *s)
{
    NervDemuxContext *c = s->priv_data;
    int header_size = s->streams[0]->codecpar->extradata_size;
    NervStreamInfo info;
    uint32_t tag;
    int64_t pos;
    int ret;

    if (c->group_size <= (size_t)header_size)
        return 0;
    ret = nerv_probe_segments(c->group, c->group_size, &info, segment_info_cb, c);
    if (ret < 0) {
        if ((pos = find_crc_mismatch(c, header_size, &tag)) >= 0) {
            av_log(s, AV_LOG_ERROR, "corrupt .nerv file: CRC mismatch in the %s chunk at byte "
                   "%"PRId64"\n", av_fourcc2str(tag), pos);
        } else {
            /* libnerv counts offsets from the start of the stream header */
            av_log(s, AV_LOG_ERROR, "corrupt .nerv file: segment %d at byte %"PRId64": %s\n",
                   c->nb_segments - 1, c->group_pos, nerv_last_error());
        }
        return AVERROR_INVALIDDATA;
    }
    c->parameters += info.parameters;
    c->group_size  = header_size;
    return 0;
}

static int append_to_group(NervDemuxContext *c, size_t size, uint8_t **dst)
{
    size_t need = c->group_size + size;
    uint8_t *group;

    if (need > INT_MAX)
        return AVERROR(ERANGE);
    group = av_fast_realloc(c->group, &c->group_alloc, need);
    if (!group)
        return AVERROR(ENOMEM);
    c->group = group;
    *dst = c->group + c->group_size;
    c->group_size = need;
    return 0;
}

/** Index every chunk of a seekable file and validate it. */
static int build_index(AVFormatContext *s)
{
    NervDemuxContext *c = s->priv_data;
    AVStream *st = s->streams[0];
    int64_t file_size = avio_size(s->pb);
    int64_t pos = avio_tell(s->pb);
    uint8_t *dst;
    int ret;

    /* each segment is checked together with the stream header */
    if ((ret = append_to_group(c, st->codecpar->extradata_size, &dst)) < 0)
        return ret;
    memcpy(dst, st->codecpar->extradata, st->codecpar->extradata_size);

    for (;;) {
        uint32_t tag;
        uint64_t size;
        uint8_t *chunk;

        pos = avio_tell(s->pb);
        ret = read_chunk_header(s, &tag, &size);
        if (ret == AVERROR_EOF)
            break;
        if (ret < 0)
            return ret;
        if (file_size > 0 && size + CHUNK_OVERHEAD > file_size - pos) {
            ret = truncated(s, pos, size + CHUNK_OVERHEAD, file_size - pos);
            if (ret == AVERROR_EOF)
                break;
            return ret;
        }

        if (tag == TAG_NVSG) {
            NervSegmentEntry *e;

            if ((ret = check_group(s)) < 0)
                return ret;
            e = av_fast_realloc(c->segments, &c->segments_alloc,
                                (c->nb_segments + 1) * sizeof(*c->segments));
            if (!e)
                return AVERROR(ENOMEM);
            c->segments = e;
            e[c->nb_segments++] = (NervSegmentEntry){ pos, size + CHUNK_OVERHEAD };
            c->group_pos = pos;
        } else {
            NervFrameEntry *e;

            if (!c->nb_segments)
                return corrupt(s, pos, "frame record before any segment");
            if (size < 12)
                return corrupt(s, pos, "frame record too short");
            if (c->nb_frames == INT_MAX / sizeof(*c->frames))
                return AVERROR(ERANGE);
            e = av_fast_realloc(c->frames, &c->frames_alloc,
                                (c->nb_frames + 1) * sizeof(*c->frames));
            if (!e)
                return AVERROR(ENOMEM);
            c->frames = e;
            e[c->nb_frames++] = (NervFrameEntry){ pos, 0, size + CHUNK_OVERHEAD,
                                                  c->nb_segments - 1 };
        }

        if ((ret = append_to_group(c, size + CHUNK_OVERHEAD, &chunk)) < 0)
            return ret;
        if ((ret = read_chunk_body(s, tag, size, chunk, pos)) < 0)
            return ret;
        /* frame record payload: index_in_segment (u32), pts (i64), ... */
        if (tag == TAG_NVFR)
            c->frames[c->nb_frames - 1].pts = AV_RL64(chunk + CHUNK_HEADER_SIZE + 4);
    }
    if ((ret = check_group(s)) < 0)
        return ret;
    av_freep(&c->group);
    c->group_alloc = 0;
    c->indexed = 1;
    return 0;
}

static void set_stream_info(AVFormatContext *s, int64_t file_size)
{
    NervDemuxContext *c = s->priv_data;
    AVStream *st = s->streams[0];
    const NervFrameEntry *last = &c->frames[c->nb_frames - 1];

    st->nb_frames  = c->nb_frames;
    st->start_time = c->frames[0].pts;
    st->duration   = last->pts - c->frames[0].pts + c->frame_duration;

    c->arch[strlen(c->arch) - 1] = 0;
    av_dict_set(&st->metadata, "arch", c->arch + 1, 0);
    av_dict_set_int(&st->metadata, "parameters", c->parameters, 0);
    av_dict_set_int(&st->metadata, "segments", c->nb_segments, 0);
    av_dict_set_int(&st->metadata, "frames", c->nb_frames, 0);
    if (file_size > 0) {
        char bpp[32];
        snprintf(bpp, sizeof(bpp), "%.4f", 8.0 * file_size /
                 ((double)st->codecpar->width * st->codecpar->height * c->nb_frames));
        av_dict_set(&st->metadata, "bpp", bpp, 0);
    }
}

static int nerv_read_header(AVFormatContext *s)
{
    NervDemuxContext *c = s->priv_data;
    AVIOContext *pb = s->pb;
    uint8_t head[PREFIX_SIZE + CHUNK_HEADER_SIZE];
    int64_t file_size = avio_size(pb);
    NervStreamInfo info;
    AVCodecParameters *par;
    AVStream *st;
    uint64_t size;
    int ret;

    ret = avio_read(pb, head, sizeof(head));
    if (ret < 0 && ret != AVERROR_EOF)
        return ret;
    if (ret < (int)sizeof(head) || AV_RL32(head) != MKTAG('N', 'E', 'R', 'V'))
        return corrupt(s, 0, "no NERV file prefix and stream header");
    if (AV_RL32(head + PREFIX_SIZE) != TAG_NVST)
        return corrupt(s, PREFIX_SIZE, "the stream header chunk is missing");
    size = AV_RL64(head + PREFIX_SIZE + 4);
    if (size > MAX_HEADER_SIZE)
        return corrupt(s, PREFIX_SIZE, "stream header size is implausible");
    if (file_size > 0 && size + CHUNK_OVERHEAD > file_size - PREFIX_SIZE) {
        /* without a whole stream header there is nothing to play */
        truncated(s, PREFIX_SIZE, size + CHUNK_OVERHEAD, file_size - PREFIX_SIZE);
        return AVERROR_INVALIDDATA;
    }

    st = avformat_new_stream(s, NULL);
    if (!st)
        return AVERROR(ENOMEM);
    par = st->codecpar;
    ret = ff_alloc_extradata(par, PREFIX_SIZE + size + CHUNK_OVERHEAD);
    if (ret < 0)
        return ret;
    memcpy(par->extradata, head, PREFIX_SIZE);
    ret = read_chunk_body(s, TAG_NVST, size, par->extradata + PREFIX_SIZE, PREFIX_SIZE);
    if (ret < 0)
        return ret == AVERROR_EOF ? AVERROR_INVALIDDATA : ret;

    ret = nerv_probe(par->extradata, par->extradata_size, &info);
    if (ret == AVERROR(ENOTSUP)) {
        /* a major version this libnerv does not read */
        av_log(s, AV_LOG_ERROR, "%s\n", nerv_last_error());
        return AVERROR_PATCHWELCOME;
    }
    if (ret < 0) {
        av_log(s, AV_LOG_ERROR, "corrupt .nerv file: stream header: %s\n", nerv_last_error());
        return AVERROR_INVALIDDATA;
    }

    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id   = AV_CODEC_ID_NERV;
    par->width      = info.width;
    par->height     = info.height;
    switch (info.source_format) {
    case NERV_PIX_FMT_RGB24:
        par->format          = AV_PIX_FMT_RGB24;
        par->color_space     = AVCOL_SPC_RGB;
        par->color_range     = AVCOL_RANGE_JPEG;
        break;
    case NERV_PIX_FMT_YUV420P:
    case NERV_PIX_FMT_YUV444P:
        par->format          = info.source_format == NERV_PIX_FMT_YUV420P ?
                               AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P;
        par->color_space     = info.matrix == NERV_MATRIX_BT709 ? AVCOL_SPC_BT709 :
                                                                  AVCOL_SPC_SMPTE170M;
        par->color_range     = info.range == NERV_RANGE_FULL ? AVCOL_RANGE_JPEG :
                                                               AVCOL_RANGE_MPEG;
        break;
    default:
        break;
    }
    st->avg_frame_rate = st->r_frame_rate = (AVRational){ info.fps_num, info.fps_den };
    avpriv_set_pts_info(st, 64, info.timebase_num, info.timebase_den);
    c->frame_duration = av_rescale_q(1, av_inv_q(st->avg_frame_rate), st->time_base);
    c->segment_index  = -1;

    if (pb->seekable & AVIO_SEEKABLE_NORMAL) {
        int64_t data_start = avio_tell(pb);

        if ((ret = build_index(s)) < 0)
            return ret;
        if (c->nb_frames) {
            /* A last segment missing frame records was cut at a chunk boundary. */
            set_stream_info(s, file_size);
        }
        if (avio_seek(pb, data_start, SEEK_SET) < 0)
            return AVERROR(EIO);
    }
    return 0;
}

/** Make c->segment hold segment `index` of the index. */
static int load_segment(AVFormatContext *s, int index)
{
    NervDemuxContext *c = s->priv_data;
    const NervSegmentEntry *e = &c->segments[index];
    int ret;

    if (c->segment_index == index)
        return 0;
    av_fast_malloc(&c->segment, &c->segment_alloc, e->size);
    if (!c->segment)
        return AVERROR(ENOMEM);
    if (avio_seek(s->pb, e->pos, SEEK_SET) < 0)
        return AVERROR(EIO);
    ret = ffio_read_size(s->pb, c->segment, e->size);
    if (ret < 0)
        return ret;
    c->segment_size  = e->size;
    c->segment_index = index;
    return 0;
}

/** Packet = [segment chunk if pending] + frame chunk; the frame chunk is read into place. */
static int make_packet(AVFormatContext *s, AVPacket *pkt, int frame_size, uint8_t **frame)
{
    NervDemuxContext *c = s->priv_data;
    int prefix = c->segment_pending ? c->segment_size : 0;
    int ret;

    if (frame_size > INT_MAX - prefix)
        return AVERROR(ERANGE);
    if ((ret = av_new_packet(pkt, prefix + frame_size)) < 0)
        return ret;
    if (prefix) {
        memcpy(pkt->data, c->segment, prefix);
        pkt->flags |= AV_PKT_FLAG_KEY;
        c->segment_pending = 0;
    }
    *frame = pkt->data + prefix;
    return 0;
}

static void set_packet_props(NervDemuxContext *c, AVPacket *pkt, const uint8_t *frame,
                             int64_t pos)
{
    pkt->pts      = pkt->dts = AV_RL64(frame + CHUNK_HEADER_SIZE + 4);
    pkt->duration = c->frame_duration;
    pkt->pos      = pos;
}

static int read_packet_indexed(AVFormatContext *s, AVPacket *pkt)
{
    NervDemuxContext *c = s->priv_data;
    const NervFrameEntry *f;
    uint8_t *frame;
    int ret;

    if (c->next_frame >= c->nb_frames)
        return AVERROR_EOF;
    f = &c->frames[c->next_frame];
    if (c->segment_index != f->segment) {
        if ((ret = load_segment(s, f->segment)) < 0)
            return ret;
        c->segment_pending = 1;
    }
    if (avio_tell(s->pb) != f->pos && avio_seek(s->pb, f->pos, SEEK_SET) < 0)
        return AVERROR(EIO);
    if ((ret = make_packet(s, pkt, f->size, &frame)) < 0)
        return ret;
    if ((ret = ffio_read_size(s->pb, frame, f->size)) < 0)
        return ret;
    set_packet_props(c, pkt, frame, f->pos);
    c->next_frame++;
    return 0;
}

/** Non-seekable input: chunks in file order, validated by the decoder. */
static int read_packet_stream(AVFormatContext *s, AVPacket *pkt)
{
    NervDemuxContext *c = s->priv_data;

    for (;;) {
        int64_t pos = avio_tell(s->pb);
        uint8_t *frame;
        uint32_t tag;
        uint64_t size;
        int ret = read_chunk_header(s, &tag, &size);

        if (ret < 0)
            return ret;
        if (tag == TAG_NVSG) {
            av_fast_malloc(&c->segment, &c->segment_alloc, size + CHUNK_OVERHEAD);
            if (!c->segment)
                return AVERROR(ENOMEM);
            if ((ret = read_chunk_body(s, tag, size, c->segment, pos)) < 0)
                return ret;
            c->segment_size    = size + CHUNK_OVERHEAD;
            c->segment_pending = 1;
            c->segment_index++;
            continue;
        }
        if (c->segment_index < 0)
            return corrupt(s, pos, "frame record before any segment");
        if (size < 12)
            return corrupt(s, pos, "frame record too short");
        if ((ret = make_packet(s, pkt, size + CHUNK_OVERHEAD, &frame)) < 0)
            return ret;
        if ((ret = read_chunk_body(s, tag, size, frame, pos)) < 0)
            return ret;
        set_packet_props(c, pkt, frame, pos);
        return 0;
    }
}

static int nerv_read_packet(AVFormatContext *s, AVPacket *pkt)
{
    NervDemuxContext *c = s->priv_data;

    return c->indexed ? read_packet_indexed(s, pkt) : read_packet_stream(s, pkt);
}

static int nerv_read_seek(AVFormatContext *s, int stream_index, int64_t timestamp, int flags)
{
    NervDemuxContext *c = s->priv_data;
    int lo = 0, hi = c->nb_frames;

    if (!c->indexed || (flags & AVSEEK_FLAG_BYTE))
        return AVERROR(ENOSYS);

    if (flags & AVSEEK_FLAG_FRAME) {
        lo = (int)av_clip64(timestamp, 0, c->nb_frames);
    } else {
        /* first frame with pts > timestamp (records are in presentation order) */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (c->frames[mid].pts > timestamp)
                hi = mid;
            else
                lo = mid + 1;
        }
        /* backward: the frame shown at timestamp; forward: the first at or after it */
        if (flags & AVSEEK_FLAG_BACKWARD)
            lo = FFMAX(lo - 1, 0);
        else if (lo > 0 && c->frames[lo - 1].pts == timestamp)
            lo--;
    }
    c->next_frame      = lo;
    c->segment_pending = 1;
    if (lo < c->nb_frames)
        return load_segment(s, c->frames[lo].segment);
    return 0;
}

static int nerv_read_close(AVFormatContext *s)
{
    NervDemuxContext *c = s->priv_data;

    av_freep(&c->frames);
    av_freep(&c->segments);
    av_freep(&c->group);
    av_freep(&c->segment);
    return 0;
}

#define OFFSET(x) offsetof(NervDemuxContext, x)
static const AVOption nerv_options[] = {
    { "allow_truncated", "Play the whole chunks of a truncated file instead of failing",
      OFFSET(allow_truncated), AV_OPT_TYPE_BOOL, { .i64 = 0 }, 0, 1, AV_OPT_FLAG_DECODING_PARAM },
    { NULL },
};

static const AVClass nerv_demuxer_class = {
    .class_name = "nerv demuxer",
    .item_name  = av_default_item_name,
    .option     = nerv_options,
    .version    = LIBAVUTIL_VERSION_INT,
};

const FFInputFormat ff_nerv_demuxer = {
    .p.name         = "nerv",
    .p.long_name    = NULL_IF_CONFIG_SMALL("NeRV neural video representation"),
    .p.extensions   = "nerv",
    .p.flags        = AVFMT_SEEK_TO_PTS,
    .p.priv_class   = &nerv_demuxer_class,
    .priv_data_size = sizeof(NervDemuxContext),
    .flags_internal = FF_INFMT_FLAG_INIT_CLEANUP,
    .read_probe     = nerv_probe_format,
    .read_header    = nerv_read_header,
    .read_packet    = nerv_read_packet,
    .read_seek      = nerv_read_seek,
    .read_close     = nerv_read_close,
};

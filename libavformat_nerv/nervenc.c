/*
 * .nerv muxer (NeRV neural video representation streams)
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
 * .nerv muxer: the extradata (file prefix + stream header chunk), then the
 * packets' chunks verbatim, so that the output is the same file the nerv
 * command line tool writes. Timestamps are those stored in the frame records
 * by the encoder.
 *
 * A packet whose segment chunk repeats the segment written last (as after a
 * seek, where the demuxer re-sends the model with the first frame) has that
 * chunk dropped, so a stream copy never duplicates a model in the file.
 */

#include "libavutil/intreadwrite.h"

#include "avformat.h"
#include "mux.h"

#define PREFIX_SIZE       8
#define CHUNK_HEADER_SIZE 12
#define CHUNK_OVERHEAD    16

#define TAG_NVST MKTAG('N', 'V', 'S', 'T')
#define TAG_NVSG MKTAG('N', 'V', 'S', 'G')
#define TAG_NVFR MKTAG('N', 'V', 'F', 'R')

typedef struct NervMuxContext {
    /** payload size and CRC-32 of the last segment chunk written */
    uint64_t last_segment_size;
    uint32_t last_segment_crc;
    int      have_segment;
} NervMuxContext;

static int nerv_init(AVFormatContext *s)
{
    AVCodecParameters *par = s->streams[0]->codecpar;

    if (par->codec_id != AV_CODEC_ID_NERV) {
        av_log(s, AV_LOG_ERROR, "The .nerv muxer only stores the nerv codec.\n");
        return AVERROR(EINVAL);
    }
    if (par->extradata_size < PREFIX_SIZE + CHUNK_OVERHEAD ||
        AV_RL32(par->extradata) != MKTAG('N', 'E', 'R', 'V') ||
        AV_RL32(par->extradata + PREFIX_SIZE) != TAG_NVST) {
        av_log(s, AV_LOG_ERROR, "The stream has no .nerv stream header as extradata.\n");
        return AVERROR(EINVAL);
    }
    return 0;
}

static int nerv_write_header(AVFormatContext *s)
{
    const AVCodecParameters *par = s->streams[0]->codecpar;

    avio_write(s->pb, par->extradata, par->extradata_size);
    return 0;
}

static int nerv_write_packet(AVFormatContext *s, AVPacket *pkt)
{
    NervMuxContext *c = s->priv_data;
    const uint8_t *p = pkt->data, *end = pkt->data + pkt->size;

    /* Check that the packet is whole chunks before writing any of it. */
    while (end - p >= CHUNK_HEADER_SIZE) {
        uint32_t tag  = AV_RL32(p);
        uint64_t size = AV_RL64(p + 4);

        if ((tag != TAG_NVSG && tag != TAG_NVFR) || end - p < CHUNK_OVERHEAD ||
            size > (uint64_t)(end - p) - CHUNK_OVERHEAD)
            break;
        p += size + CHUNK_OVERHEAD;
    }
    if (p != end) {
        av_log(s, AV_LOG_ERROR, "Packet at pts %"PRId64" is not a sequence of whole "
               "segment and frame chunks.\n", pkt->pts);
        return AVERROR_INVALIDDATA;
    }

    for (p = pkt->data; p < end;) {
        uint64_t size  = AV_RL64(p + 4);
        size_t   chunk = size + CHUNK_OVERHEAD;

        if (AV_RL32(p) == TAG_NVSG) {
            uint32_t crc = AV_RL32(p + CHUNK_HEADER_SIZE + size);

            if (c->have_segment && size == c->last_segment_size && crc == c->last_segment_crc) {
                p += chunk;
                continue;
            }
            c->last_segment_size = size;
            c->last_segment_crc  = crc;
            c->have_segment      = 1;
        }
        avio_write(s->pb, p, chunk);
        p += chunk;
    }
    return 0;
}

const FFOutputFormat ff_nerv_muxer = {
    .p.name           = "nerv",
    .p.long_name      = NULL_IF_CONFIG_SMALL("NeRV neural video representation"),
    .p.extensions     = "nerv",
    .p.audio_codec    = AV_CODEC_ID_NONE,
    .p.video_codec    = AV_CODEC_ID_NERV,
    .p.subtitle_codec = AV_CODEC_ID_NONE,
    .p.flags          = AVFMT_GLOBALHEADER | AVFMT_VARIABLE_FPS,
    .flags_internal   = FF_OFMT_FLAG_MAX_ONE_OF_EACH | FF_OFMT_FLAG_ONLY_DEFAULT_CODECS,
    .priv_data_size   = sizeof(NervMuxContext),
    .init             = nerv_init,
    .write_header     = nerv_write_header,
    .write_packet     = nerv_write_packet,
};

/*
 * libFuzzer target: bytes -> the patched FFmpeg's .nerv demuxer, read as ffprobe and ffmpeg
 * read a file: through an AVIOContext (seekable, so the demuxer indexes and validates the whole
 * file when it opens), every packet, then seeks and the packets after them. The demuxer's own
 * source (libavformat_nerv/nervdec.c) is compiled into this target with the sanitizers and
 * coverage; the rest of libavformat and libnerv are the normal builds (docs/testing.md).
 * Each input is read twice: as it is, and with every whole chunk's CRC recomputed (as
 * fuzz/chunk_crc_fixup.cpp does for fuzz_decoder), so that mutations reach the demuxer's
 * parsing of chunk contents instead of stopping at its CRC check.
 */
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "libavformat/avformat.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

typedef struct Input {
    const uint8_t *data;
    size_t size;
    size_t pos;
} Input;

static int read_input(void *opaque, uint8_t *buf, int size)
{
    Input *in = opaque;
    size_t left = in->size - in->pos;
    size_t n = (size_t)size < left ? (size_t)size : left;
    if (!n)
        return AVERROR_EOF;
    memcpy(buf, in->data + in->pos, n);
    in->pos += n;
    return (int)n;
}

static int64_t seek_input(void *opaque, int64_t offset, int whence)
{
    Input *in = opaque;
    int64_t to;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return (int64_t)in->size;
    case SEEK_SET: to = offset; break;
    case SEEK_CUR: to = (int64_t)in->pos + offset; break;
    case SEEK_END: to = (int64_t)in->size + offset; break;
    default: return AVERROR(EINVAL);
    }
    if (to < 0 || to > (int64_t)in->size)
        return AVERROR(EINVAL);
    in->pos = (size_t)to;
    return to;
}

static void read_packets(AVFormatContext *ctx, AVPacket *pkt, int max)
{
    for (int i = 0; i < max && av_read_frame(ctx, pkt) >= 0; i++)
        av_packet_unref(pkt);
}

/* .nerv framing (docs/container-format.md): optional 8-byte file prefix "NERV" + version, then
 * chunks of tag (4) + little-endian payload size (8) + payload + CRC-32 (4) of tag, size and
 * payload. Chunks that are not whole are left as they are. */
static void fix_crcs(uint8_t *buf, size_t size)
{
    size_t pos = size >= 8 && memcmp(buf, "NERV", 4) == 0 ? 8 : 0;
    while (size - pos >= 16) {
        uint64_t payload = 0;
        size_t framed;
        uint32_t crc;
        for (int i = 0; i < 8; i++)
            payload |= (uint64_t)buf[pos + 4 + i] << (8 * i);
        if (payload > size - pos - 16)
            break;
        framed = 12 + (size_t)payload;
        crc = (uint32_t)crc32(0, buf + pos, (uInt)framed);
        for (int i = 0; i < 4; i++)
            buf[pos + framed + i] = (uint8_t)(crc >> (8 * i));
        pos += framed + 4;
    }
}

static void demux(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *fixed;
    demux(data, size);
    fixed = size ? av_malloc(size) : NULL;
    if (fixed) {
        memcpy(fixed, data, size);
        fix_crcs(fixed, size);
        if (memcmp(fixed, data, size))
            demux(fixed, size);
        av_free(fixed);
    }
    return 0;
}

static void demux(const uint8_t *data, size_t size)
{
    static const AVInputFormat *nerv;
    Input in = { data, size, 0 };
    AVFormatContext *ctx = NULL;
    AVIOContext *pb = NULL;
    AVPacket *pkt = NULL;
    uint8_t *buffer;
    AVProbeData probe = { "fuzz.nerv", NULL, 0, NULL };
    uint8_t *probe_buf;

    if (!nerv) {
        av_log_set_level(AV_LOG_PANIC);
        nerv = av_find_input_format("nerv");
        if (!nerv)
            abort();
    }
    /* the probe sees the data with the zero padding lavf guarantees */
    probe_buf = av_mallocz(size + AVPROBE_PADDING_SIZE);
    if (!probe_buf)
        return;
    memcpy(probe_buf, data, size);
    probe.buf = probe_buf;
    probe.buf_size = (int)(size < INT32_MAX ? size : INT32_MAX);
    av_probe_input_format(&probe, 1);
    av_free(probe_buf);

    buffer = av_malloc(4096);
    pb = buffer ? avio_alloc_context(buffer, 4096, 0, &in, read_input, NULL, seek_input) : NULL;
    ctx = avformat_alloc_context();
    pkt = av_packet_alloc();
    if (!pb || !ctx || !pkt) {
        if (pb)
            av_freep(&pb->buffer);
        else
            av_free(buffer);
        avio_context_free(&pb);
        avformat_free_context(ctx);
        av_packet_free(&pkt);
        return;
    }
    ctx->pb = pb;
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    if (avformat_open_input(&ctx, "fuzz.nerv", nerv, NULL) == 0) {
        read_packets(ctx, pkt, 64);
        /* seek to the middle and to the start, as a player does */
        if (ctx->nb_streams > 0 && ctx->streams[0]->duration > 0) {
            av_seek_frame(ctx, 0, ctx->streams[0]->duration / 2, AVSEEK_FLAG_BACKWARD);
            read_packets(ctx, pkt, 4);
        }
        av_seek_frame(ctx, 0, 0, AVSEEK_FLAG_BACKWARD);
        read_packets(ctx, pkt, 4);
        avformat_close_input(&ctx);
    } else {
        avformat_free_context(ctx);  /* avformat_open_input frees it on failure; NULL here */
    }
    av_freep(&pb->buffer);
    avio_context_free(&pb);
    av_packet_free(&pkt);
}

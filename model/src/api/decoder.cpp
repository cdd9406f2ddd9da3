// NervDecoder: accepts stream bytes as whole chunks (packets or a file), keeps every
// segment and frame record it was given (the compressed stream is small), renders
// frames in the order they arrived or any frame on request. One segment model is kept
// built at a time.
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "api/api_guard.h"
#include "api/decoder_state.h"
#include "core/enum_value.h"
#include "container/records.h"

namespace {

/** A parsed packet, committed only when all of it is valid. */
struct PendingChunk {
    nerv::ChunkType type;
    nerv::StreamHeader header;
    nerv::SegmentRecord segment;
    std::vector<uint8_t> bytes;
    nerv::FrameRecord frame;
};

void check_abort(NervDecoder *d)
{
    if (d->settings.abort_cb && d->settings.abort_cb(d->settings.abort_user))
        nerv::fail(NERV_ERROR_ABORTED, "decoding aborted by the caller");
}

void render_frame(NervDecoder *d, int64_t frame_index, NervPicture *out)
{
    nerv::StoredFrame f;
    if (!d->store->find_frame(frame_index, &f))
        nerv::fail(-ERANGE, nerv::format("frame %lld has not been received", static_cast<long long>(frame_index)));
    check_abort(d);
    d->renderer.render_frame(frame_index, d->settings.output_format, &d->out);
    *out = d->out.picture;
}

/** Both render sides in 1..16384 (the largest canvas a model draws), or both 0. */
void check_render_size(const NervDecoderSettings &s)
{
    constexpr int kMaxSide = 16384;
    const struct {
        const char *name;
        int value;
    } sides[] = {{"render_width", s.render_width}, {"render_height", s.render_height}};
    for (const auto &side : sides) {
        if (side.value < 0 || side.value > kMaxSide)
            nerv::fail_invalid_argument(nerv::format("decoder setting '%s' = %d is invalid: expected 0 (the "
                                                     "stream's size) or 1..%d",
                                                     side.name, side.value, kMaxSide));
    }
    if ((s.render_width == 0) != (s.render_height == 0))
        nerv::fail_invalid_argument(nerv::format("decoder settings 'render_width' = %d and 'render_height' = %d are "
                                                 "invalid: set both (1..%d) or neither (0)",
                                                 s.render_width, s.render_height, kMaxSide));
}

}  // namespace

// API 1.3 took render_width and render_height from the reserved bytes: the struct keeps its size.
static_assert(sizeof(void *) != 8 || sizeof(NervDecoderSettings) == 184,
              "NervDecoderSettings must keep its size: take new fields from reserved");

extern "C" {

void nerv_decoder_default_settings(NervDecoderSettings *s)
{
    if (!s)
        return;
    std::memset(s, 0, sizeof(*s));
    s->output_format = NERV_PIX_FMT_NONE;
    s->device = NERV_DEVICE_AUTO;
    s->log_level = NERV_LOG_INFO;
}

int nerv_decoder_open(NervDecoder **out, const NervDecoderSettings *settings)
{
    if (out)
        *out = nullptr;
    return nerv::guarded([&] {
        if (!out || !settings)
            nerv::fail_invalid_argument("nerv_decoder_open: NULL argument");
        const NervDecoderSettings &s = *settings;
        if (nerv::enum_value(s.output_format) < NERV_PIX_FMT_NONE || nerv::enum_value(s.output_format) > NERV_PIX_FMT_YUV444P)
            nerv::fail_invalid_argument(nerv::format("decoder setting 'output_format' = %d is invalid: expected -1 "
                                                     "(stream's) or 0..2",
                                                     nerv::enum_value(s.output_format)));
        if (nerv::enum_value(s.device) < NERV_DEVICE_AUTO || nerv::enum_value(s.device) > NERV_DEVICE_CUDA)
            nerv::fail_invalid_argument(nerv::format("decoder setting 'device' = %d is invalid: expected 0..2",
                                                     nerv::enum_value(s.device)));
        if (s.threads < 0 || s.threads > 1024)
            nerv::fail_invalid_argument(nerv::format("decoder setting 'threads' = %d is invalid: expected 0..1024",
                                                     s.threads));
        if (s.memory_limit < 0 || s.memory_limit > (1 << 24))
            nerv::fail_invalid_argument(nerv::format("decoder setting 'memory_limit' = %d is invalid: expected 0 "
                                                     "(what the device has available)..16777216 MiB",
                                                     s.memory_limit));
        check_render_size(s);
        if (nerv::enum_value(s.log_level) < NERV_LOG_ERROR || nerv::enum_value(s.log_level) > NERV_LOG_DEBUG)
            nerv::fail_invalid_argument(nerv::format("decoder setting 'log_level' = %d is invalid: expected 0..4",
                                                     nerv::enum_value(s.log_level)));
        nerv::Logger logger;
        logger.callback = s.log_cb;
        logger.user_data = s.log_user;
        logger.level = s.log_level;
        auto d = std::make_unique<NervDecoder>(s, logger);
        *out = d.release();
        return 0;
    });
}

int nerv_decoder_send_packet(NervDecoder *dec, const uint8_t *data, size_t size)
{
    return nerv::guarded([&] {
        if (!dec || (!data && size))
            nerv::fail_invalid_argument("nerv_decoder_send_packet: NULL argument");
        nerv::ChunkScanner scanner(data, size);
        scanner.consume_file_prefix();  // packets are bare chunks; a whole file starts with the prefix
        // Parse the whole packet first: a malformed chunk must leave the decoder unchanged.
        std::vector<PendingChunk> pending;
        bool header_seen = dec->have_header;
        bool segment_seen = dec->current != nullptr;
        size_t codecs = segment_seen ? dec->current->record.frame_codecs.size() : 0;
        nerv::ChunkView c;
        while (scanner.next(&c)) {
            PendingChunk p;
            p.type = c.type;
            switch (c.type) {
            case nerv::ChunkType::StreamHeader:
                p.header = nerv::parse_stream_header(c);
                header_seen = true;
                break;
            case nerv::ChunkType::Segment:
                if (!header_seen)
                    nerv::fail_invalid_data("segment received before the stream header (extradata missing?)");
                p.segment = nerv::parse_segment(c);
                p.bytes.assign(c.payload, c.payload + c.payload_size);
                codecs = p.segment.frame_codecs.size();
                segment_seen = true;
                break;
            case nerv::ChunkType::Frame:
                if (!segment_seen)
                    nerv::fail_invalid_data("frame record received before any segment (start decoding at a segment)");
                p.frame = nerv::parse_frame(c, codecs);
                break;
            }
            pending.push_back(std::move(p));
        }
        if (scanner.truncated())
            nerv::fail_invalid_data(nerv::format("packet ends inside a chunk at byte %zu of %zu", scanner.position(),
                                                 size));
        // Frame indices must fit their segment; check before committing.
        int64_t seg_frames = dec->current ? dec->current->record.frame_count : 0;
        for (const PendingChunk &p : pending) {
            if (p.type == nerv::ChunkType::Segment)
                seg_frames = p.segment.frame_count;
            if (p.type == nerv::ChunkType::StreamHeader && dec->have_header && dec->current &&
                (p.header.width != dec->header.width || p.header.height != dec->header.height))
                nerv::fail_invalid_data("a second stream header with another picture size");
            if (p.type == nerv::ChunkType::Frame && p.frame.index_in_segment >= seg_frames)
                nerv::fail_invalid_data(nerv::format("frame record index %u is outside its segment of %lld frames",
                                                     p.frame.index_in_segment, static_cast<long long>(seg_frames)));
        }
        for (PendingChunk &p : pending) {
            switch (p.type) {
            case nerv::ChunkType::StreamHeader:
                dec->header = std::move(p.header);
                dec->have_header = true;
                dec->store->set_header(dec->header);
                break;
            case nerv::ChunkType::Segment:
                // A re-sent identical segment is kept, and so is its built model.
                dec->current = dec->store->put_segment(std::move(p.segment), std::move(p.bytes));
                break;
            case nerv::ChunkType::Frame: {
                const int64_t index = dec->current->record.first_frame + p.frame.index_in_segment;
                dec->store->put_frame(dec->current, std::move(p.frame));
                dec->queue.push_back(index);
                break;
            }
            }
        }
        return 0;
    });
}

int nerv_decoder_receive_frame(NervDecoder *dec, NervPicture *out)
{
    return nerv::guarded([&] {
        if (!dec || !out)
            nerv::fail_invalid_argument("nerv_decoder_receive_frame: NULL argument");
        if (dec->queue.empty())
            return -EAGAIN;
        // A frame that fails to render is consumed: the next call moves on.
        const int64_t index = dec->queue.front();
        dec->queue.pop_front();
        render_frame(dec, index, out);
        return 0;
    });
}

int nerv_decoder_decode_frame(NervDecoder *dec, int64_t frame_index, NervPicture *out)
{
    return nerv::guarded([&] {
        if (!dec || !out)
            nerv::fail_invalid_argument("nerv_decoder_decode_frame: NULL argument");
        render_frame(dec, frame_index, out);
        return 0;
    });
}

int nerv_decoder_decode_position(NervDecoder *dec, double position, NervPicture *out)
{
    return nerv::guarded([&] {
        if (!dec || !out)
            nerv::fail_invalid_argument("nerv_decoder_decode_position: NULL argument");
        check_abort(dec);
        dec->renderer.render_position(position, dec->settings.output_format, &dec->out);
        *out = dec->out.picture;
        return 0;
    });
}

void nerv_decoder_flush(NervDecoder *dec)
{
    if (dec)
        dec->queue.clear();
}

void nerv_decoder_close(NervDecoder **dec)
{
    if (!dec || !*dec)
        return;
    nerv::guarded([&] {
        delete *dec;
        return 0;
    });
    *dec = nullptr;
}

}  // extern "C"

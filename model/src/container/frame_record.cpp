// NVFR: one frame of the current segment (docs/container-format.md, "NVFR").
#include "container/chunk_framing.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {

std::vector<uint8_t> write_frame_chunk(const FrameRecord &f)
{
    // A frame carries one payload per frame codec, and a segment has at most kMaxTensors of those.
    if (f.payloads.size() > StreamLimits::kMaxTensors)
        fail_invalid_argument(format("frame record has %zu payloads, more than %u", f.payloads.size(),
                                     StreamLimits::kMaxTensors));
    ByteWriter w;
    w.u32(f.index_in_segment);
    w.i64(f.pts);
    w.u32(static_cast<uint32_t>(f.payloads.size()));
    for (const std::vector<uint8_t> &p : f.payloads) {
        w.u64(p.size());
        w.bytes(p);
    }
    return wrap_chunk(ChunkType::Frame, w.data());
}

FrameRecord parse_frame(const ChunkView &c, size_t frame_codec_count)
{
    if (c.type != ChunkType::Frame)
        fail_invalid_argument(format("parse_frame() given a %s chunk (offset %zu)",
                                     chunk_tag_text(static_cast<uint32_t>(c.type)).c_str(), c.offset));
    ByteReader r(c.payload, c.payload_size, format("'NVFR' payload of the chunk at offset %zu", c.offset));
    FrameRecord f;
    f.index_in_segment = r.u32("index in segment");
    f.pts = r.i64("pts");
    uint32_t count = r.u32("payload count");
    if (count != frame_codec_count)
        fail_invalid_data(format("%s: %u payloads, but its segment has %zu frame codecs", r.what().c_str(), count,
                                 frame_codec_count));
    if (size_t(count) * 8 > r.remaining())
        fail_invalid_data(format("%s: %u payloads cannot fit in the %zu bytes left", r.what().c_str(), count,
                                 r.remaining()));
    f.payloads.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        uint64_t size = r.u64("payload size");
        if (size > r.remaining())
            fail_invalid_data(format("%s: payload %u declares %llu bytes but %zu remain at offset %zu",
                                     r.what().c_str(), i, static_cast<unsigned long long>(size), r.remaining(),
                                     r.position()));
        const uint8_t *p = r.bytes(static_cast<size_t>(size), "frame payload");
        f.payloads.emplace_back(p, p + size);
    }
    r.expect_end("the frame payloads");
    return f;
}

}  // namespace nerv

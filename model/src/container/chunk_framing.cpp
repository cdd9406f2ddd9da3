#include "container/chunk_framing.h"

#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {

bool is_known_chunk_tag(uint32_t tag)
{
    switch (static_cast<ChunkType>(tag)) {
    case ChunkType::StreamHeader:
    case ChunkType::Segment:
    case ChunkType::Frame: return true;
    }
    return false;
}

std::string chunk_tag_text(uint32_t tag)
{
    std::string text;
    for (int i = 0; i < 4; ++i) {
        char c = static_cast<char>(tag >> (8 * i));
        if (c < 0x21 || c > 0x7e)
            return format("0x%08x", tag);
        text += c;
    }
    return "'" + text + "'";
}

std::vector<uint8_t> wrap_chunk(ChunkType type, const std::vector<uint8_t> &payload)
{
    if (payload.size() > StreamLimits::kMaxChunkPayload)
        fail_invalid_argument(format("%s chunk payload of %zu bytes exceeds the limit of %llu bytes",
                                     chunk_tag_text(static_cast<uint32_t>(type)).c_str(), payload.size(),
                                     static_cast<unsigned long long>(StreamLimits::kMaxChunkPayload)));
    ByteWriter w;
    w.u32(static_cast<uint32_t>(type));
    w.u64(payload.size());
    w.bytes(payload);
    w.u32(crc32(w.data().data(), w.size()));
    return w.take();
}

}  // namespace nerv

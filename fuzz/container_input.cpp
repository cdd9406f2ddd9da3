#include <cstring>

#include "container/records.h"
#include "core/error.h"
#include "fuzz_inputs.h"

namespace nerv_fuzz {
namespace {

bool same_bytes(const std::vector<uint8_t> &written, const nerv::ChunkView &c)
{
    const uint8_t *chunk = c.payload - nerv::kChunkHeaderSize;
    return written.size() == c.total_size && std::memcmp(written.data(), chunk, c.total_size) == 0;
}

/** Scans and parses everything; the first broken promise, or "". */
std::string parse_all(const uint8_t *data, size_t size)
{
    try {
        nerv::ChunkScanner scanner(data, size);
        scanner.consume_file_prefix();
        size_t frame_codecs = 0;
        nerv::ChunkView c;
        while (scanner.next(&c)) {
            std::vector<uint8_t> written;
            switch (c.type) {
            case nerv::ChunkType::StreamHeader: {
                const nerv::StreamHeader h = nerv::parse_stream_header(c);
                h.meta.to_text();
                written = nerv::write_stream_header_chunk(h);
                break;
            }
            case nerv::ChunkType::Segment: {
                const nerv::SegmentRecord s = nerv::parse_segment(c);
                s.meta.to_text();
                frame_codecs = s.frame_codecs.size();
                written = nerv::write_segment_chunk(s);
                break;
            }
            case nerv::ChunkType::Frame:
                written = nerv::write_frame_chunk(nerv::parse_frame(c, frame_codecs));
                break;
            }
            if (!same_bytes(written, c))
                return "a parsed record is written back to other bytes (chunk at offset " +
                       std::to_string(c.offset) + ")";
        }
        if (scanner.position() > size)
            return "the scanner went past the end of its input";
    } catch (const nerv::Error &e) {
        if (e.code() != NERV_ERROR_INVALIDDATA && e.code() != -ENOTSUP)
            return "unexpected error code " + std::to_string(e.code()) + ": " + e.what();
        if (!*e.what())
            return "an error without a message";
    }
    return "";
}

}  // namespace

std::string container_input(const uint8_t *data, size_t size)
{
    const std::string raw = parse_all(data, size);
    if (!raw.empty())
        return raw;
    const std::vector<uint8_t> fixed = with_valid_crcs(data, size);
    return parse_all(fixed.data(), fixed.size());
}

}  // namespace nerv_fuzz

#include <cstring>

#include "container/records.h"
#include "container/stream_concat.h"
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

/** nerv concat on the input alone (a whole stream joins into itself) and on the input twice
 *  (always refused: the second copy overlaps the first). */
std::string concat_all(const uint8_t *data, size_t size)
{
    for (int copies = 1; copies <= 2; ++copies) {
        std::vector<uint8_t> out;
        try {
            const nerv::StreamPart part{data, size, "part"};
            nerv::concat_streams(std::vector<nerv::StreamPart>(static_cast<size_t>(copies), part),
                                 [&out](const uint8_t *d, size_t n) { out.insert(out.end(), d, d + n); });
            if (copies == 2)
                return "concat joined a stream with itself";
            if (out.size() != size || std::memcmp(out.data(), data, size) != 0)
                return "concat of one whole stream is not that stream";
        } catch (const nerv::Error &e) {
            if (!out.empty())
                return "concat wrote bytes before refusing";
            if (e.code() != NERV_ERROR_INVALIDDATA && e.code() != -ENOTSUP && e.code() != -EINVAL)
                return "concat: unexpected error code " + std::to_string(e.code()) + ": " + e.what();
            if (!*e.what())
                return "concat: an error without a message";
        }
    }
    return "";
}

}  // namespace

std::string container_input(const uint8_t *data, size_t size)
{
    std::string broken = parse_all(data, size);
    if (broken.empty())
        broken = concat_all(data, size);
    if (!broken.empty())
        return broken;
    const std::vector<uint8_t> fixed = with_valid_crcs(data, size);
    broken = parse_all(fixed.data(), fixed.size());
    return broken.empty() ? concat_all(fixed.data(), fixed.size()) : broken;
}

}  // namespace nerv_fuzz

// NVSG: one independently decodable segment (docs/container-format.md, "NVSG").
#include <cinttypes>

#include "container/chunk_framing.h"
#include "container/tensor_entries.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {

namespace {

/** Why the segment's frame range is invalid, or "" (shared by writer and reader). */
std::string frame_range_problem(int64_t first_frame, int64_t frame_count)
{
    if (frame_count < 1 || frame_count > StreamLimits::kMaxSegmentFrames)
        return format("frame count %" PRId64 " is outside [1, %" PRId64 "]", frame_count,
                      StreamLimits::kMaxSegmentFrames);
    // The last frame's stream index must be representable too.
    if (first_frame < 0 || first_frame > INT64_MAX - frame_count)
        return format("first frame %" PRId64 " is negative or too large for %" PRId64 " frames", first_frame,
                      frame_count);
    return std::string();
}

}  // namespace

std::vector<uint8_t> write_segment_chunk(const SegmentRecord &s)
{
    std::string problem = frame_range_problem(s.first_frame, s.frame_count);
    if (!problem.empty())
        fail_invalid_argument("segment: " + problem);
    ByteWriter w;
    w.i64(s.first_frame);
    w.u32(s.frame_count);
    s.meta.write(w);
    write_tensor_entries(w, s.tensors, "tensor");
    write_tensor_entries(w, s.frame_codecs, "frame codec");
    return wrap_chunk(ChunkType::Segment, w.data());
}

SegmentRecord parse_segment(const ChunkView &c)
{
    if (c.type != ChunkType::Segment)
        fail_invalid_argument(format("parse_segment() given a %s chunk (offset %zu)",
                                     chunk_tag_text(static_cast<uint32_t>(c.type)).c_str(), c.offset));
    ByteReader r(c.payload, c.payload_size, format("'NVSG' payload of the chunk at offset %zu", c.offset));
    SegmentRecord s;
    s.first_frame = r.i64("first frame");
    s.frame_count = r.u32("frame count");
    std::string problem = frame_range_problem(s.first_frame, s.frame_count);
    if (!problem.empty())
        fail_invalid_data(r.what() + ": " + problem);
    s.meta = Metadata::read(r);
    s.tensors = read_tensor_entries(r, "tensor");
    s.frame_codecs = read_tensor_entries(r, "frame codec");
    r.expect_end("the frame codec table");
    return s;
}

}  // namespace nerv

// NVST: the stream header chunk (docs/container-format.md, "NVST").
#include <climits>

#include "container/chunk_framing.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {

namespace {

struct PictureFields {
    int64_t width, height, fps_num, fps_den, format, matrix, range;
};

/** Why the fields are not a valid stream header, or "" (shared by writer and reader). */
std::string picture_problem(const PictureFields &f)
{
    const int64_t max_dim = StreamLimits::kMaxDimension;
    if (f.width < 1 || f.width > max_dim || f.height < 1 || f.height > max_dim)
        return format("picture size %lldx%lld is outside 1x1..%lldx%lld", static_cast<long long>(f.width),
                      static_cast<long long>(f.height), static_cast<long long>(max_dim),
                      static_cast<long long>(max_dim));
    // Frame rates are stored as u32 but held in an int.
    if (f.fps_num < 1 || f.fps_num > INT_MAX || f.fps_den < 1 || f.fps_den > INT_MAX)
        return format("frame rate %lld/%lld has a term outside [1, %d]", static_cast<long long>(f.fps_num),
                      static_cast<long long>(f.fps_den), INT_MAX);
    if (f.format < NERV_PIX_FMT_RGB24 || f.format > NERV_PIX_FMT_YUV444P)
        return format("source pixel format %lld is not 0 (rgb24), 1 (yuv420p) or 2 (yuv444p)",
                      static_cast<long long>(f.format));
    if (f.matrix < NERV_MATRIX_BT601 || f.matrix > NERV_MATRIX_BT709)
        return format("colour matrix %lld is not 0 (bt601) or 1 (bt709)", static_cast<long long>(f.matrix));
    if (f.range < NERV_RANGE_LIMITED || f.range > NERV_RANGE_FULL)
        return format("colour range %lld is not 0 (limited) or 1 (full)", static_cast<long long>(f.range));
    return std::string();
}

}  // namespace

std::vector<uint8_t> write_stream_header_chunk(const StreamHeader &h)
{
    std::string problem =
        picture_problem({h.width, h.height, h.fps_num, h.fps_den, h.source_format, h.matrix, h.range});
    if (!problem.empty())
        fail_invalid_argument("stream header: " + problem);
    ByteWriter w;
    w.u32(static_cast<uint32_t>(h.width));
    w.u32(static_cast<uint32_t>(h.height));
    w.u32(static_cast<uint32_t>(h.fps_num));
    w.u32(static_cast<uint32_t>(h.fps_den));
    w.u8(static_cast<uint8_t>(h.source_format));
    w.u8(static_cast<uint8_t>(h.matrix));
    w.u8(static_cast<uint8_t>(h.range));
    w.u8(0);  // reserved
    h.meta.write(w);
    return wrap_chunk(ChunkType::StreamHeader, w.data());
}

StreamHeader parse_stream_header(const ChunkView &c)
{
    if (c.type != ChunkType::StreamHeader)
        fail_invalid_argument(format("parse_stream_header() given a %s chunk (offset %zu)",
                                     chunk_tag_text(static_cast<uint32_t>(c.type)).c_str(), c.offset));
    ByteReader r(c.payload, c.payload_size, format("'NVST' payload of the chunk at offset %zu", c.offset));
    PictureFields f;
    f.width = r.u32("width");
    f.height = r.u32("height");
    f.fps_num = r.u32("fps numerator");
    f.fps_den = r.u32("fps denominator");
    f.format = r.u8("source pixel format");
    f.matrix = r.u8("colour matrix");
    f.range = r.u8("colour range");
    std::string problem = picture_problem(f);
    if (!problem.empty())
        fail_invalid_data(r.what() + ": " + problem);
    // A 1.0 reader rejects a reserved byte it does not understand rather than misreading a later minor version.
    uint8_t reserved = r.u8("reserved byte");
    if (reserved != 0)
        fail_invalid_data(format("%s: reserved byte is %u, must be 0", r.what().c_str(), reserved));

    StreamHeader h;
    h.width = static_cast<int>(f.width);
    h.height = static_cast<int>(f.height);
    h.fps_num = static_cast<int>(f.fps_num);
    h.fps_den = static_cast<int>(f.fps_den);
    h.source_format = static_cast<NervPixelFormat>(f.format);
    h.matrix = static_cast<NervColorMatrix>(f.matrix);
    h.range = static_cast<NervColorRange>(f.range);
    h.meta = Metadata::read(r);
    r.expect_end("the stream header metadata");
    return h;
}

}  // namespace nerv

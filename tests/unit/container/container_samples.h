// Shared by the container tests: small valid records and streams, hand-framed chunks,
// and a reader that walks a whole stream the way the decoder does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "container/records.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv_test::container {

/** One entry of each metadata type, including an empty array. */
inline nerv::Metadata metadata_of_every_type()
{
    nerv::Metadata m;
    m.set_int("video.frames", -42);
    m.set_float("train.psnr", 31.25);
    m.set_string("model.arch", "hnerv");
    m.set_ints("hnerv.strides", {5, 4, 4, 2, 2});
    m.set_floats("train.loss", {0.5, 0.25, -1e-300});
    m.set_ints("empty.ints", {});
    return m;
}

inline nerv::StreamHeader sample_header()
{
    nerv::StreamHeader h;
    h.width = 1280;
    h.height = 720;
    h.fps_num = 30000;
    h.fps_den = 1001;
    h.source_format = NERV_PIX_FMT_YUV420P;
    h.matrix = NERV_MATRIX_BT709;
    h.range = NERV_RANGE_FULL;
    h.meta.set_string("encoder.library", "libnerv 0.1.0");
    h.meta.set_string("encoder.settings", "arch=hnerv:size=1.5M");
    return h;
}

inline nerv::SegmentRecord sample_segment()
{
    nerv::SegmentRecord s;
    s.first_frame = 0;
    s.frame_count = 3;
    s.meta = metadata_of_every_type();
    s.tensors.push_back({"decoder.0.conv.weight", {4, 2, 3, 3}, {1, 2, 3, 4, 5, 6, 7}});
    s.tensors.push_back({"decoder.0.conv.bias", {4}, {9, 8}});
    s.tensors.push_back({"head.scale", {}, {}});
    s.frame_codecs.push_back({"embedding", {16, 2, 4}, {0xAA, 0xBB, 0xCC}});
    return s;
}

inline nerv::FrameRecord sample_frame(uint32_t index)
{
    nerv::FrameRecord f;
    f.index_in_segment = index;
    f.pts = 1000 + 33 * int64_t(index);
    f.payloads.push_back(std::vector<uint8_t>(5 + index, static_cast<uint8_t>(index)));
    return f;
}

inline void append(std::vector<uint8_t> &out, const std::vector<uint8_t> &bytes)
{
    out.insert(out.end(), bytes.begin(), bytes.end());
}

/** A small valid stream: prefix, NVST, NVSG, three NVFR. */
inline std::vector<uint8_t> sample_stream(std::vector<size_t> *chunk_ends = nullptr)
{
    std::vector<uint8_t> out = nerv::write_file_prefix();
    std::vector<std::vector<uint8_t>> chunks = {nerv::write_stream_header_chunk(sample_header()),
                                                nerv::write_segment_chunk(sample_segment())};
    for (uint32_t i = 0; i < 3; ++i)
        chunks.push_back(nerv::write_frame_chunk(sample_frame(i)));
    for (const auto &c : chunks) {
        append(out, c);
        if (chunk_ends)
            chunk_ends->push_back(out.size());
    }
    return out;
}

/** A chunk framed by hand with a correct CRC around any payload and any tag. */
inline std::vector<uint8_t> framed_chunk(uint32_t tag, const std::vector<uint8_t> &payload)
{
    nerv::ByteWriter w;
    w.u32(tag);
    w.u64(payload.size());
    w.bytes(payload);
    w.u32(nerv::crc32(w.data().data(), w.size()));
    return w.take();
}

struct StreamSummary {
    int stream_headers = 0;
    int segments = 0;
    int frames = 0;
    bool truncated = false;
    size_t consumed = 0;
};

/** Scans and parses every whole chunk as the decoder would; throws nerv::Error on bad data. */
inline StreamSummary read_stream(const uint8_t *data, size_t size)
{
    StreamSummary summary;
    nerv::ChunkScanner scanner(data, size);
    scanner.consume_file_prefix();
    size_t frame_codecs = 0;
    nerv::ChunkView chunk;
    while (scanner.next(&chunk)) {
        switch (chunk.type) {
        case nerv::ChunkType::StreamHeader:
            nerv::parse_stream_header(chunk).meta.to_text();
            ++summary.stream_headers;
            break;
        case nerv::ChunkType::Segment: {
            nerv::SegmentRecord s = nerv::parse_segment(chunk);
            s.meta.to_text();
            frame_codecs = s.frame_codecs.size();
            ++summary.segments;
            break;
        }
        case nerv::ChunkType::Frame:
            nerv::parse_frame(chunk, frame_codecs);
            ++summary.frames;
            break;
        }
    }
    summary.truncated = scanner.truncated();
    summary.consumed = scanner.position();
    return summary;
}

inline StreamSummary read_stream(const std::vector<uint8_t> &bytes) { return read_stream(bytes.data(), bytes.size()); }

/** What a call threw: code 0 and "" when it returned normally. Other exception types propagate. */
struct Outcome {
    int code = 0;
    std::string message;
};

template <typename Call>
Outcome outcome_of(Call &&call)
{
    try {
        call();
    } catch (const nerv::Error &e) {
        return {e.code(), e.what()};
    }
    return {};
}

}  // namespace nerv_test::container

// The .nerv stream as records (docs/container-format.md):
//   file magic + version, then chunks:
//     NVST  stream header   video properties + metadata (once, first)
//     NVSG  segment         one independently decodable model: metadata (resolved
//                           architecture config), weight tensors, per-frame tensor codecs
//     NVFR  frame record    one frame of the current segment: its index, pts and the
//                           coded per-frame tensors (e.g. an HNeRV embedding)
// Each chunk: tag u32 | payload size u64 | payload | CRC-32 u32 (of tag, size, payload).
// Tensor payloads are opaque here; compress/tensor_codec.h defines them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "container/metadata.h"
#include "nerv/nerv.h"

namespace nerv {

constexpr uint32_t kFileVersionMajor = 1;
constexpr uint32_t kFileVersionMinor = 1;
/** Size of the file magic + version prefix. */
constexpr size_t kFilePrefixSize = 8;
/** Chunk framing overhead: tag + size before the payload, CRC after it. */
constexpr size_t kChunkHeaderSize = 12;
constexpr size_t kChunkTrailerSize = 4;

enum class ChunkType : uint32_t {
    StreamHeader = 0x5453564e,  // "NVST"
    Segment = 0x4753564e,       // "NVSG"
    Frame = 0x5246564e,         // "NVFR"
};

/** Hard limits the reader enforces before allocating anything. */
struct StreamLimits {
    static constexpr int kMaxDimension = 16384;
    static constexpr uint64_t kMaxChunkPayload = uint64_t(4) << 30;  // 4 GiB
    static constexpr uint32_t kMaxTensors = 4096;
    static constexpr uint32_t kMaxDims = 8;
    static constexpr int64_t kMaxTensorElements = int64_t(1) << 31;
    static constexpr uint32_t kMaxMetadataEntries = 4096;
    static constexpr int64_t kMaxSegmentFrames = int64_t(1) << 20;
    /** Metadata keys and tensor names: 1..kMaxNameLength bytes. */
    static constexpr uint32_t kMaxNameLength = 256;
    /** Metadata strings (bytes) and arrays (elements). */
    static constexpr uint32_t kMaxMetadataValueCount = 65536;
};

struct StreamHeader {
    int width = 0, height = 0;          // decoded picture size (after any crop)
    int fps_num = 25, fps_den = 1;
    NervPixelFormat source_format = NERV_PIX_FMT_RGB24;
    NervColorMatrix matrix = NERV_MATRIX_BT601;
    NervColorRange range = NERV_RANGE_LIMITED;
    Metadata meta;                      // anything else ("encoder.version", "source.crop", ...)
};

/** A named tensor: shape + payload bytes in the format of compress/tensor_codec.h. */
struct TensorEntry {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<uint8_t> payload;
};

struct SegmentRecord {
    int64_t first_frame = 0;            // stream frame index of the segment's first frame
    uint32_t frame_count = 0;           // frames in this segment
    Metadata meta;                      // "model.arch", "<arch>.<field>" config, "train.*" figures
    std::vector<TensorEntry> tensors;   // decoder weights
    std::vector<TensorEntry> frame_codecs;  // per-frame tensors: shape = one frame's shape,
                                            // payload = codec parameters shared by all frames
};

struct FrameRecord {
    uint32_t index_in_segment = 0;
    int64_t pts = 0;
    std::vector<std::vector<uint8_t>> payloads;  // one per segment frame codec, same order
};

/** "NERV" + u16 major + u16 minor. */
std::vector<uint8_t> write_file_prefix();
std::vector<uint8_t> write_stream_header_chunk(const StreamHeader &h);
std::vector<uint8_t> write_segment_chunk(const SegmentRecord &s);
std::vector<uint8_t> write_frame_chunk(const FrameRecord &f);

/** A chunk located in a buffer (payload points into the caller's bytes). */
struct ChunkView {
    ChunkType type;
    const uint8_t *payload = nullptr;
    size_t payload_size = 0;
    size_t offset = 0;        // of the chunk start: base_offset + position in the scanned buffer
    size_t total_size = 0;    // header + payload + CRC
};

/**
 * Splits a byte buffer into chunks. Checks framing and CRC of each chunk; an unknown
 * tag, an oversized length or a CRC mismatch throws NERV_ERROR_INVALIDDATA with the
 * offset. A buffer ending inside a chunk is reported by truncated() (not an error).
 */
class ChunkScanner {
public:
    ChunkScanner(const uint8_t *data, size_t size, size_t base_offset = 0);
    /** Skip and check the file prefix if the buffer starts with it; returns whether it did.
     *  Throws -ENOTSUP for another major version, NERV_ERROR_INVALIDDATA when the buffer
     *  starts with neither the magic nor a chunk tag. */
    bool consume_file_prefix();
    /** Next whole chunk, or false at the end of data / at a truncated chunk. */
    bool next(ChunkView *out);
    bool truncated() const { return truncated_; }
    size_t position() const { return pos_; }

private:
    const uint8_t *data_;
    size_t size_;
    size_t base_;
    size_t pos_ = 0;
    bool truncated_ = false;
};

/** Parsers: bounds-checked, throw NERV_ERROR_INVALIDDATA on any malformed field. */
StreamHeader parse_stream_header(const ChunkView &c);
SegmentRecord parse_segment(const ChunkView &c);
/** frame_codec_count: of the segment it belongs to (payload count must match). */
FrameRecord parse_frame(const ChunkView &c, size_t frame_codec_count);

uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0);

}  // namespace nerv

// Hand-made chunks with correct CRCs but absurd contents: each must be refused as invalid
// data, quickly, before anything sized by the hostile field is allocated.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "container/records.h"
#include "container_samples.h"

namespace NERV_TEST_FILE {

using nerv::ByteWriter;
using nerv::ChunkType;

struct HostileCase {
    std::string name;
    ChunkType type;
    std::function<void(ByteWriter &)> write_payload;
    std::string expected_message;  // a part of the error text
    size_t frame_codecs = 0;       // for NVFR: the count its segment declared
};

void picture(ByteWriter &w, uint32_t width, uint32_t height, uint32_t fps_num, uint32_t fps_den, uint8_t format,
             uint8_t matrix, uint8_t range, uint8_t reserved)
{
    w.u32(width);
    w.u32(height);
    w.u32(fps_num);
    w.u32(fps_den);
    w.u8(format);
    w.u8(matrix);
    w.u8(range);
    w.u8(reserved);
}

void good_picture(ByteWriter &w) { picture(w, 64, 32, 25, 1, 0, 0, 0, 0); }

/** A stream header with these picture fields and no metadata. */
std::function<void(ByteWriter &)> header_fields(uint32_t width, uint32_t height, uint32_t fps_num, uint32_t fps_den,
                                                uint8_t format, uint8_t matrix, uint8_t range, uint8_t reserved)
{
    return [=](ByteWriter &w) {
        picture(w, width, height, fps_num, fps_den, format, matrix, range, reserved);
        w.u32(0);
    };
}

void segment_start(ByteWriter &w, int64_t first_frame = 0, uint32_t frame_count = 4)
{
    w.i64(first_frame);
    w.u32(frame_count);
    w.u32(0);  // no metadata
}

void tensor(ByteWriter &w, const std::string &name, const std::vector<int64_t> &dims, uint64_t payload_size,
            size_t payload_present)
{
    w.string(name);
    w.u8(static_cast<uint8_t>(dims.size()));
    for (int64_t d : dims)
        w.i64(d);
    w.u64(payload_size);
    w.bytes(std::vector<uint8_t>(payload_present, 0x33));
}

/** A segment whose only tensor is the given one, and no frame codecs. */
std::function<void(ByteWriter &)> segment_with_tensor(const std::string &name, std::vector<int64_t> dims,
                                                      uint64_t payload_size = 2, size_t present = 2)
{
    return [=](ByteWriter &w) {
        segment_start(w);
        w.u32(1);
        tensor(w, name, dims, payload_size, present);
        w.u32(0);
    };
}

std::function<void(ByteWriter &)> header_with_metadata(std::function<void(ByteWriter &)> metadata)
{
    return [=](ByteWriter &w) {
        good_picture(w);
        metadata(w);
    };
}

std::vector<HostileCase> hostile_cases()
{
    const uint32_t kHuge = 0xFFFFFFFFu;
    auto header = [&](const char *name, std::function<void(ByteWriter &)> f, const char *message) {
        return HostileCase{name, ChunkType::StreamHeader, f, message};
    };
    auto segment = [&](const char *name, std::function<void(ByteWriter &)> f, const char *message) {
        return HostileCase{name, ChunkType::Segment, f, message};
    };
    auto frame = [&](const char *name, size_t codecs, std::function<void(ByteWriter &)> f, const char *message) {
        return HostileCase{name, ChunkType::Frame, f, message, codecs};
    };
    return {
        // --- NVST ---
        header("ZeroWidth", header_fields(0, 32, 25, 1, 0, 0, 0, 0), "picture size 0x32"),
        header("HugeHeight", header_fields(64, kHuge, 25, 1, 0, 0, 0, 0), "outside 1x1"),
        header("ZeroFpsDen", header_fields(64, 32, 25, 0, 0, 0, 0, 0), "frame rate"),
        header("FpsAboveInt", header_fields(64, 32, kHuge, 1, 0, 0, 0, 0), "frame rate"),
        header("PixelFormat3", header_fields(64, 32, 25, 1, 3, 0, 0, 0), "pixel format 3"),
        header("Matrix2", header_fields(64, 32, 25, 1, 0, 2, 0, 0), "colour matrix 2"),
        header("Range255", header_fields(64, 32, 25, 1, 0, 0, 255, 0), "colour range 255"),
        header("ReservedSet", header_fields(64, 32, 25, 1, 0, 0, 0, 1), "reserved byte is 1"),
        header("TrailingByte", [](ByteWriter &w) { good_picture(w); w.u32(0); w.u8(0); },
               "1 unexpected trailing bytes"),
        header("EmptyPayload", [](ByteWriter &) {}, "truncated while reading width"),
        header("NoMetadataCount", [](ByteWriter &w) { good_picture(w); },
               "truncated while reading metadata entry count"),
        header("MetadataCountHuge", header_with_metadata([](ByteWriter &w) { w.u32(kHuge); }),
               "exceed the limit 4096"),
        header("MetadataCountUnbacked", header_with_metadata([](ByteWriter &w) { w.u32(4096); }), "cannot fit"),
        header("MetadataKeyLengthHuge",
               header_with_metadata([](ByteWriter &w) {
                   w.u32(1);
                   w.u32(kHuge);
                   w.bytes(std::vector<uint8_t>(12));
               }),
               "metadata key length 4294967295 exceeds the limit 256"),
        header("MetadataKeyEmpty",
               header_with_metadata([](ByteWriter &w) { w.u32(1); w.string(""); w.u8(1); w.i64(0); }),
               "metadata key is empty"),
        header("MetadataKeyBinary",
               header_with_metadata([](ByteWriter &w) {
                   w.u32(1);
                   w.string(std::string("a\0", 2));
                   w.u8(1);
                   w.i64(0);
               }),
               "byte 0x00 at position 1"),
        header("MetadataTypeZero",
               header_with_metadata([](ByteWriter &w) { w.u32(1); w.string("k"); w.u8(0); w.i64(0); }),
               "unknown type 0"),
        header("MetadataStringHuge",
               header_with_metadata([](ByteWriter &w) { w.u32(1); w.string("k"); w.u8(3); w.u32(kHuge); }),
               "metadata string length 4294967295 exceeds the limit 65536"),
        header("MetadataArrayHuge",
               header_with_metadata([](ByteWriter &w) { w.u32(1); w.string("k"); w.u8(5); w.u32(kHuge); }),
               "more than the limit 65536"),
        header("MetadataArrayUnbacked",
               header_with_metadata([](ByteWriter &w) { w.u32(1); w.string("k"); w.u8(4); w.u32(1000); w.i64(1); }),
               "claims 1000 values"),
        header("MetadataDuplicateKey", header_with_metadata([](ByteWriter &w) {
                   w.u32(2);
                   w.string("k");
                   w.u8(1);
                   w.i64(0);
                   w.string("k");
                   w.u8(2);
                   w.f64(0);
               }),
               "'k' appears twice"),
        // --- NVSG ---
        segment("NegativeFirstFrame", [](ByteWriter &w) { segment_start(w, -1); w.u32(0); w.u32(0); },
                "first frame -1"),
        segment("FirstFrameOverflows", [](ByteWriter &w) { segment_start(w, INT64_MAX); w.u32(0); w.u32(0); },
                "too large"),
        segment("ZeroFrames", [](ByteWriter &w) { segment_start(w, 0, 0); w.u32(0); w.u32(0); }, "frame count 0"),
        segment("TooManyFrames", [](ByteWriter &w) { segment_start(w, 0, (1u << 20) + 1); w.u32(0); w.u32(0); },
                "frame count 1048577"),
        segment("TensorCountHuge", [](ByteWriter &w) { segment_start(w); w.u32(kHuge); }, "exceed the limit 4096"),
        segment("TensorCountUnbacked", [](ByteWriter &w) { segment_start(w); w.u32(4096); w.u32(0); }, "cannot fit"),
        segment("TensorNameTooLong", segment_with_tensor(std::string(257, 'a'), {1}), "exceeds the limit 256"),
        segment("TensorNameWithNewline", segment_with_tensor("a\nb", {1}), "byte 0x0a at position 1"),
        segment("TensorNameEmpty", segment_with_tensor("", {1}), "tensor name is empty"),
        segment("TensorRank9", segment_with_tensor("t", std::vector<int64_t>(9, 1)), "9 dimensions"),
        segment("TensorRank255",
                [](ByteWriter &w) { segment_start(w); w.u32(1); w.string("t"); w.u8(255); w.u64(0); w.u64(0); },
                "255 dimensions"),
        segment("TensorDimZero", segment_with_tensor("t", {4, 0}), "dimension 1 is 0"),
        segment("TensorDimNegative", segment_with_tensor("t", {-5}), "dimension 0 is -5"),
        segment("TensorDimAbove2To31", segment_with_tensor("t", {(int64_t(1) << 31) + 1}), "dimension 0 is 2147483649"),
        segment("TensorDimInt64Max", segment_with_tensor("t", {INT64_MAX}), "dimension 0"),
        segment("TensorElementsOverflow", segment_with_tensor("t", {65536, 65536}), "more than 2147483648 elements"),
        segment("TensorElementsWrap",
                segment_with_tensor("t", {int64_t(1) << 31, int64_t(1) << 31, int64_t(1) << 31}), "elements"),
        segment("TensorPayloadHuge", segment_with_tensor("t", {2}, ~uint64_t(0), 0), "declares 18446744073709551615"),
        segment("TensorPayloadPastEnd", segment_with_tensor("t", {2}, 100, 10), "declares 100 payload bytes"),
        segment("DuplicateTensorNames", [](ByteWriter &w) {
                    segment_start(w);
                    w.u32(2);
                    tensor(w, "w", {1}, 0, 0);
                    tensor(w, "w", {2}, 0, 0);
                    w.u32(0);
                }, "tensor name 'w' appears twice"),
        segment("DuplicateFrameCodecNames", [](ByteWriter &w) {
                    segment_start(w);
                    w.u32(0);
                    w.u32(2);
                    tensor(w, "e", {1}, 0, 0);
                    tensor(w, "e", {1}, 0, 0);
                }, "frame codec name 'e' appears twice"),
        segment("FrameCodecCountHuge", [](ByteWriter &w) { segment_start(w); w.u32(0); w.u32(kHuge); },
                "exceed the limit 4096"),
        segment("MissingFrameCodecTable", [](ByteWriter &w) { segment_start(w); w.u32(0); }, "truncated"),
        segment("TrailingBytes", [](ByteWriter &w) { segment_start(w); w.u32(0); w.u32(0); w.u64(0); },
                "8 unexpected trailing bytes"),
        // --- NVFR ---
        frame("PayloadCountHuge", size_t(kHuge), [](ByteWriter &w) { w.u32(0); w.i64(0); w.u32(kHuge); }, "cannot fit"),
        frame("PayloadCountMismatch", 1, [](ByteWriter &w) { w.u32(0); w.i64(0); w.u32(kHuge); },
              "4294967295 payloads, but its segment has 1"),
        frame("PayloadSizeHuge", 1, [](ByteWriter &w) { w.u32(0); w.i64(0); w.u32(1); w.u64(~uint64_t(0)); },
              "declares 18446744073709551615 bytes"),
        frame("PayloadPastEnd", 1, [](ByteWriter &w) { w.u32(0); w.i64(0); w.u32(1); w.u64(5); w.u32(0); },
              "declares 5 bytes but 4 remain"),
        frame("TrailingBytes", 0, [](ByteWriter &w) { w.u32(0); w.i64(0); w.u32(0); w.u8(7); },
              "1 unexpected trailing bytes"),
        frame("TooShort", 0, [](ByteWriter &w) { w.u32(0); w.u32(0); }, "truncated while reading pts"),
    };
}

// Names the case in gtest's failure output instead of dumping the object's bytes.
void PrintTo(const HostileCase &c, std::ostream *os) { *os << c.name; }

class HostileChunkTest : public testing::TestWithParam<HostileCase> {};

TEST_P(HostileChunkTest, IsRejectedAsInvalidDataQuickly)
{
    const HostileCase &c = GetParam();
    ByteWriter payload;
    c.write_payload(payload);
    std::vector<uint8_t> bytes = nerv_test::container::framed_chunk(static_cast<uint32_t>(c.type), payload.data());

    auto start = std::chrono::steady_clock::now();
    nerv_test::container::Outcome o = nerv_test::container::outcome_of([&] {
        nerv::ChunkScanner scanner(bytes.data(), bytes.size());
        nerv::ChunkView chunk;
        ASSERT_TRUE(scanner.next(&chunk));  // framing and CRC are fine: the record parser must object
        switch (c.type) {
        case ChunkType::StreamHeader: nerv::parse_stream_header(chunk); break;
        case ChunkType::Segment: nerv::parse_segment(chunk); break;
        case ChunkType::Frame: nerv::parse_frame(chunk, c.frame_codecs); break;
        }
    });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA) << o.message;
    EXPECT_NE(o.message.find(c.expected_message), std::string::npos) << "message: " << o.message;
    EXPECT_NE(o.message.find("chunk at offset 0"), std::string::npos) << "message: " << o.message;
    EXPECT_LT(seconds, 0.25);
}

INSTANTIATE_TEST_SUITE_P(Records, HostileChunkTest, testing::ValuesIn(hostile_cases()),
                         [](const testing::TestParamInfo<HostileCase> &info) {
                             const char *kind = info.param.type == ChunkType::StreamHeader ? "Header"
                                                : info.param.type == ChunkType::Segment    ? "Segment"
                                                                                           : "Frame";
                             return std::string(kind) + info.param.name;
                         });

}  // namespace NERV_TEST_FILE

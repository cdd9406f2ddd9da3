#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "container/records.h"
#include "container_samples.h"

namespace NERV_TEST_FILE {

using nerv_test::container::framed_chunk;
using nerv_test::container::outcome_of;

std::vector<uint8_t> prefix_with_version(uint16_t major, uint16_t minor)
{
    nerv::ByteWriter w;
    w.bytes("NERV", 4);
    w.u16(major);
    w.u16(minor);
    return w.take();
}

TEST(ChunkScannerTest, FilePrefixIsMagicThenVersion)
{
    EXPECT_EQ(nerv::write_file_prefix(), (std::vector<uint8_t>{'N', 'E', 'R', 'V', 1, 0, 1, 0}));  // version 1.1
    EXPECT_EQ(nerv::write_file_prefix().size(), nerv::kFilePrefixSize);
}

TEST(ChunkScannerTest, ChunkFramingIsTagSizePayloadCrc)
{
    nerv::FrameRecord f;
    f.index_in_segment = 2;
    f.pts = -1;
    std::vector<uint8_t> chunk = nerv::write_frame_chunk(f);
    const std::vector<uint8_t> expected_head = {'N', 'V', 'F', 'R', 16, 0, 0, 0, 0, 0, 0, 0,  // tag, size 16
                                                2, 0, 0, 0,                                  // index
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // pts -1
                                                0, 0, 0, 0};                                 // no payloads
    ASSERT_EQ(chunk.size(), expected_head.size() + 4);
    EXPECT_TRUE(std::equal(expected_head.begin(), expected_head.end(), chunk.begin()));
    uint32_t crc = nerv::crc32(chunk.data(), chunk.size() - 4);
    const uint8_t *stored = chunk.data() + chunk.size() - 4;
    EXPECT_EQ(stored[0] | stored[1] << 8 | stored[2] << 16 | uint32_t(stored[3]) << 24, crc);
}

TEST(ChunkScannerTest, ChunkTagsSpellTheirNames)
{
    auto tag_of = [](nerv::ChunkType t) {
        uint32_t v = static_cast<uint32_t>(t);
        return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
    };
    EXPECT_EQ(tag_of(nerv::ChunkType::StreamHeader), "NVST");
    EXPECT_EQ(tag_of(nerv::ChunkType::Segment), "NVSG");
    EXPECT_EQ(tag_of(nerv::ChunkType::Frame), "NVFR");
}

TEST(ChunkScannerTest, AcceptsAnyMinorVersionOfMajorOne)
{
    for (uint16_t minor : {0, 1, 7, 65535}) {
        std::vector<uint8_t> data = prefix_with_version(1, minor);
        nerv::ChunkScanner scanner(data.data(), data.size());
        EXPECT_TRUE(scanner.consume_file_prefix()) << minor;
        EXPECT_EQ(scanner.position(), 8u);
        nerv::ChunkView c;
        EXPECT_FALSE(scanner.next(&c));
        EXPECT_FALSE(scanner.truncated());
    }
}

TEST(ChunkScannerTest, RejectsOtherMajorVersionsAsUnsupported)
{
    for (uint16_t major : {0, 2, 256}) {
        std::vector<uint8_t> data = prefix_with_version(major, 3);
        auto o = outcome_of([&] { nerv::ChunkScanner(data.data(), data.size()).consume_file_prefix(); });
        EXPECT_EQ(o.code, -ENOTSUP) << major;
        EXPECT_EQ(o.message, "unsupported .nerv version " + std::to_string(major) + ".3 (this libnerv reads 1.x)");
    }
}

TEST(ChunkScannerTest, RejectsDataThatIsNeitherAFileNorChunks)
{
    std::vector<uint8_t> data = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 0, 0, 0, 0};
    nerv::ChunkScanner scanner(data.data(), data.size(), 100);
    auto o = outcome_of([&] { scanner.consume_file_prefix(); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("offset 100 holds 'RIFF'"), std::string::npos) << o.message;
}

TEST(ChunkScannerTest, ChunksWithoutPrefixAreAccepted)
{
    std::vector<uint8_t> data = nerv::write_frame_chunk(nerv_test::container::sample_frame(0));
    nerv::ChunkScanner scanner(data.data(), data.size());
    EXPECT_FALSE(scanner.consume_file_prefix());
    nerv::ChunkView c;
    ASSERT_TRUE(scanner.next(&c));
    EXPECT_EQ(c.type, nerv::ChunkType::Frame);
}

TEST(ChunkScannerTest, ReportsEachChunkWithOffsetAndSize)
{
    std::vector<size_t> ends;
    std::vector<uint8_t> data = nerv_test::container::sample_stream(&ends);
    const size_t base = 1000;
    nerv::ChunkScanner scanner(data.data(), data.size(), base);
    ASSERT_TRUE(scanner.consume_file_prefix());
    const nerv::ChunkType expected[] = {nerv::ChunkType::StreamHeader, nerv::ChunkType::Segment,
                                        nerv::ChunkType::Frame, nerv::ChunkType::Frame, nerv::ChunkType::Frame};
    size_t start = nerv::kFilePrefixSize;
    for (size_t i = 0; i < ends.size(); ++i) {
        nerv::ChunkView c;
        ASSERT_TRUE(scanner.next(&c)) << i;
        EXPECT_EQ(c.type, expected[i]);
        EXPECT_EQ(c.offset, base + start);
        EXPECT_EQ(c.total_size, ends[i] - start);
        EXPECT_EQ(c.payload, data.data() + start + nerv::kChunkHeaderSize);
        EXPECT_EQ(c.payload_size, c.total_size - nerv::kChunkHeaderSize - nerv::kChunkTrailerSize);
        EXPECT_EQ(scanner.position(), ends[i]);
        start = ends[i];
    }
    nerv::ChunkView c;
    EXPECT_FALSE(scanner.next(&c));
    EXPECT_FALSE(scanner.truncated());
}

TEST(ChunkScannerTest, CrcMismatchNamesTheChunkAndItsOffset)
{
    std::vector<uint8_t> data = nerv_test::container::sample_stream();
    data[nerv::kFilePrefixSize + nerv::kChunkHeaderSize] ^= 0x10;  // first payload byte of NVST
    nerv::ChunkScanner scanner(data.data(), data.size(), 4096);
    scanner.consume_file_prefix();
    nerv::ChunkView c;
    auto o = outcome_of([&] { scanner.next(&c); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'NVST' chunk at offset 4104"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("CRC mismatch"), std::string::npos) << o.message;
}

TEST(ChunkScannerTest, RejectsUnknownTagsEvenBeforeTheChunkIsComplete)
{
    std::vector<uint8_t> data = framed_chunk(0x5858564e /* "NVXX" */, {1, 2, 3});
    for (size_t size : {size_t(4), data.size()}) {
        nerv::ChunkScanner scanner(data.data(), size);
        nerv::ChunkView c;
        auto o = outcome_of([&] { scanner.next(&c); });
        EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
        EXPECT_NE(o.message.find("unknown chunk tag 'NVXX' at offset 0"), std::string::npos) << o.message;
    }
}

TEST(ChunkScannerTest, RejectsPayloadSizesAboveTheLimitAtOnce)
{
    auto start = std::chrono::steady_clock::now();
    for (uint64_t size : {nerv::StreamLimits::kMaxChunkPayload + 1, ~uint64_t(0)}) {
        nerv::ByteWriter w;
        w.u32(static_cast<uint32_t>(nerv::ChunkType::Segment));
        w.u64(size);
        nerv::ChunkScanner scanner(w.data().data(), w.size());
        nerv::ChunkView c;
        auto o = outcome_of([&] { scanner.next(&c); });
        EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
        EXPECT_NE(o.message.find("more than the limit"), std::string::npos) << o.message;
    }
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
}

TEST(ChunkScannerTest, TruncationStopsAtTheLastWholeChunk)
{
    std::vector<size_t> ends;
    std::vector<uint8_t> data = nerv_test::container::sample_stream(&ends);
    size_t cut = ends[1] + 5;  // inside the first frame chunk's header
    nerv::ChunkScanner scanner(data.data(), cut);
    scanner.consume_file_prefix();
    nerv::ChunkView c;
    EXPECT_TRUE(scanner.next(&c));
    EXPECT_TRUE(scanner.next(&c));
    EXPECT_FALSE(scanner.next(&c));
    EXPECT_TRUE(scanner.truncated());
    EXPECT_EQ(scanner.position(), ends[1]);  // where a caller resumes once more bytes arrive
    EXPECT_FALSE(scanner.next(&c));
}

TEST(ChunkScannerTest, PartialPrefixIsTruncationAndEmptyInputIsNot)
{
    std::vector<uint8_t> prefix = nerv::write_file_prefix();
    nerv::ChunkScanner partial(prefix.data(), 6);
    EXPECT_FALSE(partial.consume_file_prefix());
    EXPECT_TRUE(partial.truncated());

    nerv::ChunkScanner empty(nullptr, 0);
    EXPECT_FALSE(empty.consume_file_prefix());
    nerv::ChunkView c;
    EXPECT_FALSE(empty.next(&c));
    EXPECT_FALSE(empty.truncated());
}

}  // namespace NERV_TEST_FILE

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "container/records.h"
#include "container_samples.h"

namespace NERV_TEST_FILE {

using nerv_test::container::outcome_of;

nerv::ChunkView only_chunk(const std::vector<uint8_t> &bytes)
{
    nerv::ChunkScanner scanner(bytes.data(), bytes.size());
    nerv::ChunkView c;
    EXPECT_TRUE(scanner.next(&c));
    EXPECT_EQ(scanner.position(), bytes.size());
    return c;
}

void expect_same_tensors(const std::vector<nerv::TensorEntry> &a, const std::vector<nerv::TensorEntry> &b)
{
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].name, b[i].name);
        EXPECT_EQ(a[i].shape, b[i].shape) << a[i].name;
        EXPECT_EQ(a[i].payload, b[i].payload) << a[i].name;
    }
}

TEST(RecordsTest, StreamHeaderRoundTripsEveryPictureFormat)
{
    for (int format = 0; format <= 2; ++format) {
        for (int matrix = 0; matrix <= 1; ++matrix) {
            for (int range = 0; range <= 1; ++range) {
                nerv::StreamHeader h = nerv_test::container::sample_header();
                h.source_format = static_cast<NervPixelFormat>(format);
                h.matrix = static_cast<NervColorMatrix>(matrix);
                h.range = static_cast<NervColorRange>(range);
                std::vector<uint8_t> bytes = nerv::write_stream_header_chunk(h);
                nerv::StreamHeader back = nerv::parse_stream_header(only_chunk(bytes));
                EXPECT_EQ(back.width, 1280);
                EXPECT_EQ(back.height, 720);
                EXPECT_EQ(back.fps_num, 30000);
                EXPECT_EQ(back.fps_den, 1001);
                EXPECT_EQ(back.source_format, format);
                EXPECT_EQ(back.matrix, matrix);
                EXPECT_EQ(back.range, range);
                EXPECT_EQ(back.meta.to_text(), h.meta.to_text());
            }
        }
    }
}

TEST(RecordsTest, StreamHeaderFieldsSitWhereTheSpecSays)
{
    nerv::StreamHeader h;
    h.width = 0x0102;
    h.height = 0x0304;
    h.fps_num = 24;
    h.fps_den = 1;
    h.source_format = NERV_PIX_FMT_YUV444P;
    h.matrix = NERV_MATRIX_BT709;
    h.range = NERV_RANGE_FULL;
    std::vector<uint8_t> chunk = nerv::write_stream_header_chunk(h);
    const std::vector<uint8_t> payload = {0x02, 0x01, 0, 0, 0x04, 0x03, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0,
                                          2,    1,    1, 0, 0,    0,    0, 0};  // ..., no metadata entries
    ASSERT_EQ(chunk.size(), nerv::kChunkHeaderSize + payload.size() + nerv::kChunkTrailerSize);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), chunk.begin() + nerv::kChunkHeaderSize));
}

TEST(RecordsTest, WriterReproducesTheSpecExample)
{
    // The hex dump in docs/container-format.md, "Example": keep the two in step.
    nerv::StreamHeader h;
    h.width = 64;
    h.height = 32;
    h.fps_num = 25;
    h.fps_den = 1;
    h.meta.set_string("encoder.library", "demo");
    std::vector<uint8_t> bytes = nerv::write_file_prefix();
    nerv_test::container::append(bytes, nerv::write_stream_header_chunk(h));
    const std::vector<uint8_t> expected = {
        0x4e, 0x45, 0x52, 0x56, 0x01, 0x00, 0x01, 0x00, 0x4e, 0x56, 0x53, 0x54, 0x34, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
        0x65, 0x6e, 0x63, 0x6f, 0x64, 0x65, 0x72, 0x2e, 0x6c, 0x69, 0x62, 0x72, 0x61, 0x72, 0x79, 0x03,
        0x04, 0x00, 0x00, 0x00, 0x64, 0x65, 0x6d, 0x6f, 0xb6, 0xd0, 0x2e, 0xe9};
    EXPECT_EQ(bytes, expected);
}

TEST(RecordsTest, StreamHeaderAcceptsTheExtremeSizes)
{
    nerv::StreamHeader h;
    h.width = 1;
    h.height = nerv::StreamLimits::kMaxDimension;
    h.fps_num = 2147483647;
    h.fps_den = 2147483647;
    nerv::StreamHeader back = nerv::parse_stream_header(only_chunk(nerv::write_stream_header_chunk(h)));
    EXPECT_EQ(back.width, 1);
    EXPECT_EQ(back.height, nerv::StreamLimits::kMaxDimension);
    EXPECT_EQ(back.fps_num, 2147483647);
}

TEST(RecordsTest, SegmentRoundTripsTensorsOfEveryRank)
{
    nerv::SegmentRecord s = nerv_test::container::sample_segment();
    s.first_frame = 123456789012LL;
    s.frame_count = static_cast<uint32_t>(nerv::StreamLimits::kMaxSegmentFrames);
    for (uint32_t rank = 0; rank <= nerv::StreamLimits::kMaxDims; ++rank)
        s.tensors.push_back({"rank" + std::to_string(rank), std::vector<int64_t>(rank, 2),
                             std::vector<uint8_t>(rank * 3, static_cast<uint8_t>(rank))});
    s.tensors.push_back({"big.dimension", {int64_t(1) << 31}, {}});
    s.tensors.push_back({std::string(256, 'n'), {1}, std::vector<uint8_t>(70000, 0x5a)});
    s.frame_codecs.push_back({"second.codec", {3}, {}});
    nerv::SegmentRecord back = nerv::parse_segment(only_chunk(nerv::write_segment_chunk(s)));
    EXPECT_EQ(back.first_frame, s.first_frame);
    EXPECT_EQ(back.frame_count, s.frame_count);
    EXPECT_EQ(back.meta.to_text(), s.meta.to_text());
    expect_same_tensors(back.tensors, s.tensors);
    expect_same_tensors(back.frame_codecs, s.frame_codecs);
}

TEST(RecordsTest, SegmentWithoutTensorsRoundTrips)
{
    nerv::SegmentRecord s;
    s.frame_count = 1;
    nerv::SegmentRecord back = nerv::parse_segment(only_chunk(nerv::write_segment_chunk(s)));
    EXPECT_EQ(back.frame_count, 1u);
    EXPECT_EQ(back.meta.size(), 0u);
    EXPECT_TRUE(back.tensors.empty());
    EXPECT_TRUE(back.frame_codecs.empty());
}

TEST(RecordsTest, FrameRoundTripsAnyNumberOfPayloads)
{
    for (size_t count : {0, 1, 3}) {
        nerv::FrameRecord f;
        f.index_in_segment = 0xFFFFFFFFu;
        f.pts = INT64_MIN;
        for (size_t i = 0; i < count; ++i)
            f.payloads.push_back(std::vector<uint8_t>(i * 100, static_cast<uint8_t>(i + 1)));
        nerv::FrameRecord back = nerv::parse_frame(only_chunk(nerv::write_frame_chunk(f)), count);
        EXPECT_EQ(back.index_in_segment, f.index_in_segment);
        EXPECT_EQ(back.pts, f.pts);
        EXPECT_EQ(back.payloads, f.payloads);
    }
}

TEST(RecordsTest, FramePayloadCountMustMatchTheSegment)
{
    std::vector<uint8_t> bytes = nerv::write_frame_chunk(nerv_test::container::sample_frame(1));
    auto o = outcome_of([&] { nerv::parse_frame(only_chunk(bytes), 2); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("1 payloads, but its segment has 2 frame codecs"), std::string::npos) << o.message;
}

TEST(RecordsTest, WritersRefuseWhatReadersWouldReject)
{
    auto header_with = [](auto change) {
        nerv::StreamHeader h = nerv_test::container::sample_header();
        change(h);
        return outcome_of([&] { nerv::write_stream_header_chunk(h); }).code;
    };
    EXPECT_EQ(header_with([](nerv::StreamHeader &h) { h.width = 0; }), -EINVAL);
    EXPECT_EQ(header_with([](nerv::StreamHeader &h) { h.height = nerv::StreamLimits::kMaxDimension + 1; }), -EINVAL);
    EXPECT_EQ(header_with([](nerv::StreamHeader &h) { h.fps_den = 0; }), -EINVAL);
    EXPECT_EQ(header_with([](nerv::StreamHeader &h) { h.source_format = NERV_PIX_FMT_NONE; }), -EINVAL);

    auto segment_with = [](auto change) {
        nerv::SegmentRecord s = nerv_test::container::sample_segment();
        change(s);
        return outcome_of([&] { nerv::write_segment_chunk(s); });
    };
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.frame_count = 0; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.first_frame = -1; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].name = ""; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].name = "has space"; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].shape = {4, 0}; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].shape.assign(9, 1); }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].shape = {65536, 65537}; }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) { s.tensors[1].name = std::string(257, 'n'); }).code, -EINVAL);
    EXPECT_EQ(segment_with([](nerv::SegmentRecord &s) {
                  s.tensors.clear();
                  for (uint32_t i = 0; i <= nerv::StreamLimits::kMaxTensors; ++i)
                      s.tensors.push_back({"t" + std::to_string(i), {1}, {}});
              }).code,
              -EINVAL);
    auto o = segment_with([](nerv::SegmentRecord &s) { s.frame_codecs.push_back(s.frame_codecs[0]); });
    EXPECT_EQ(o.code, -EINVAL);
    EXPECT_NE(o.message.find("frame codec 1 ('embedding'): the name appears twice"), std::string::npos) << o.message;
}

TEST(RecordsTest, FrameWriterRefusesMorePayloadsThanASegmentCanHaveCodecs)
{
    nerv::FrameRecord f;
    f.payloads.resize(nerv::StreamLimits::kMaxTensors + 1);
    EXPECT_EQ(outcome_of([&] { nerv::write_frame_chunk(f); }).code, -EINVAL);
}

TEST(RecordsTest, ParsersRefuseAChunkOfAnotherType)
{
    nerv::ChunkView frame = only_chunk(nerv::write_frame_chunk(nerv_test::container::sample_frame(0)));
    EXPECT_EQ(outcome_of([&] { nerv::parse_stream_header(frame); }).code, -EINVAL);
    EXPECT_EQ(outcome_of([&] { nerv::parse_segment(frame); }).code, -EINVAL);
    nerv::ChunkView header = only_chunk(nerv::write_stream_header_chunk(nerv_test::container::sample_header()));
    EXPECT_EQ(outcome_of([&] { nerv::parse_frame(header, 0); }).code, -EINVAL);
}

TEST(RecordsTest, WholeStreamReadsBack)
{
    nerv_test::container::StreamSummary s = nerv_test::container::read_stream(nerv_test::container::sample_stream());
    EXPECT_EQ(s.stream_headers, 1);
    EXPECT_EQ(s.segments, 1);
    EXPECT_EQ(s.frames, 3);
    EXPECT_FALSE(s.truncated);
}

}  // namespace NERV_TEST_FILE

// Segments as the unit of scale (docs/distributed.md): parts of a video coded with the
// "segments" setting join (nerv_concat_streams) into exactly the stream of one encode; "jobs"
// trains segments at once and writes the bytes of one worker; parts that do not fit together
// are refused before anything is written.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "api_helpers.h"
#include "nerv/nerv.h"
#include "test_data.h"

namespace {

/** Six fixture frames in three segments of two; one thread, so that bytes can be compared. */
NervEncoderSettings part_settings(const char *segments = "all")
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 2);
    s.threads = 1;
    s.segment_frames = 2;
    EXPECT_EQ(nerv_encoder_settings_set(&s, "segments", segments), 0) << segments;
    return s;
}

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(6);
    return c;
}

int append(void *user, const uint8_t *data, size_t size)
{
    auto *out = static_cast<std::vector<uint8_t> *>(user);
    out->insert(out->end(), data, data + size);
    return 0;
}

/** nerv_concat_streams of the parts into *out; its result. */
int concat(const std::vector<std::vector<uint8_t>> &parts, std::vector<uint8_t> *out)
{
    std::vector<const uint8_t *> data;
    std::vector<size_t> sizes;
    for (const auto &p : parts) {
        data.push_back(p.data());
        sizes.push_back(p.size());
    }
    out->clear();
    return nerv_concat_streams(data.data(), sizes.data(), nullptr, static_cast<int>(parts.size()), append, out);
}

std::vector<uint8_t> encode(const NervEncoderSettings &s)
{
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(e.result, 0) << e.error;
    return e.stream;
}

/** Decodes frame `index` of a stream as RGB24 bytes (empty on failure). */
std::vector<uint8_t> decode_frame(const std::vector<uint8_t> &stream, int64_t index)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = NERV_PIX_FMT_RGB24;
    ds.device = NERV_DEVICE_CPU;
    ds.threads = 1;
    NervDecoder *dec = nullptr;
    std::vector<uint8_t> rgb;
    if (nerv_decoder_open(&dec, &ds) < 0)
        return rgb;
    NervPicture pic;
    if (nerv_decoder_send_packet(dec, stream.data(), stream.size()) >= 0 &&
        nerv_decoder_decode_frame(dec, index, &pic) >= 0)
        rgb = nerv_test::packed_rgb(pic);
    nerv_decoder_close(&dec);
    return rgb;
}

TEST(SegmentsTest, PartsJoinIntoTheStreamOfOneEncodeByteForByte)
{
    const std::vector<uint8_t> whole = encode(part_settings());
    const std::vector<uint8_t> first = encode(part_settings("0:1"));
    const std::vector<uint8_t> rest = encode(part_settings("1:"));
    ASSERT_FALSE(whole.empty());
    ASSERT_LT(first.size(), whole.size());

    // A part is a stream of its own, with the frame numbers of the whole clip.
    NervStreamInfo info;
    ASSERT_EQ(nerv_probe(rest.data(), rest.size(), &info), 0);
    EXPECT_EQ(info.first_frame, 2);
    EXPECT_EQ(info.frames, 4);
    EXPECT_EQ(info.segments, 2);
    const std::vector<uint8_t> from_part = decode_frame(rest, 3);
    ASSERT_FALSE(from_part.empty()) << nerv_last_error();
    EXPECT_EQ(from_part, decode_frame(whole, 3));
    EXPECT_TRUE(decode_frame(rest, 1).empty()) << "frame 1 is not in the part";

    std::vector<uint8_t> joined;
    ASSERT_EQ(concat({first, rest}, &joined), 0) << nerv_last_error();
    EXPECT_EQ(joined, whole);
    // Three parts of one segment each, one of them a middle part.
    ASSERT_EQ(concat({first, encode(part_settings("1:2")), encode(part_settings("2:3"))}, &joined), 0)
        << nerv_last_error();
    EXPECT_EQ(joined, whole);
}

TEST(SegmentsTest, JobsWriteTheBytesOfOneWorker)
{
    NervEncoderSettings one = part_settings();
    one.jobs = 1;
    NervEncoderSettings three = part_settings();
    three.jobs = 3;
    const std::vector<uint8_t> expected = encode(one);
    EXPECT_EQ(encode(three), expected);
    NervEncoderSettings two = part_settings();
    two.jobs = 2;  // fewer workers than segments: a worker is reused
    EXPECT_EQ(encode(two), expected);

    // With a checkpoint the finished segments are kept, and the file is gone at the end.
    const std::string ckpt = nerv_test::temp_dir() + "/jobs.ckpt";
    std::snprintf(two.checkpoint, sizeof(two.checkpoint), "%s", ckpt.c_str());
    EXPECT_EQ(encode(two), expected);
    EXPECT_FALSE(std::filesystem::exists(ckpt));

    // Stopped part way, then resumed: finished segments come back, the others train again.
    std::atomic<int> polls{0};
    two.abort_user = &polls;
    two.abort_cb = [](void *user) { return ++*static_cast<std::atomic<int> *>(user) >= 12 ? 1 : 0; };
    EXPECT_EQ(nerv_test::encode_clip(clip(), two).result, NERV_ERROR_ABORTED);
    ASSERT_TRUE(std::filesystem::exists(ckpt));
    two.abort_cb = nullptr;
    two.resume = 1;
    EXPECT_EQ(encode(two), expected);
    EXPECT_FALSE(std::filesystem::exists(ckpt));
}

int abort_at_once(void *) { return 1; }

TEST(SegmentsTest, AnAbortStopsEveryWorker)
{
    NervEncoderSettings s = part_settings();
    s.jobs = 2;
    s.epochs = 1000;  // minutes if a worker went on
    s.abort_cb = abort_at_once;
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(e.result, NERV_ERROR_ABORTED) << e.error;
}

TEST(SegmentsTest, ConcatRefusesPartsThatDoNotFitAndWritesNothing)
{
    const std::vector<uint8_t> a = encode(part_settings("0:1"));
    const std::vector<uint8_t> b = encode(part_settings("1:2"));
    const std::vector<uint8_t> c = encode(part_settings("2:3"));
    const std::vector<uint8_t> bc = encode(part_settings("1:3"));
    NervEncoderSettings other_seed = part_settings("1:2");
    other_seed.seed = 7;
    const std::vector<uint8_t> b_seed = encode(other_seed);
    std::vector<uint8_t> truncated = b;
    truncated.resize(b.size() - 5);

    struct Case {
        const char *what;
        std::vector<std::vector<uint8_t>> parts;
        int expected;
        const char *message;
    };
    const Case cases[] = {
        {"a gap", {a, c}, -EINVAL, "missing"},
        {"an overlap", {a, bc, c}, -EINVAL, "overlap"},
        {"the wrong order", {b, a}, -EINVAL, "overlap"},
        {"other settings", {a, b_seed}, -EINVAL, "seed=7"},
        {"a truncated part", {a, truncated}, NERV_ERROR_INVALIDDATA, "truncated"},
        {"not a stream", {a, std::vector<uint8_t>(64, 7)}, NERV_ERROR_INVALIDDATA, "NERV"},
    };
    for (const Case &k : cases) {
        std::vector<uint8_t> out;
        EXPECT_EQ(concat(k.parts, &out), k.expected) << k.what;
        EXPECT_NE(std::string(nerv_last_error()).find(k.message), std::string::npos)
            << k.what << ": " << nerv_last_error();
        EXPECT_TRUE(out.empty()) << k.what;
    }
}

TEST(SegmentsTest, TheSettingIsCheckedAndAPartPastTheInputIsAnError)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    for (const char *bad : {"3:2", "2:2", "-1:", "a:b", "2", ":4", "1:x"})
        EXPECT_EQ(nerv_encoder_settings_set(&s, "segments", bad), -EINVAL) << bad;
    EXPECT_EQ(nerv_encoder_settings_set(&s, "segments", "4:"), 0);
    EXPECT_EQ(s.segment_first, 4);
    EXPECT_EQ(s.segment_end, 0);
    EXPECT_EQ(nerv_encoder_settings_set(&s, "jobs", "65"), -EINVAL);

    // Six frames are three segments of two: segment 3 starts after the input.
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), part_settings("3:"));
    EXPECT_EQ(e.result, -EINVAL);
    EXPECT_NE(e.error.find("starts at frame 6"), std::string::npos) << e.error;
}

}  // namespace

// The decoder and nerv_probe on valid, truncated, corrupted and hostile input: every
// case is an error code with a message, never a crash, and a failed packet leaves the
// decoder as it was.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

const nerv_test::Encoded &small_stream()
{
    static const nerv_test::Encoded e = [] {
        NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 1);
        return nerv_test::encode_clip(nerv_test::load_fixture_clip(3), s);
    }();
    return e;
}

NervDecoder *open_cpu_decoder()
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.device = NERV_DEVICE_CPU;
    NervDecoder *d = nullptr;
    EXPECT_EQ(nerv_decoder_open(&d, &ds), 0);
    return d;
}

int decode_everything(const uint8_t *data, size_t size)
{
    NervDecoder *d = open_cpu_decoder();
    int ret = nerv_decoder_send_packet(d, data, size);
    NervPicture p;
    while (ret == 0)
        ret = nerv_decoder_receive_frame(d, &p);
    nerv_decoder_close(&d);
    return ret;
}

TEST(DecoderRobustnessTest, ValidStreamDecodesAndProbes)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    NervStreamInfo info;
    ASSERT_EQ(nerv_probe(e.stream.data(), e.stream.size(), &info), 0) << nerv_last_error();
    EXPECT_EQ(info.width, 176);
    EXPECT_EQ(info.height, 144);
    EXPECT_EQ(info.frames, 3);
    EXPECT_EQ(info.segments, 1);
    EXPECT_STREQ(info.arch, "hnerv");
    EXPECT_EQ(info.truncated, 0);
    EXPECT_EQ(info.bytes, static_cast<int64_t>(e.stream.size()));
    EXPECT_DOUBLE_EQ(info.bpp, 8.0 * e.stream.size() / (176.0 * 144 * 3));
    EXPECT_EQ(decode_everything(e.stream.data(), e.stream.size()), -EAGAIN);
}

TEST(DecoderRobustnessTest, EveryTruncationIsHandled)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    // Probe every prefix (cheap); decode a spread of prefixes (each builds a model).
    for (size_t n = 0; n < e.stream.size(); ++n) {
        NervStreamInfo info;
        const int r = nerv_probe(e.stream.data(), n, &info);
        if (r == 0)
            EXPECT_LE(info.bytes, static_cast<int64_t>(n));
        else
            EXPECT_EQ(r, NERV_ERROR_INVALIDDATA) << "prefix " << n;
    }
    for (size_t n = 0; n < e.stream.size(); n += std::max<size_t>(1, e.stream.size() / 50)) {
        const int r = decode_everything(e.stream.data(), n);
        EXPECT_TRUE(r == -EAGAIN || r == NERV_ERROR_INVALIDDATA || r == -ENOTSUP) << "prefix " << n << " -> " << r;
    }
}

TEST(DecoderRobustnessTest, CorruptedBytesAreRejectedOrHarmless)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    std::mt19937 rng(7);
    for (int i = 0; i < 300; ++i) {
        std::vector<uint8_t> bad = e.stream;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f)
            bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        NervStreamInfo info;
        const int p = nerv_probe(bad.data(), bad.size(), &info);
        EXPECT_TRUE(p == 0 || p == NERV_ERROR_INVALIDDATA || p == -ENOTSUP) << p;
        const int r = decode_everything(bad.data(), bad.size());
        EXPECT_TRUE(r == -EAGAIN || r == NERV_ERROR_INVALIDDATA || r == -ENOTSUP) << r << ": " << nerv_last_error();
    }
}

TEST(DecoderRobustnessTest, GarbageAndEmptyInput)
{
    std::vector<uint8_t> junk(4096);
    std::mt19937 rng(3);
    for (auto &b : junk)
        b = static_cast<uint8_t>(rng());
    NervStreamInfo info;
    EXPECT_EQ(nerv_probe(junk.data(), junk.size(), &info), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(nerv_probe(nullptr, 0, &info), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_everything(junk.data(), junk.size()), NERV_ERROR_INVALIDDATA);
    NervDecoder *d = open_cpu_decoder();
    EXPECT_EQ(nerv_decoder_send_packet(d, nullptr, 0), 0) << "an empty packet is a no-op";
    NervPicture p;
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), -EAGAIN);
    EXPECT_EQ(nerv_decoder_decode_frame(d, 0, &p), -ERANGE);
    EXPECT_EQ(nerv_decoder_send_packet(d, nullptr, 5), -EINVAL);
    nerv_decoder_close(&d);
}

TEST(DecoderRobustnessTest, FailedPacketLeavesDecoderUsable)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_cpu_decoder();
    // Header + segment first.
    size_t offset = 0;
    for (size_t i = 0; i < 2; ++i)
        offset += e.packet_sizes[i];
    ASSERT_EQ(nerv_decoder_send_packet(d, e.stream.data(), offset), 0) << nerv_last_error();
    // A corrupted frame packet is refused...
    std::vector<uint8_t> frame(e.stream.begin() + offset, e.stream.begin() + offset + e.packet_sizes[2]);
    std::vector<uint8_t> bad = frame;
    bad[bad.size() / 2] ^= 0x40;
    EXPECT_EQ(nerv_decoder_send_packet(d, bad.data(), bad.size()), NERV_ERROR_INVALIDDATA);
    NervPicture p;
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), -EAGAIN);
    // ...and the intact one still decodes.
    ASSERT_EQ(nerv_decoder_send_packet(d, frame.data(), frame.size()), 0);
    ASSERT_EQ(nerv_decoder_receive_frame(d, &p), 0) << nerv_last_error();
    EXPECT_EQ(p.frame_index, 0);
    EXPECT_EQ(p.width, 176);
    nerv_decoder_close(&d);
}

TEST(DecoderRobustnessTest, FrameBeforeSegmentOrSegmentBeforeHeaderIsInvalid)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    const size_t header = e.packet_sizes[0], segment = e.packet_sizes[1], frame = e.packet_sizes[2];
    NervDecoder *d = open_cpu_decoder();
    EXPECT_EQ(nerv_decoder_send_packet(d, e.stream.data() + header, segment), NERV_ERROR_INVALIDDATA);
    EXPECT_NE(std::string(nerv_last_error()).find("header"), std::string::npos) << nerv_last_error();
    ASSERT_EQ(nerv_decoder_send_packet(d, e.stream.data(), header), 0);
    EXPECT_EQ(nerv_decoder_send_packet(d, e.stream.data() + header + segment, frame), NERV_ERROR_INVALIDDATA);
    nerv_decoder_close(&d);
}

TEST(DecoderRobustnessTest, WrongVersionIsNotSupported)
{
    const auto &e = small_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    std::vector<uint8_t> v2 = e.stream;
    v2[4] = 2;  // major version
    NervStreamInfo info;
    EXPECT_EQ(nerv_probe(v2.data(), v2.size(), &info), -ENOTSUP);
    EXPECT_NE(std::string(nerv_last_error()).find("version"), std::string::npos) << nerv_last_error();
}

TEST(DecoderRobustnessTest, InvalidDecoderSettings)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = static_cast<NervPixelFormat>(7);
    NervDecoder *d = nullptr;
    EXPECT_EQ(nerv_decoder_open(&d, &ds), -EINVAL);
    EXPECT_EQ(d, nullptr);
    nerv_decoder_default_settings(&ds);
    ds.threads = -2;
    EXPECT_EQ(nerv_decoder_open(&d, &ds), -EINVAL);
}

}  // namespace

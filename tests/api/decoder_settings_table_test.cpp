// Every decoder setting: its default, values that work (a stream decodes with them, with the
// effect they promise) and values nerv_decoder_open rejects with -EINVAL and a message that
// names the setting and its valid range.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

struct DecoderSettingCase {
    const char *name;
    int default_value;
    int (*get)(const NervDecoderSettings &);
    void (*set)(NervDecoderSettings *, int);
    std::vector<int> valid;
    std::vector<int> invalid;
    const char *range_text;  // what the message must state
};

std::string PrintName(const testing::TestParamInfo<DecoderSettingCase> &info) { return info.param.name; }

const std::vector<uint8_t> &small_stream()
{
    static const std::vector<uint8_t> stream = [] {
        NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 1);
        return nerv_test::encode_clip(nerv_test::load_fixture_clip(2), s).stream;
    }();
    return stream;
}

class DecoderSettingTableTest : public testing::TestWithParam<DecoderSettingCase> {};

TEST_P(DecoderSettingTableTest, DefaultValidAndInvalidValues)
{
    const DecoderSettingCase &c = GetParam();
    ASSERT_FALSE(small_stream().empty());
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    EXPECT_EQ(c.get(ds), c.default_value) << c.name;
    for (int v : c.valid) {
        nerv_decoder_default_settings(&ds);
        ds.device = NERV_DEVICE_CPU;  // the CI machine has no GPU; device has its own case
        c.set(&ds, v);
        NervDecoder *d = nullptr;
        ASSERT_EQ(nerv_decoder_open(&d, &ds), 0) << c.name << "=" << v << ": " << nerv_last_error();
        ASSERT_EQ(nerv_decoder_send_packet(d, small_stream().data(), small_stream().size()), 0) << nerv_last_error();
        NervPicture p;
        EXPECT_EQ(nerv_decoder_receive_frame(d, &p), 0) << c.name << "=" << v << ": " << nerv_last_error();
        nerv_decoder_close(&d);
    }
    for (int v : c.invalid) {
        nerv_decoder_default_settings(&ds);
        c.set(&ds, v);
        NervDecoder *d = reinterpret_cast<NervDecoder *>(0x1);
        EXPECT_EQ(nerv_decoder_open(&d, &ds), -EINVAL) << c.name << "=" << v;
        EXPECT_EQ(d, nullptr);
        const std::string msg = nerv_last_error();
        EXPECT_NE(msg.find(c.name), std::string::npos) << "message must name the setting: " << msg;
        EXPECT_NE(msg.find(c.range_text), std::string::npos) << "message must state the valid range: " << msg;
    }
}

INSTANTIATE_TEST_SUITE_P(
    AllDecoderSettings, DecoderSettingTableTest,
    testing::Values(
        DecoderSettingCase{"output_format", NERV_PIX_FMT_NONE,
                           [](const NervDecoderSettings &s) { return static_cast<int>(s.output_format); },
                           [](NervDecoderSettings *s, int v) { s->output_format = static_cast<NervPixelFormat>(v); },
                           {-1, 0, 1, 2}, {-2, 3, 100}, "0..2"},
        DecoderSettingCase{"device", NERV_DEVICE_AUTO,
                           [](const NervDecoderSettings &s) { return static_cast<int>(s.device); },
                           [](NervDecoderSettings *s, int v) { s->device = static_cast<NervDevice>(v); },
                           {1}, {-1, 3}, "0..2"},
        DecoderSettingCase{"threads", 0, [](const NervDecoderSettings &s) { return s.threads; },
                           [](NervDecoderSettings *s, int v) { s->threads = v; }, {0, 1, 1024}, {-1, 1025},
                           "0..1024"},
        // 8 MiB: the smallest round budget above the ~4 MiB the 176x144 stream's model and canvas
        // need (resource_limits_test.cpp checks that a budget below that is refused).
        DecoderSettingCase{"memory_limit", 0, [](const NervDecoderSettings &s) { return s.memory_limit; },
                           [](NervDecoderSettings *s, int v) { s->memory_limit = v; }, {0, 8, 1 << 24},
                           {-1, (1 << 24) + 1}, "16777216"},
        DecoderSettingCase{"log_level", NERV_LOG_INFO,
                           [](const NervDecoderSettings &s) { return static_cast<int>(s.log_level); },
                           [](NervDecoderSettings *s, int v) { s->log_level = static_cast<NervLogLevel>(v); },
                           {0, 4}, {-1, 5}, "0..4"}),
    PrintName);

TEST(DecoderSettingsTest, OutputFormatIsWhatComesOut)
{
    ASSERT_FALSE(small_stream().empty());
    for (int f : {NERV_PIX_FMT_NONE, NERV_PIX_FMT_RGB24, NERV_PIX_FMT_YUV420P, NERV_PIX_FMT_YUV444P}) {
        NervDecoderSettings ds;
        nerv_decoder_default_settings(&ds);
        ds.device = NERV_DEVICE_CPU;
        ds.output_format = static_cast<NervPixelFormat>(f);
        NervDecoder *d = nullptr;
        ASSERT_EQ(nerv_decoder_open(&d, &ds), 0);
        ASSERT_EQ(nerv_decoder_send_packet(d, small_stream().data(), small_stream().size()), 0);
        NervPicture p;
        ASSERT_EQ(nerv_decoder_receive_frame(d, &p), 0) << nerv_last_error();
        // The fixture clip is 4:2:0, so "the stream's format" is yuv420p.
        EXPECT_EQ(p.format, f == NERV_PIX_FMT_NONE ? NERV_PIX_FMT_YUV420P : f);
        nerv_decoder_close(&d);
    }
}

TEST(DecoderSettingsTest, ThreadCountDoesNotChangeThePixels)
{
    ASSERT_FALSE(small_stream().empty());
    std::vector<uint8_t> first;
    for (int threads : {1, 2}) {
        NervDecoderSettings ds;
        nerv_decoder_default_settings(&ds);
        ds.device = NERV_DEVICE_CPU;
        ds.threads = threads;
        ds.output_format = NERV_PIX_FMT_RGB24;
        NervDecoder *d = nullptr;
        ASSERT_EQ(nerv_decoder_open(&d, &ds), 0);
        ASSERT_EQ(nerv_decoder_send_packet(d, small_stream().data(), small_stream().size()), 0);
        NervPicture p;
        ASSERT_EQ(nerv_decoder_receive_frame(d, &p), 0) << nerv_last_error();
        std::vector<uint8_t> rgb(p.data[0], p.data[0] + static_cast<size_t>(p.stride[0]) * p.height);
        if (first.empty())
            first = rgb;
        else
            EXPECT_TRUE(rgb == first) << "threads=" << threads << " decoded other pixels";
        nerv_decoder_close(&d);
    }
}

TEST(DecoderSettingsTest, LogLevelFiltersTheCallback)
{
    ASSERT_FALSE(small_stream().empty());
    struct Seen {
        int lines = 0;
        int max_level = -1;
    };
    for (int level : {NERV_LOG_ERROR, NERV_LOG_DEBUG}) {
        Seen seen;
        NervDecoderSettings ds;
        nerv_decoder_default_settings(&ds);
        ds.device = NERV_DEVICE_CPU;
        ds.log_level = static_cast<NervLogLevel>(level);
        ds.log_cb = [](void *u, NervLogLevel l, const char *) {
            Seen *s = static_cast<Seen *>(u);
            s->lines++;
            s->max_level = std::max(s->max_level, static_cast<int>(l));
        };
        ds.log_user = &seen;
        NervDecoder *d = nullptr;
        ASSERT_EQ(nerv_decoder_open(&d, &ds), 0);
        ASSERT_EQ(nerv_decoder_send_packet(d, small_stream().data(), small_stream().size()), 0);
        NervPicture p;
        ASSERT_EQ(nerv_decoder_receive_frame(d, &p), 0);
        nerv_decoder_close(&d);
        EXPECT_LE(seen.max_level, level);
        if (level == NERV_LOG_DEBUG) {
            EXPECT_GT(seen.lines, 0) << "building a segment's model logs at verbose level";
        }
    }
}

}  // namespace

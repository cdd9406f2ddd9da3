// Memory and time the library lets itself use: models that cannot fit are refused before they
// are built, with -ENOMEM and the figures (encoder and decoder, memory_limit and the device's
// available memory); the decoder's abort callback stops it before the next frame.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

NervEncoderSettings settings_of(const char *size, int width, int height)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", size, 1);
    s.width = width;
    s.height = height;
    s.pixel_format = NERV_PIX_FMT_RGB24;
    return s;
}

int64_t mem_available_bytes()
{
    FILE *f = std::fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    char line[256];
    long long kib = -1;
    while (std::fgets(line, sizeof(line), f) && std::sscanf(line, "MemAvailable: %lld kB", &kib) != 1) {
    }
    std::fclose(f);
    return kib * 1024;
}

TEST(ResourceLimitsTest, EncoderRefusesAModelOverItsMemoryLimitAtOpen)
{
    NervEncoderSettings s = settings_of("300k", 64, 64);
    s.memory_limit = 1;  // MiB; 300k parameters need ~4.6 MiB to train
    NervEncoder *enc = nullptr;
    const auto t0 = Clock::now();
    EXPECT_EQ(nerv_encoder_open(&enc, &s), -ENOMEM);
    EXPECT_LT(seconds_since(t0), 5.0);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("parameters"), std::string::npos) << msg;
    EXPECT_NE(msg.find("memory_limit"), std::string::npos) << msg;
    EXPECT_NE(msg.find("smaller size"), std::string::npos) << "the message must say what to do: " << msg;
    s.memory_limit = 64;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0) << nerv_last_error();
    nerv_encoder_close(&enc);
}

TEST(ResourceLimitsTest, EncoderComparesWithTheMemoryTheMachineHas)
{
    // 1.62e9 parameters (`nerv arch hnerv --width 32 --height 32 --frames 4 --params ...` prints the count) need
    // ~24 GiB to train; 2^31 is the format's limit, so this model is valid and only memory refuses it.
    const int64_t available = mem_available_bytes();
    if (available < 0 || available > int64_t(22) << 30)
        GTEST_SKIP() << "this machine has enough memory for the model";
    NervEncoderSettings s = settings_of("", 32, 32);
    std::snprintf(s.params, sizeof(s.params), "fc_dim=600:lower_width=600:ks=0_15_15");
    NervEncoder *enc = nullptr;
    const auto t0 = Clock::now();
    const int r = nerv_encoder_open(&enc, &s);
    const std::string msg = nerv_last_error();
    EXPECT_LT(seconds_since(t0), 5.0) << "refused before building";
    if (r == -EINVAL && msg.find("exceed") != std::string::npos)
        GTEST_SKIP() << "the configuration exceeds the format's limit here: " << msg;
    EXPECT_EQ(r, -ENOMEM) << msg;
    EXPECT_NE(msg.find("MemAvailable"), std::string::npos) << msg;
    nerv_encoder_close(&enc);
}

class DecoderLimitsTest : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        // ~200k parameters: more than 1 MiB allows a decoder (8 bytes each).
        NervEncoderSettings s = nerv_test::quick_settings("hnerv", "200k", 1);
        encoded_ = new nerv_test::Encoded(nerv_test::encode_clip(nerv_test::load_fixture_clip(3), s));
    }
    static void TearDownTestSuite() { delete encoded_; }
    static NervDecoder *open(int memory_limit, NervAbortCallback abort_cb = nullptr, void *abort_user = nullptr)
    {
        NervDecoderSettings ds;
        nerv_decoder_default_settings(&ds);
        ds.device = NERV_DEVICE_CPU;
        ds.memory_limit = memory_limit;
        ds.abort_cb = abort_cb;
        ds.abort_user = abort_user;
        NervDecoder *d = nullptr;
        EXPECT_EQ(nerv_decoder_open(&d, &ds), 0);
        EXPECT_EQ(nerv_decoder_send_packet(d, encoded_->stream.data(), encoded_->stream.size()), 0)
            << nerv_last_error();
        return d;
    }
    static nerv_test::Encoded *encoded_;
};
nerv_test::Encoded *DecoderLimitsTest::encoded_ = nullptr;

TEST_F(DecoderLimitsTest, SegmentOverTheMemoryLimitIsRefusedBeforeItIsBuilt)
{
    ASSERT_EQ(encoded_->result, 0) << encoded_->error;
    ASSERT_GT(encoded_->segment_stats.at(0).parameters, 131072);
    NervDecoder *d = open(1);
    NervPicture p;
    const auto t0 = Clock::now();
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), -ENOMEM);
    EXPECT_LT(seconds_since(t0), 2.0);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("memory_limit"), std::string::npos) << msg;
    EXPECT_NE(msg.find("parameters"), std::string::npos) << msg;
    nerv_decoder_close(&d);
    d = open(0);  // the machine's available memory is plenty
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), 0) << nerv_last_error();
    nerv_decoder_close(&d);
}

TEST_F(DecoderLimitsTest, AbortCallbackStopsBeforeTheNextFrame)
{
    ASSERT_EQ(encoded_->result, 0) << encoded_->error;
    int polls = 0;
    NervDecoder *d = open(0, [](void *u) { return ++*static_cast<int *>(u) >= 3 ? 1 : 0; }, &polls);
    NervPicture p;
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), 0);
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), 0);
    EXPECT_EQ(polls, 2) << "polled once per frame";
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), NERV_ERROR_ABORTED);
    EXPECT_EQ(polls, 3);
    EXPECT_NE(std::string(nerv_last_error()).find("aborted"), std::string::npos) << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_frame(d, 0, &p), NERV_ERROR_ABORTED) << "random access polls too";
    nerv_decoder_close(&d);
}

}  // namespace

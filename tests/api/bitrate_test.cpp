// Bit-rate targets (setting "bitrate", docs/settings.md "Bit-rate target"): the encoder chooses
// the size from a segment's share of the rate and prunes a trained network that codes above it,
// so the stream lands near the rate; rates no model reaches, and conflicting settings, are
// refused with the figures; an encode stopped while fine-tuning the pruned network resumes to
// the same bytes.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(4);
    return c;
}

/** A bit rate giving the clip's frames `bytes` bytes. */
int64_t bitrate_for(double bytes)
{
    const nerv_test::Clip &c = clip();
    return static_cast<int64_t>(bytes * 8.0 * c.fps_num / c.fps_den / static_cast<double>(c.frames.size()));
}

NervEncoderSettings rate_settings(int64_t bitrate, int qbits)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "", 4);
    s.size[0] = '\0';
    s.threads = 1;
    s.batch_size = 1;
    s.bitrate = bitrate;
    s.qbits = qbits;
    return s;
}

TEST(BitrateTest, StreamsLandWithinTenPercentOfTheRate)
{
    for (const auto &[bytes, qbits] : {std::pair<double, int>{24000, 8}, {40000, 8}, {16000, 4}}) {
        const nerv_test::Encoded e = nerv_test::encode_clip(clip(), rate_settings(bitrate_for(bytes), qbits));
        ASSERT_EQ(e.result, 0) << e.error;
        const double got = static_cast<double>(e.stream.size());
        EXPECT_NEAR(got / bytes, 1.0, 0.10) << bytes << " bytes asked at " << qbits << " bits, " << got << " written";
    }
}

TEST(BitrateTest, AHigherRateBuysALargerNetwork)
{
    const nerv_test::Encoded low = nerv_test::encode_clip(clip(), rate_settings(bitrate_for(20000), 8));
    const nerv_test::Encoded high = nerv_test::encode_clip(clip(), rate_settings(bitrate_for(60000), 8));
    ASSERT_EQ(low.result, 0) << low.error;
    ASSERT_EQ(high.result, 0) << high.error;
    ASSERT_EQ(low.segment_stats.size(), 1u);
    ASSERT_EQ(high.segment_stats.size(), 1u);
    EXPECT_GT(high.stream.size(), 2 * low.stream.size());
    EXPECT_GT(high.segment_stats[0].parameters, low.segment_stats[0].parameters);
}

TEST(BitrateTest, RatesNoModelReachesAreRefusedWithTheFigures)
{
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), rate_settings(bitrate_for(500), 8));
    EXPECT_EQ(e.result, -EINVAL);
    EXPECT_NE(e.error.find("bitrate"), std::string::npos) << e.error;
    EXPECT_NE(e.error.find("too low"), std::string::npos) << e.error;
}

TEST(BitrateTest, SizeAndPruneExcludeIt)
{
    for (int which = 0; which < 2; ++which) {
        NervEncoderSettings s = rate_settings(300000, 8);
        s.width = clip().width;
        s.height = clip().height;
        if (which == 0)
            std::snprintf(s.size, sizeof(s.size), "%s", "20k");
        else
            s.prune = 0.1;
        NervEncoder *enc = nullptr;
        EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL);
        const std::string msg = nerv_last_error();
        EXPECT_NE(msg.find("bitrate"), std::string::npos) << msg;
        EXPECT_NE(msg.find(which == 0 ? "size" : "prune"), std::string::npos) << msg;
    }
}

TEST(BitrateTest, StoppedWhileFineTuningThePrunedNetworkResumesToTheSameBytes)
{
    // 4 frames, batch 1: 4 epochs x 4 iterations of training, the quantization-aware probe (1 epoch,
    // no checkpoints), fine-tuning (1 epoch: 10% of 4, at least 1) and 1 epoch of quantization-aware
    // fine-tuning; the target is well below what the trained network codes to, so it is pruned.
    NervEncoderSettings base = rate_settings(bitrate_for(16000), 8);
    base.qat_epochs = 1;
    const nerv_test::Encoded whole = nerv_test::encode_clip(clip(), base);
    ASSERT_EQ(whole.result, 0) << whole.error;

    for (int poll : {18, 22, 26}) {  // the probe, fine-tuning, quantization-aware fine-tuning
        const std::string ckpt = nerv_test::temp_dir() + "/rate" + std::to_string(poll) + ".ckpt";
        NervEncoderSettings s = base;
        std::snprintf(s.checkpoint, sizeof(s.checkpoint), "%s", ckpt.c_str());
        s.checkpoint_every = 1;
        const nerv_test::Encoded stopped = nerv_test::encode_stopped_at_poll(clip(), s, poll);
        ASSERT_EQ(stopped.result, NERV_ERROR_ABORTED) << stopped.error;
        s.resume = 1;
        const nerv_test::Encoded resumed = nerv_test::encode_clip(clip(), s);
        ASSERT_EQ(resumed.result, 0) << resumed.error;
        EXPECT_TRUE(resumed.stream == whole.stream) << "stopped at poll " << poll;
        EXPECT_FALSE(fs::exists(ckpt));
    }
}

}  // namespace

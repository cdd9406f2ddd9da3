// Quantization-aware fine-tuning (setting qat_epochs): at few bits per weight the stream it
// writes decodes closer to the float model than plain post-training quantization, the decoded pictures are what the encoder reported, and the stream
// records the setting.
#include <gtest/gtest.h>

#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"
#include "test_data.h"

namespace {

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(4);
    return c;
}

NervEncoderSettings three_bit_settings(int epochs, int qat_epochs)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", epochs);
    s.threads = 1;
    s.qbits = 3;
    s.qat_epochs = qat_epochs;
    return s;
}

double final_psnr(const nerv_test::Encoded &e)
{
    double sum = 0;
    int frames = 0;
    for (const NervEncodeStats &st : e.segment_stats) {
        sum += st.psnr_final * st.frames;
        frames += st.frames;
    }
    return sum / frames;
}

TEST(QuantAwareTest, ThreeBitWeightsLoseLessThanWithPostTrainingQuantization)
{
    // 60 epochs of training, then the weights quantized (0.21 dB lost when this was written), or
    // 10 more epochs through the quantizer first.
    const nerv_test::Encoded plain = nerv_test::encode_clip(clip(), three_bit_settings(60, 0));
    const nerv_test::Encoded aware = nerv_test::encode_clip(clip(), three_bit_settings(60, 10));
    ASSERT_EQ(plain.result, 0) << plain.error;
    ASSERT_EQ(aware.result, 0) << aware.error;
    // What a viewer gets: the decoded stream.
    int w = 0, h = 0;
    const auto decoded_plain = nerv_test::decode_all_rgb(plain.stream, &w, &h);
    const double psnr_plain = nerv_test::mean_psnr_rgb(clip(), decoded_plain, w, h);
    const auto decoded_aware = nerv_test::decode_all_rgb(aware.stream, &w, &h);
    const double psnr_aware = nerv_test::mean_psnr_rgb(clip(), decoded_aware, w, h);
    EXPECT_GT(plain.segment_stats[0].psnr_trained - psnr_plain, 0.1) << "3-bit weights should cost something";
    EXPECT_GT(psnr_aware, psnr_plain + 0.1) << "plain " << psnr_plain << " dB, quantization-aware " << psnr_aware;
    // The encoder's report is the decoded stream (its float-model PSNR is the snapped weights').
    EXPECT_NEAR(final_psnr(aware), psnr_aware, 0.05);
    // Its weights are the stored ones: only the 6-bit embeddings and 8-bit output remain.
    EXPECT_NEAR(aware.segment_stats[0].psnr_trained, aware.segment_stats[0].psnr_final, 0.15);
    // The stream says how it was made.
    const std::string bytes(aware.stream.begin(), aware.stream.end());
    EXPECT_NE(bytes.find("qat_epochs=10"), std::string::npos);
    EXPECT_NE(bytes.find("quant.aware_epochs"), std::string::npos);
    const std::string plain_bytes(plain.stream.begin(), plain.stream.end());
    EXPECT_EQ(plain_bytes.find("qat_epochs"), std::string::npos);
}

TEST(QuantAwareTest, FloatWeightsIgnoreIt)
{
    NervEncoderSettings with = three_bit_settings(3, 5);
    with.qbits = 0;
    NervEncoderSettings without = three_bit_settings(3, 0);
    without.qbits = 0;
    const nerv_test::Encoded a = nerv_test::encode_clip(clip(), with);
    const nerv_test::Encoded b = nerv_test::encode_clip(clip(), without);
    ASSERT_EQ(a.result, 0) << a.error;
    ASSERT_EQ(b.result, 0) << b.error;
    EXPECT_EQ(a.segment_stats[0].psnr_final, b.segment_stats[0].psnr_final);
}

}  // namespace

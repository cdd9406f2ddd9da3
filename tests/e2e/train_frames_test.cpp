// train_frames: encoding with held-out frames (the papers' interpolation protocol).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

void collect_metadata(void *user_data, const NervSegmentInfo *segment)
{
    *static_cast<std::string *>(user_data) += segment->metadata;
}

NervEncoderSettings odd_frames(const char *arch, const char *size)
{
    NervEncoderSettings s = nerv_test::quick_settings(arch, size, 3);
    EXPECT_EQ(nerv_encoder_settings_set(&s, "train_frames", "odd"), 0) << nerv_last_error();
    EXPECT_EQ(s.train_frames, 1);
    return s;
}

TEST(TrainFramesTest, HeldOutFramesDoNotChangeTheStreamAndAreStillDecoded)
{
    nerv_test::Clip clip = nerv_test::load_fixture_clip(5);
    const nerv_test::Encoded a = nerv_test::encode_clip(clip, odd_frames("hnerv", "20k"));
    ASSERT_EQ(a.result, 0) << a.error;
    // Blank the held-out frames (the 2nd and 4th): nothing trained or transmitted may change.
    nerv_test::Clip blanked = clip;
    for (size_t i : {1, 3})
        std::fill(blanked.frames[i].begin(), blanked.frames[i].end(), 0);
    const nerv_test::Encoded b = nerv_test::encode_clip(blanked, odd_frames("hnerv", "20k"));
    ASSERT_EQ(b.result, 0) << b.error;
    EXPECT_EQ(a.stream, b.stream);
    // Trained on every frame, the blanked frames do change it.
    const nerv_test::Encoded all = nerv_test::encode_clip(blanked, nerv_test::quick_settings("hnerv", "20k", 3));
    ASSERT_EQ(all.result, 0) << all.error;
    EXPECT_NE(all.stream, b.stream);

    NervStreamInfo info;
    std::string metadata;
    ASSERT_EQ(nerv_probe_segments(a.stream.data(), a.stream.size(), &info, collect_metadata, &metadata), 0);
    EXPECT_EQ(info.frames, 5);
    EXPECT_NE(metadata.find("train.frames = \"odd\""), std::string::npos) << metadata;
    int w = 0, h = 0;
    EXPECT_EQ(nerv_test::decode_all_rgb(a.stream, &w, &h).size(), 5u);
}

TEST(TrainFramesTest, TimeIndexedModelsHoldOutFramesToo)
{
    nerv_test::Clip clip = nerv_test::load_fixture_clip(4);
    NervEncoderSettings s = odd_frames("nerv", "100k");
    std::strcpy(s.params, "lower_width=16");
    const nerv_test::Encoded a = nerv_test::encode_clip(clip, s);
    ASSERT_EQ(a.result, 0) << a.error;
    for (size_t i : {1, 3})
        std::fill(clip.frames[i].begin(), clip.frames[i].end(), 0);
    const nerv_test::Encoded b = nerv_test::encode_clip(clip, s);
    ASSERT_EQ(b.result, 0) << b.error;
    EXPECT_EQ(a.stream, b.stream);
}

TEST(TrainFramesTest, ArchitecturesWhoseEncoderReadsNeighboursRefuse)
{
    for (const char *arch : {"dnerv", "snerv-t", "pnerv-pyr"}) {
        NervEncoderSettings s = odd_frames(arch, "100k");
        s.width = 176;
        s.height = 144;
        NervEncoder *enc = nullptr;
        EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL) << arch;
        EXPECT_NE(std::string(nerv_last_error()).find("'train_frames' = 'odd' is not supported by arch"),
                  std::string::npos)
            << nerv_last_error();
        EXPECT_EQ(enc, nullptr);
    }
}

}  // namespace

// One training, several streams (setting train_only, docs/api.md "Checkpoints"): an encode with
// train_only stops after the training phase and keeps the trained network in its checkpoint;
// encodes that resume a copy of it with other coding settings (qbits, qbits_embed, qat_epochs,
// prune) write exactly the bytes of whole encodes with those settings. Other settings, and
// checkpoints past the training phase or with finished segments, are refused as before.
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

struct Coding {
    int qbits = 8;
    int qat_epochs = 0;
    double prune = 0;
};

/** One segment of 4 frames, 4 epochs; checkpoints every epoch when `checkpoint` is set. */
NervEncoderSettings one_segment(const std::string &checkpoint, Coding coding)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 4);
    s.threads = 1;
    s.batch_size = 1;
    s.qbits = coding.qbits;
    s.qat_epochs = coding.qat_epochs;
    s.prune = coding.prune;
    s.prune_epochs = coding.prune > 0 ? 2 : 0;
    s.checkpoint_every = 1;
    std::snprintf(s.checkpoint, sizeof(s.checkpoint), "%s", checkpoint.c_str());
    return s;
}

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(4);
    return c;
}

nerv_test::Encoded resume(const std::string &checkpoint, Coding coding)
{
    NervEncoderSettings s = one_segment(checkpoint, coding);
    s.resume = 1;
    return nerv_test::encode_clip(clip(), s);
}

/** Trains once with train_only (8-bit coding settings): the checkpoint it leaves. */
std::string train_once(const std::string &name)
{
    const std::string ckpt = nerv_test::temp_dir() + "/" + name + ".ckpt";
    NervEncoderSettings s = one_segment(ckpt, Coding());
    s.train_only = 1;
    const nerv_test::Encoded trained = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(trained.result, NERV_ERROR_ABORTED) << trained.error;
    EXPECT_NE(trained.error.find("train_only"), std::string::npos) << trained.error;
    for (const NervPacket &p : trained.packets)
        EXPECT_EQ(p.type, NERV_PACKET_STREAM_HEADER) << "train_only codes no segment";
    EXPECT_TRUE(fs::exists(ckpt)) << "train_only keeps the trained network in the checkpoint";
    return ckpt;
}

TEST(TrainOnlyTest, OneTrainingCodesSeveralWaysWithTheBytesOfWholeEncodes)
{
    const Coding eight_bit;
    const Coding four_bit_qat_pruned{4, 2, 0.2};
    const nerv_test::Encoded whole8 = nerv_test::encode_clip(clip(), one_segment("", eight_bit));
    const nerv_test::Encoded whole4 = nerv_test::encode_clip(clip(), one_segment("", four_bit_qat_pruned));
    ASSERT_EQ(whole8.result, 0) << whole8.error;
    ASSERT_EQ(whole4.result, 0) << whole4.error;
    ASSERT_FALSE(whole8.stream == whole4.stream);

    const std::string ckpt = train_once("several");
    const std::string copy = ckpt + ".copy";
    fs::copy_file(ckpt, copy);

    const nerv_test::Encoded coded4 = resume(ckpt, four_bit_qat_pruned);
    ASSERT_EQ(coded4.result, 0) << coded4.error;
    EXPECT_TRUE(coded4.stream == whole4.stream) << "4-bit + QAT + pruning from the trained network";
    EXPECT_FALSE(fs::exists(ckpt)) << "a complete encode removes its checkpoint";

    const nerv_test::Encoded coded8 = resume(copy, eight_bit);
    ASSERT_EQ(coded8.result, 0) << coded8.error;
    EXPECT_TRUE(coded8.stream == whole8.stream) << "8-bit from the trained network";
    ASSERT_EQ(coded8.segment_stats.size(), 1u);
    EXPECT_DOUBLE_EQ(coded8.segment_stats[0].psnr_final, whole8.segment_stats[0].psnr_final);
}

TEST(TrainOnlyTest, TrainOnlyAgainStopsAtOnceAndKeepsTheCheckpoint)
{
    const std::string ckpt = train_once("again");
    NervEncoderSettings s = one_segment(ckpt, Coding{6, 1, 0});
    s.train_only = 1;
    s.resume = 1;
    const nerv_test::Encoded again = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(again.result, NERV_ERROR_ABORTED) << again.error;
    EXPECT_TRUE(fs::exists(ckpt));
    const nerv_test::Encoded coded = resume(ckpt, Coding{6, 1, 0});
    EXPECT_EQ(coded.result, 0) << coded.error;
}

TEST(TrainOnlyTest, NeedsACheckpoint)
{
    NervEncoderSettings s = one_segment("", Coding());
    s.train_only = 1;
    s.width = clip().width;
    s.height = clip().height;
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("train_only"), std::string::npos) << msg;
    EXPECT_NE(msg.find("checkpoint"), std::string::npos) << msg;
}

TEST(TrainOnlyTest, TrainingSettingsMustStillMatch)
{
    const std::string ckpt = train_once("epochs");
    NervEncoderSettings s = one_segment(ckpt, Coding{4, 1, 0});
    s.resume = 1;
    s.epochs = 5;
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(e.result, -EINVAL);
    EXPECT_NE(e.error.find("epochs"), std::string::npos) << e.error;
    EXPECT_TRUE(fs::exists(ckpt));
}

/** A checkpoint of an encode with 8-bit, 2 QAT epochs and 2 segments of 2 frames, stopped at `poll`
 *  (4 epochs x 2 iterations of training, then 2 x 2 of QAT per segment, 1 per frame after). */
std::string stopped_at(const std::string &name, int poll)
{
    const std::string ckpt = nerv_test::temp_dir() + "/" + name + ".ckpt";
    NervEncoderSettings s = one_segment(ckpt, Coding{8, 2, 0});
    s.segment_frames = 2;
    const nerv_test::Encoded e = nerv_test::encode_stopped_at_poll(clip(), s, poll);
    EXPECT_EQ(e.result, NERV_ERROR_ABORTED) << e.error;
    return ckpt;
}

TEST(TrainOnlyTest, CodingSettingsStayFixedPastTrainingOrAfterAFinishedSegment)
{
    for (const auto &[name, poll] : {std::pair<const char *, int>{"in-qat", 10}, {"segment-1", 16}}) {
        const std::string ckpt = stopped_at(name, poll);
        NervEncoderSettings s = one_segment(ckpt, Coding{6, 2, 0});
        s.segment_frames = 2;
        s.resume = 1;
        const nerv_test::Encoded e = nerv_test::encode_clip(clip(), s);
        EXPECT_EQ(e.result, -EINVAL) << name << ": " << e.error;
        EXPECT_NE(e.error.find("qbits"), std::string::npos) << name << ": " << e.error;
        EXPECT_TRUE(fs::exists(ckpt));
    }
}

TEST(TrainOnlyTest, ACheckpointPastTrainingNoLongerHoldsTheTrainedNetwork)
{
    const std::string ckpt = stopped_at("past", 10);
    NervEncoderSettings s = one_segment(ckpt, Coding{8, 2, 0});
    s.segment_frames = 2;
    s.resume = 1;
    s.train_only = 1;
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), s);
    EXPECT_EQ(e.result, -EINVAL) << e.error;
    EXPECT_NE(e.error.find("past training"), std::string::npos) << e.error;
}

TEST(TrainOnlyTest, AnInterruptedTrainingContinuesUnderOtherCodingSettings)
{
    const std::string ckpt = stopped_at("mid-training", 3);
    NervEncoderSettings whole = one_segment("", Coding{4, 1, 0});
    whole.segment_frames = 2;
    const nerv_test::Encoded reference = nerv_test::encode_clip(clip(), whole);
    ASSERT_EQ(reference.result, 0) << reference.error;
    NervEncoderSettings s = one_segment(ckpt, Coding{4, 1, 0});
    s.segment_frames = 2;
    s.resume = 1;
    const nerv_test::Encoded resumed = nerv_test::encode_clip(clip(), s);
    ASSERT_EQ(resumed.result, 0) << resumed.error;
    EXPECT_TRUE(resumed.stream == reference.stream);
}

}  // namespace

// Checkpoints (docs/api.md, "Checkpoints"): an encode stopped anywhere (training, fine-tuning,
// the final check, between segments) and resumed from its checkpoint writes exactly the bytes of
// an encode that was never stopped, and the checkpoint is gone once the encode is complete.
// Resuming with other settings, other pictures or a damaged checkpoint is a clear error.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"
#include "stream_edit.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

struct AbortAfter {
    int polls = 0;
    int limit = 0;  // abort at this poll; 0 = never
};

int abort_after(void *user)
{
    AbortAfter *a = static_cast<AbortAfter *>(user);
    return a->limit > 0 && ++a->polls >= a->limit ? 1 : 0;
}

/** Two segments of 2 frames, pruning and quantization-aware fine-tuning (so two more phases),
 *  checkpoints every epoch. */
NervEncoderSettings resumable_settings(const std::string &checkpoint, AbortAfter *abort)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 4);
    s.threads = 1;
    s.batch_size = 1;
    s.segment_frames = 2;
    s.prune = 0.2;
    s.prune_epochs = 2;
    s.qat_epochs = 2;
    s.checkpoint_every = 1;
    std::snprintf(s.checkpoint, sizeof(s.checkpoint), "%s", checkpoint.c_str());
    s.abort_cb = abort_after;
    s.abort_user = abort;
    return s;
}

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(4);
    return c;
}

class CheckpointResumeTest : public testing::TestWithParam<int> {
protected:
    static void SetUpTestSuite()
    {
        dir_ = new std::string(nerv_test::temp_dir());
        AbortAfter never;
        reference_ = new nerv_test::Encoded(nerv_test::encode_clip(clip(), resumable_settings("", &never)));
    }
    static void TearDownTestSuite()
    {
        delete reference_;
        delete dir_;
    }
    static std::string *dir_;
    static nerv_test::Encoded *reference_;
};
std::string *CheckpointResumeTest::dir_ = nullptr;
nerv_test::Encoded *CheckpointResumeTest::reference_ = nullptr;

// Polls per segment: 4 epochs x 2 iterations of training, 2 x 2 of fine-tuning, 2 x 2 of
// quantization-aware fine-tuning, then one per frame in the final check. The cases stop segment
// 0 in training (at the first iteration, in the middle of an epoch), in fine-tuning, in
// quantization-aware fine-tuning (mid-epoch and at an epoch's start), in the final check, and
// segment 1 in training.
INSTANTIATE_TEST_SUITE_P(StopAtPoll, CheckpointResumeTest, testing::Values(1, 4, 11, 14, 15, 17, 21));

TEST_P(CheckpointResumeTest, ResumedEncodeWritesTheBytesOfAnUninterruptedOne)
{
    ASSERT_EQ(reference_->result, 0) << reference_->error;
    const std::string ckpt = *dir_ + "/stop" + std::to_string(GetParam()) + ".ckpt";
    AbortAfter stop;
    stop.limit = GetParam();
    const nerv_test::Encoded stopped = nerv_test::encode_clip(clip(), resumable_settings(ckpt, &stop));
    ASSERT_EQ(stopped.result, NERV_ERROR_ABORTED) << stopped.error;
    ASSERT_TRUE(fs::exists(ckpt)) << "an aborted encode leaves its checkpoint";

    AbortAfter never;
    NervEncoderSettings again = resumable_settings(ckpt, &never);
    again.resume = 1;
    const nerv_test::Encoded resumed = nerv_test::encode_clip(clip(), again);
    ASSERT_EQ(resumed.result, 0) << resumed.error;
    EXPECT_TRUE(resumed.stream == reference_->stream) << "resumed stream differs from the uninterrupted one";
    EXPECT_EQ(resumed.packets.size(), reference_->packets.size());
    EXPECT_FALSE(fs::exists(ckpt)) << "a complete encode removes its checkpoint";
    ASSERT_EQ(resumed.segment_stats.size(), 2u);
    EXPECT_DOUBLE_EQ(resumed.segment_stats[1].psnr_final, reference_->segment_stats[1].psnr_final);
}

class CheckpointErrorsTest : public testing::Test {
protected:
    void SetUp() override
    {
        ckpt_ = nerv_test::temp_dir() + "/e.ckpt";
        AbortAfter stop;
        stop.limit = 3;
        const nerv_test::Encoded stopped = nerv_test::encode_clip(clip(), resumable_settings(ckpt_, &stop));
        ASSERT_EQ(stopped.result, NERV_ERROR_ABORTED);
        ASSERT_TRUE(fs::exists(ckpt_));
    }
    NervEncoderSettings resume_settings()
    {
        NervEncoderSettings s = resumable_settings(ckpt_, &never_);
        s.resume = 1;
        s.width = clip().width;
        s.height = clip().height;
        s.fps_num = clip().fps_num;  // as encode_clip() set them for the interrupted encode
        s.fps_den = clip().fps_den;
        s.pixel_format = NERV_PIX_FMT_YUV420P;
        return s;
    }
    std::string ckpt_;
    AbortAfter never_;
};

TEST_F(CheckpointErrorsTest, OtherSettingsAreRefusedNamingTheSetting)
{
    NervEncoderSettings s = resume_settings();
    s.epochs = 5;
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("epochs"), std::string::npos) << msg;
    EXPECT_NE(msg.find(ckpt_), std::string::npos) << msg;
    EXPECT_TRUE(fs::exists(ckpt_)) << "a refused resume keeps the checkpoint";
}

TEST_F(CheckpointErrorsTest, OtherPicturesAreRefused)
{
    nerv_test::Clip other = clip();
    other.frames[1][100] ^= 0x40;
    const nerv_test::Encoded e = nerv_test::encode_clip(other, resume_settings());
    EXPECT_EQ(e.result, -EINVAL);
    EXPECT_NE(e.error.find("differ"), std::string::npos) << e.error;
}

TEST_F(CheckpointErrorsTest, DamagedCheckpointIsAClearError)
{
    std::vector<uint8_t> bytes = nerv_test::read_binary_file(ckpt_);
    for (size_t at : {size_t(2), bytes.size() / 2, bytes.size() - 3}) {
        std::vector<uint8_t> bad = bytes;
        bad[at] ^= 0x20;
        nerv_test::write_binary_file(ckpt_, bad);
        NervEncoderSettings s = resume_settings();
        NervEncoder *enc = nullptr;
        EXPECT_EQ(nerv_encoder_open(&enc, &s), NERV_ERROR_INVALIDDATA) << "byte " << at;
        const std::string msg = nerv_last_error();
        EXPECT_NE(msg.find("checkpoint"), std::string::npos) << msg;
        EXPECT_NE(msg.find("delete it"), std::string::npos) << msg;
    }
    bytes.resize(bytes.size() - 10);
    nerv_test::write_binary_file(ckpt_, bytes);
    NervEncoderSettings s = resume_settings();
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, &s), NERV_ERROR_INVALIDDATA) << "truncated";
}

TEST_F(CheckpointErrorsTest, StartingOverRemovesTheOldCheckpoint)
{
    NervEncoderSettings s = resume_settings();
    s.resume = 0;
    NervEncoder *enc = nullptr;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0) << nerv_last_error();
    EXPECT_FALSE(fs::exists(ckpt_));
    nerv_encoder_close(&enc);
}

TEST(CheckpointTest, ResumeWithoutACheckpointFileStartsFromTheBeginning)
{
    const std::string ckpt = nerv_test::temp_dir() + "/none.ckpt";
    AbortAfter never;
    NervEncoderSettings s = resumable_settings(ckpt, &never);
    s.resume = 1;
    s.segment_frames = 0;
    s.prune = 0;
    s.epochs = 1;
    const nerv_test::Encoded e = nerv_test::encode_clip(nerv_test::load_fixture_clip(2), s);
    EXPECT_EQ(e.result, 0) << e.error;
    EXPECT_FALSE(fs::exists(ckpt));
}

}  // namespace

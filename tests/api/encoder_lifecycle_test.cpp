// The encoder's contract: packet order, -EAGAIN / EOF, misuse, abort.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

NervEncoderSettings tiny_settings(int w, int h)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 1);
    s.width = w;
    s.height = h;
    s.pixel_format = NERV_PIX_FMT_RGB24;
    return s;
}

std::vector<uint8_t> gray_rgb(int w, int h, uint8_t v) { return std::vector<uint8_t>(3 * static_cast<size_t>(w) * h, v); }

NervPicture rgb_picture(const std::vector<uint8_t> &buf, int w, int h, int64_t pts)
{
    NervPicture p{};
    p.width = w;
    p.height = h;
    p.format = NERV_PIX_FMT_RGB24;
    p.data[0] = buf.data();
    p.stride[0] = 3 * w;
    p.pts = pts;
    return p;
}

TEST(EncoderLifecycleTest, NullArgumentsAreErrorsNotCrashes)
{
    NervEncoderSettings s = tiny_settings(64, 64);
    EXPECT_EQ(nerv_encoder_open(nullptr, &s), -EINVAL);
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, nullptr), -EINVAL);
    EXPECT_EQ(nerv_encoder_send_frame(nullptr, nullptr), -EINVAL);
    NervPacket pkt;
    EXPECT_EQ(nerv_encoder_receive_packet(nullptr, &pkt), -EINVAL);
    nerv_encoder_close(nullptr);
    nerv_encoder_close(&enc);
    nerv_encoder_default_settings(nullptr);
}

TEST(EncoderLifecycleTest, HeaderFirstThenEagainThenSegmentThenFramesThenEof)
{
    NervEncoderSettings s = tiny_settings(64, 64);
    NervEncoder *enc = nullptr;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0) << nerv_last_error();
    const uint8_t *hdr = nullptr;
    size_t hdr_size = 0;
    ASSERT_EQ(nerv_encoder_get_header(enc, &hdr, &hdr_size), 0);
    ASSERT_GT(hdr_size, 8u);
    EXPECT_EQ(std::memcmp(hdr, "NERV", 4), 0);

    NervPacket pkt;
    ASSERT_EQ(nerv_encoder_receive_packet(enc, &pkt), 0);
    EXPECT_EQ(pkt.type, NERV_PACKET_STREAM_HEADER);
    ASSERT_EQ(pkt.size, hdr_size);
    EXPECT_EQ(std::memcmp(pkt.data, hdr, hdr_size), 0);
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), -EAGAIN);

    auto a = gray_rgb(64, 64, 40), b = gray_rgb(64, 64, 200);
    NervPicture pa = rgb_picture(a, 64, 64, 100), pb = rgb_picture(b, 64, 64, 117);
    ASSERT_EQ(nerv_encoder_send_frame(enc, &pa), 0);
    ASSERT_EQ(nerv_encoder_send_frame(enc, &pb), 0);
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), -EAGAIN);
    ASSERT_EQ(nerv_encoder_send_frame(enc, nullptr), 0);
    EXPECT_EQ(nerv_encoder_send_frame(enc, &pa), -EINVAL) << "no pictures after the flush";

    ASSERT_EQ(nerv_encoder_receive_packet(enc, &pkt), 0) << nerv_last_error();
    EXPECT_EQ(pkt.type, NERV_PACKET_SEGMENT);
    EXPECT_EQ(pkt.segment, 0);
    EXPECT_EQ(pkt.frame_index, 0);
    ASSERT_EQ(nerv_encoder_receive_packet(enc, &pkt), 0);
    EXPECT_EQ(pkt.type, NERV_PACKET_FRAME);
    EXPECT_EQ(pkt.pts, 100);
    EXPECT_EQ(pkt.frame_index, 0);
    ASSERT_EQ(nerv_encoder_receive_packet(enc, &pkt), 0);
    EXPECT_EQ(pkt.type, NERV_PACKET_FRAME);
    EXPECT_EQ(pkt.pts, 117);
    EXPECT_EQ(pkt.frame_index, 1);
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), NERV_ERROR_EOF);
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), NERV_ERROR_EOF);

    NervEncodeStats st;
    ASSERT_EQ(nerv_encoder_get_stats(enc, &st), 0);
    EXPECT_EQ(st.frames, 2);
    EXPECT_GT(st.parameters, 0);
    EXPECT_GT(st.segment_bytes, 0);
    nerv_encoder_close(&enc);
    EXPECT_EQ(enc, nullptr);
}

TEST(EncoderLifecycleTest, FullSegmentAsksForDrainWithEagain)
{
    NervEncoderSettings s = tiny_settings(32, 32);
    s.segment_frames = 2;
    NervEncoder *enc = nullptr;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0) << nerv_last_error();
    auto a = gray_rgb(32, 32, 90);
    NervPicture p = rgb_picture(a, 32, 32, 0);
    ASSERT_EQ(nerv_encoder_send_frame(enc, &p), 0);
    ASSERT_EQ(nerv_encoder_send_frame(enc, &p), 0);
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EAGAIN);
    NervPacket pkt;
    int packets = 0;
    while (nerv_encoder_receive_packet(enc, &pkt) == 0)
        ++packets;
    EXPECT_EQ(packets, 4);  // header, segment, 2 frames
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), 0) << "room again after the drain";
    nerv_encoder_close(&enc);
}

TEST(EncoderLifecycleTest, WrongPicturesAreRejectedWithReasons)
{
    NervEncoderSettings s = tiny_settings(32, 32);
    NervEncoder *enc = nullptr;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0);
    auto a = gray_rgb(32, 32, 90);
    NervPicture p = rgb_picture(a, 32, 32, 0);
    p.width = 31;
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EINVAL);
    EXPECT_NE(std::string(nerv_last_error()).find("31x32"), std::string::npos) << nerv_last_error();
    p = rgb_picture(a, 32, 32, 0);
    p.format = NERV_PIX_FMT_YUV420P;
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EINVAL);
    p = rgb_picture(a, 32, 32, 0);
    p.data[0] = nullptr;
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EINVAL);
    p = rgb_picture(a, 32, 32, 0);
    p.stride[0] = 10;
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EINVAL);
    nerv_encoder_close(&enc);
}

TEST(EncoderLifecycleTest, AbortStopsTrainingWithinAnIteration)
{
    std::atomic<int> polls{0};
    NervEncoderSettings s = tiny_settings(32, 32);
    s.epochs = 100000;  // would run for hours
    s.abort_cb = [](void *u) { return ++*static_cast<std::atomic<int> *>(u) > 3 ? 1 : 0; };
    s.abort_user = &polls;
    NervEncoder *enc = nullptr;
    ASSERT_EQ(nerv_encoder_open(&enc, &s), 0);
    auto a = gray_rgb(32, 32, 90);
    NervPicture p = rgb_picture(a, 32, 32, 0);
    ASSERT_EQ(nerv_encoder_send_frame(enc, &p), 0);
    ASSERT_EQ(nerv_encoder_send_frame(enc, nullptr), 0);
    NervPacket pkt;
    ASSERT_EQ(nerv_encoder_receive_packet(enc, &pkt), 0);  // header
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), NERV_ERROR_ABORTED);
    EXPECT_EQ(polls.load(), 4) << "stopped at the first poll that asked";
    EXPECT_EQ(nerv_encoder_receive_packet(enc, &pkt), -EINVAL) << "unusable after an abort";
    EXPECT_EQ(nerv_encoder_send_frame(enc, &p), -EINVAL);
    nerv_encoder_close(&enc);
}

TEST(EncoderLifecycleTest, ProgressReportsEveryEpochWithEta)
{
    struct Seen {
        int calls = 0, last_epoch = 0, epochs = 0;
        bool eta_ok = true;
    } seen;
    NervEncoderSettings s = tiny_settings(32, 32);
    s.epochs = 3;
    s.progress_cb = [](void *u, const NervProgress *p) {
        Seen *x = static_cast<Seen *>(u);
        if (p->phase != NERV_PHASE_TRAIN)
            return;
        x->calls++;
        x->last_epoch = p->epoch;
        x->epochs = p->epochs;
        x->eta_ok = x->eta_ok && p->eta_s >= 0 && p->elapsed_s >= 0 && p->psnr > 0;
    };
    s.progress_user = &seen;
    auto enc = nerv_test::encode_clip(nerv_test::load_fixture_clip(2), s);
    ASSERT_EQ(enc.result, 0) << enc.error;
    EXPECT_EQ(seen.calls, 3);
    EXPECT_EQ(seen.last_epoch, 3);
    EXPECT_EQ(seen.epochs, 3);
    EXPECT_TRUE(seen.eta_ok);
}

TEST(EncoderLifecycleTest, LogCallbackGetsLinesAtOrBelowItsLevel)
{
    struct Log {
        int lines = 0;
        bool above_level = false;
    } log;
    NervEncoderSettings s = tiny_settings(32, 32);
    s.log_level = NERV_LOG_INFO;
    s.log_cb = [](void *u, NervLogLevel level, const char *msg) {
        Log *l = static_cast<Log *>(u);
        l->lines++;
        l->above_level = l->above_level || level > NERV_LOG_INFO || std::strchr(msg, '\n') != nullptr;
    };
    s.log_user = &log;
    auto enc = nerv_test::encode_clip(nerv_test::load_fixture_clip(2), s);
    ASSERT_EQ(enc.result, 0) << enc.error;
    EXPECT_GE(log.lines, 2);
    EXPECT_FALSE(log.above_level);
}

TEST(EncoderLifecycleTest, CudaRequestWithoutGpuIsAClearError)
{
    NervEncoderSettings s = tiny_settings(32, 32);
    s.device = NERV_DEVICE_CUDA;
    NervEncoder *enc = nullptr;
    const int ret = nerv_encoder_open(&enc, &s);
    if (ret == 0) {
        nerv_encoder_close(&enc);
        GTEST_SKIP() << "a CUDA device is present";
    }
    EXPECT_EQ(ret, -ENODEV);
    EXPECT_NE(std::string(nerv_last_error()).find("cuda"), std::string::npos) << nerv_last_error();
}

}  // namespace

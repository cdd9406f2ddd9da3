// Rendering at fractional frame positions (nerv_decoder_decode_position) and the
// reference-counted renderer handed to other threads (nerv_decoder_get_renderer).
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

using Bytes = std::vector<uint8_t>;

NervDecoder *open_rgb_decoder(const std::vector<uint8_t> *stream)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = NERV_PIX_FMT_RGB24;
    ds.device = NERV_DEVICE_CPU;
    NervDecoder *d = nullptr;
    EXPECT_EQ(nerv_decoder_open(&d, &ds), 0) << nerv_last_error();
    if (d && stream) {
        EXPECT_EQ(nerv_decoder_send_packet(d, stream->data(), stream->size()), 0) << nerv_last_error();
    }
    return d;
}

Bytes decode_frame(NervDecoder *d, int64_t i)
{
    NervPicture p;
    EXPECT_EQ(nerv_decoder_decode_frame(d, i, &p), 0) << nerv_last_error();
    return nerv_test::packed_rgb(p);
}

Bytes decode_position(NervDecoder *d, double position, NervPicture *pic = nullptr)
{
    NervPicture p;
    EXPECT_EQ(nerv_decoder_decode_position(d, position, &p), 0) << position << ": " << nerv_last_error();
    if (pic)
        *pic = p;
    return nerv_test::packed_rgb(p);
}

Bytes render(NervRenderer *r, double position, int width, int height, int expected = 0)
{
    Bytes b;
    EXPECT_EQ(nerv_test::render_rgb(r, position, width, height, &b), expected) << position << ": " << nerv_last_error();
    return b;
}

double mse(const Bytes &a, const Bytes &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    return sum / a.size();
}

/** Four frames of the fixture, two segments of two frames, trained briefly. */
const nerv_test::Encoded &two_segment_stream(const char *arch)
{
    static std::map<std::string, nerv_test::Encoded> streams;
    auto it = streams.find(arch);
    if (it != streams.end())
        return it->second;
    NervEncoderSettings s = nerv_test::small_arch_settings(arch, 10);
    s.segment_frames = 2;
    return streams[arch] = nerv_test::encode_clip(nerv_test::load_fixture_clip(4), s);
}

constexpr int kWidth = 176, kHeight = 144;

TEST(PositionRenderTest, IntegerPositionsAreTheDecodedFrames)
{
    const auto &e = two_segment_stream("hnerv");
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_rgb_decoder(&e.stream);
    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0) << nerv_last_error();
    for (int64_t i : {3, 0, 2, 1}) {
        const Bytes frame = decode_frame(d, i);
        NervPicture p;
        EXPECT_EQ(decode_position(d, static_cast<double>(i), &p), frame) << "frame " << i;
        EXPECT_EQ(p.frame_index, i);
        EXPECT_EQ(p.pts, i);
        EXPECT_EQ(render(r, static_cast<double>(i), kWidth, kHeight), frame) << "renderer, frame " << i;
    }
    nerv_renderer_unref(&r);
    EXPECT_EQ(r, nullptr);
    nerv_decoder_close(&d);
}

TEST(PositionRenderTest, BetweenSegmentsTheNeighboursAreBlended)
{
    const auto &e = two_segment_stream("hnerv");
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_rgb_decoder(&e.stream);
    const Bytes a = decode_frame(d, 1), b = decode_frame(d, 2);  // last of segment 0, first of segment 1
    for (double w : {0.25, 0.5}) {
        NervPicture p;
        const Bytes mid = decode_position(d, 1 + w, &p);
        EXPECT_EQ(p.frame_index, 1);
        EXPECT_EQ(p.pts, std::llround(1 + w));
        int worst = 0;
        for (size_t i = 0; i < mid.size(); ++i) {
            const double expected = (1 - w) * a[i] + w * b[i];
            worst = std::max(worst, static_cast<int>(std::ceil(std::fabs(mid[i] - expected))));
        }
        // Blended before rounding to 8 bits: within one step of the blend of the rounded frames.
        EXPECT_LE(worst, 1) << "position " << 1 + w;
    }
    nerv_decoder_close(&d);
}

TEST(PositionRenderTest, BadPositionsAreClearErrors)
{
    const auto &e = two_segment_stream("hnerv");
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_rgb_decoder(&e.stream);
    NervPicture p;
    EXPECT_EQ(nerv_decoder_decode_position(d, std::nan(""), &p), -EINVAL);
    EXPECT_NE(std::string(nerv_last_error()).find("frame position nan is invalid"), std::string::npos)
        << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_position(d, INFINITY, &p), -EINVAL);
    EXPECT_EQ(nerv_decoder_decode_position(d, -0.5, &p), -ERANGE);
    EXPECT_NE(std::string(nerv_last_error()).find("outside the stream"), std::string::npos) << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_position(d, 4.0, &p), -ERANGE);
    EXPECT_NE(std::string(nerv_last_error()).find("frame 4 has not been received"), std::string::npos)
        << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_position(d, 3.5, &p), -ERANGE);
    EXPECT_NE(std::string(nerv_last_error()).find("needs frames 3 and 4, and frame 4 has not been received"),
              std::string::npos)
        << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_position(d, 1e300, &p), -ERANGE);
    EXPECT_EQ(nerv_decoder_decode_position(d, 3.0, &p), 0) << nerv_last_error();
    EXPECT_EQ(nerv_decoder_decode_position(nullptr, 1.0, &p), -EINVAL);
    EXPECT_EQ(nerv_decoder_decode_position(d, 1.0, nullptr), -EINVAL);

    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0);
    render(r, 4.5, kWidth, kHeight, -ERANGE);
    render(r, 1.5, kWidth + 2, kHeight, -EINVAL);
    EXPECT_NE(std::string(nerv_last_error()).find("render target is 178x144, the renderer's pictures are 176x144"),
              std::string::npos)
        << nerv_last_error();
    NervRenderTarget t{};
    t.width = kWidth;
    t.height = kHeight;
    t.format = NERV_PIX_FMT_YUV420P;  // planes missing
    EXPECT_EQ(nerv_renderer_render(r, 1.0, &t, nullptr), -EINVAL);
    EXPECT_EQ(nerv_renderer_render(r, 1.0, nullptr, nullptr), -EINVAL);
    EXPECT_EQ(nerv_decoder_get_renderer(d, nullptr), -EINVAL);
    nerv_renderer_unref(&r);
    nerv_renderer_unref(&r);  // NULL: nothing
    nerv_renderer_unref(nullptr);
    nerv_decoder_close(&d);
}

TEST(PositionRenderTest, RendererOutlivesTheDecoderAndSeesLaterFrames)
{
    const auto &e = two_segment_stream("hnerv");
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *reference = open_rgb_decoder(&e.stream);
    const Bytes frame2 = decode_frame(reference, 2);
    const Bytes mid = decode_position(reference, 0.5);
    nerv_decoder_close(&reference);

    // Created before any byte arrives: it renders what the decoder receives later.
    NervDecoder *d = open_rgb_decoder(nullptr);
    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0);
    render(r, 0.5, kWidth, kHeight, -ERANGE);
    ASSERT_EQ(nerv_decoder_send_packet(d, e.stream.data(), e.stream.size()), 0);
    NervRenderer *second = nerv_renderer_ref(r);
    EXPECT_EQ(second, r);
    nerv_renderer_unref(&r);
    nerv_decoder_close(&d);
    EXPECT_EQ(render(second, 2.0, kWidth, kHeight), frame2);
    EXPECT_EQ(render(second, 0.5, kWidth, kHeight), mid);
    nerv_renderer_unref(&second);
}

TEST(PositionRenderTest, RendererWorksFromAnotherThreadWhileTheDecoderDecodes)
{
    const auto &e = two_segment_stream("hnerv");
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *reference = open_rgb_decoder(&e.stream);
    std::vector<Bytes> expected;
    for (double pos : {0.0, 0.5, 1.5, 2.5, 3.0})
        expected.push_back(decode_position(reference, pos));
    nerv_decoder_close(&reference);

    NervDecoder *d = open_rgb_decoder(&e.stream);
    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0);
    std::vector<Bytes> rendered;
    std::thread other([&] {
        for (double pos : {0.0, 0.5, 1.5, 2.5, 3.0})
            rendered.push_back(render(r, pos, kWidth, kHeight));
    });
    NervPicture p;
    int decoded = 0;
    while (nerv_decoder_receive_frame(d, &p) == 0)
        ++decoded;
    other.join();
    EXPECT_EQ(decoded, 4);
    EXPECT_EQ(rendered, expected);
    nerv_renderer_unref(&r);
    nerv_decoder_close(&d);
}

/** Every architecture renders in-between times of a segment. */
class PositionArchTest : public testing::TestWithParam<const char *> {};

TEST_P(PositionArchTest, FractionalPositionIsRenderedBetweenItsNeighbours)
{
    const std::string arch = GetParam();
    const auto &e = two_segment_stream(arch.c_str());
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_rgb_decoder(&e.stream);
    const Bytes a = decode_frame(d, 2), b = decode_frame(d, 3);
    NervPicture p;
    const Bytes mid = decode_position(d, 2.5, &p);
    EXPECT_EQ(p.frame_index, 2);
    EXPECT_EQ(p.pts, 3);  // 2.5 rounded
    EXPECT_EQ(decode_position(d, 2.0), a);
    EXPECT_NE(mid, a);
    EXPECT_NE(mid, b);
    EXPECT_EQ(decode_position(d, 2.5), mid);  // deterministic
    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0);
    EXPECT_EQ(render(r, 2.5, kWidth, kHeight), mid);
    nerv_renderer_unref(&r);
    // Models with per-frame tensors interpolate them: the frame lies between its neighbours
    // (closer to each than they are to each other). Time-indexed models (nerv, enerv,
    // pnerv-poly) render the network at an untrained time, which after 10 epochs need not lie
    // between (NeRV's positional encoding has frequencies up to 1.25^79): only rendered.
    if (arch != "nerv" && arch != "enerv" && arch != "pnerv-poly") {
        const double ab = mse(a, b);
        EXPECT_LT(mse(mid, a), ab) << arch << ": mse(mid,a) " << mse(mid, a) << " mse(a,b) " << ab;
        EXPECT_LT(mse(mid, b), ab) << arch << ": mse(mid,b) " << mse(mid, b) << " mse(a,b) " << ab;
    }
    nerv_decoder_close(&d);
}

INSTANTIATE_TEST_SUITE_P(Archs, PositionArchTest,
                         testing::Values("nerv", "hnerv", "enerv", "dnerv", "snerv", "snerv-t", "pnerv-pyr",
                                         "pnerv-poly"),
                         [](const testing::TestParamInfo<const char *> &i) {
                             std::string name = i.param;
                             for (char &ch : name)
                                 ch = ch == '-' ? '_' : ch;
                             return name;
                         });

}  // namespace

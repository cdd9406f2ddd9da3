// Decoding at another picture size (API 1.3: NervDecoderSettings.render_width/height):
// super-resolution by the spatially continuous pnerv-poly, through every decode path; the
// clear refusal of the architectures that render only their coded size; the settings' ranges.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr int kWidth = 176, kHeight = 144;  // the fixture clip

/** Four frames of the fixture, one segment, a small pnerv-poly: 4x4 tiles of 48x40 (grid 12x10
 *  cells of 4 pixels), so its 192x160 canvas is larger than the picture and decoding crops it. */
const nerv_test::Encoded &poly_stream()
{
    static const nerv_test::Encoded encoded = [] {
        NervEncoderSettings s = nerv_test::quick_settings("pnerv-poly", "", 30);
        std::strcpy(s.params, "fine=2,2:strides=2,2,1:grid=10,12:channels=32,24,32,16,16,16:narrow=8:u_hidden=8:"
                              "rank=32:ppe_dim=16:nonlocal_dim=8:pe_t=1.25_8:pe_fine=1.25_4");
        s.lr = 3e-3;
        return nerv_test::encode_clip(nerv_test::load_fixture_clip(4), s);
    }();
    return encoded;
}

const nerv_test::Encoded &hnerv_stream()
{
    static const nerv_test::Encoded encoded =
        nerv_test::encode_clip(nerv_test::load_fixture_clip(2), nerv_test::quick_settings("hnerv", "20k", 1));
    return encoded;
}

NervDecoderSettings rgb_settings(int render_width, int render_height)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = NERV_PIX_FMT_RGB24;
    ds.device = NERV_DEVICE_CPU;
    ds.render_width = render_width;
    ds.render_height = render_height;
    return ds;
}

NervDecoder *open_on(const Bytes &stream, const NervDecoderSettings &ds)
{
    NervDecoder *d = nullptr;
    EXPECT_EQ(nerv_decoder_open(&d, &ds), 0) << nerv_last_error();
    if (d) {
        EXPECT_EQ(nerv_decoder_send_packet(d, stream.data(), stream.size()), 0) << nerv_last_error();
    }
    return d;
}

/** Frame i as decode_frame gives it, checked to be width x height RGB. */
Bytes decode_frame(NervDecoder *d, int64_t i, int width, int height)
{
    NervPicture p;
    EXPECT_EQ(nerv_decoder_decode_frame(d, i, &p), 0) << nerv_last_error();
    EXPECT_EQ(p.width, width);
    EXPECT_EQ(p.height, height);
    EXPECT_EQ(p.format, NERV_PIX_FMT_RGB24);
    return nerv_test::packed_rgb(p);
}

/** Mean of each factor x factor block of a width x height RGB picture, rounded. */
Bytes box_shrink(const Bytes &rgb, int width, int height, int factor)
{
    const int w = width / factor, h = height / factor;
    Bytes out(3 * static_cast<size_t>(w) * h);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int dy = 0; dy < factor; ++dy) {
                    for (int dx = 0; dx < factor; ++dx)
                        sum += rgb[3 * (static_cast<size_t>(y * factor + dy) * width + x * factor + dx) + c];
                }
                out[3 * (static_cast<size_t>(y) * w + x) + c] =
                    static_cast<uint8_t>((sum + factor * factor / 2) / (factor * factor));
            }
        }
    }
    return out;
}

double psnr(const Bytes &a, const Bytes &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    const double mse = sum / a.size();
    return mse == 0 ? 100.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

TEST(RenderSizeTest, PnervPolyDecodesAtTwiceAndFourTimesTheSize)
{
    const auto &e = poly_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    for (int factor : {2, 4}) {
        const int w = kWidth * factor, h = kHeight * factor;
        NervDecoder *d = open_on(e.stream, rgb_settings(w, h));
        std::vector<Bytes> received;
        NervPicture p;
        while (nerv_decoder_receive_frame(d, &p) == 0) {
            EXPECT_EQ(p.width, w);
            EXPECT_EQ(p.height, h);
            received.push_back(nerv_test::packed_rgb(p));
        }
        ASSERT_EQ(received.size(), 4u) << nerv_last_error();
        // Random access gives the same pictures, and so does a second decoder (deterministic).
        EXPECT_EQ(decode_frame(d, 2, w, h), received[2]) << factor << "x";
        NervDecoder *again = open_on(e.stream, rgb_settings(w, h));
        EXPECT_EQ(decode_frame(again, 0, w, h), received[0]) << factor << "x";
        EXPECT_NE(received[0], received[3]);
        nerv_decoder_close(&again);
        nerv_decoder_close(&d);
    }
}

/** The picture mirrored left to right. */
Bytes mirrored(const Bytes &rgb, int width, int height)
{
    Bytes out(rgb.size());
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            std::memcpy(&out[3 * (static_cast<size_t>(y) * width + x)],
                        &rgb[3 * (static_cast<size_t>(y) * width + width - 1 - x)], 3);
    }
    return out;
}

TEST(RenderSizeTest, TwiceTheSizeKeepsThePictureInPlace)
{
    // The 2x render is a magnification of the same picture: shrunk back (2x2 means) it gives the
    // native render back (46.6..50.5 dB, measured, frames 0..3), and is nothing like that render
    // mirrored (9.7..10.4 dB), which a misplaced canvas (another crop, another scale) would be
    // closer to. (The finer tiling drawn before was a mosaic: 17.3..19.3 dB, docs/models.md.)
    const auto &e = poly_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *native = open_on(e.stream, rgb_settings(0, 0));
    NervDecoder *twice = open_on(e.stream, rgb_settings(2 * kWidth, 2 * kHeight));
    for (int64_t i = 0; i < 4; ++i) {
        const Bytes small = decode_frame(native, i, kWidth, kHeight);
        const Bytes shrunk = box_shrink(decode_frame(twice, i, 2 * kWidth, 2 * kHeight), 2 * kWidth, 2 * kHeight, 2);
        const double same = psnr(shrunk, small), mirror = psnr(shrunk, mirrored(small, kWidth, kHeight));
        EXPECT_GT(same, 35.0) << "frame " << i;
        EXPECT_GT(same, mirror + 20.0) << "frame " << i;
        std::printf("[render size] frame %lld: 2x shrunk back vs native %.2f dB, vs native mirrored %.2f dB\n",
                    static_cast<long long>(i), same, mirror);
    }
    nerv_decoder_close(&twice);
    nerv_decoder_close(&native);
}

TEST(RenderSizeTest, FractionalPositionsAndRenderersUseTheRenderSize)
{
    const auto &e = poly_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    const int w = 2 * kWidth, h = 2 * kHeight;
    NervDecoder *d = open_on(e.stream, rgb_settings(w, h));
    NervPicture p;
    ASSERT_EQ(nerv_decoder_decode_position(d, 1.5, &p), 0) << nerv_last_error();
    EXPECT_EQ(p.width, w);
    EXPECT_EQ(p.height, h);
    EXPECT_EQ(p.frame_index, 1);
    const Bytes mid = nerv_test::packed_rgb(p);
    EXPECT_NE(mid, decode_frame(d, 1, w, h));
    EXPECT_NE(mid, decode_frame(d, 2, w, h));

    // A renderer of the decoder draws the decoder's size: the same pictures.
    NervRenderer *r = nullptr;
    ASSERT_EQ(nerv_decoder_get_renderer(d, &r), 0) << nerv_last_error();
    Bytes rendered;
    ASSERT_EQ(nerv_test::render_rgb(r, 1.5, w, h, &rendered), 0) << nerv_last_error();
    EXPECT_EQ(rendered, mid);
    ASSERT_EQ(nerv_test::render_rgb(r, 3.0, w, h, &rendered), 0) << nerv_last_error();
    EXPECT_EQ(rendered, decode_frame(d, 3, w, h));
    EXPECT_EQ(nerv_test::render_rgb(r, 3.0, kWidth, kHeight, &rendered), -EINVAL);
    EXPECT_NE(std::string(nerv_last_error()).find("render target is 176x144, the renderer's pictures are 352x288"),
              std::string::npos)
        << nerv_last_error();
    nerv_renderer_unref(&r);

    // Another format at the render size: 4:2:0 planes of that size.
    NervDecoderSettings yuv = rgb_settings(w, h);
    yuv.output_format = NERV_PIX_FMT_YUV420P;
    NervDecoder *y = open_on(e.stream, yuv);
    ASSERT_EQ(nerv_decoder_decode_frame(y, 0, &p), 0) << nerv_last_error();
    EXPECT_EQ(p.width, w);
    EXPECT_EQ(p.height, h);
    EXPECT_EQ(p.format, NERV_PIX_FMT_YUV420P);
    nerv_decoder_close(&y);
    nerv_decoder_close(&d);
}

TEST(RenderSizeTest, OtherArchitecturesRefuseAnotherSize)
{
    const auto &e = hnerv_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoder *d = open_on(e.stream, rgb_settings(4 * kWidth, 4 * kHeight));
    NervPicture p;
    EXPECT_EQ(nerv_decoder_receive_frame(d, &p), -ENOTSUP);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("render size 704x576: hnerv renders only its coded size 176x144"), std::string::npos) << msg;
    EXPECT_NE(msg.find("only pnerv-poly renders other sizes"), std::string::npos) << msg;
    EXPECT_EQ(nerv_decoder_decode_frame(d, 1, &p), -ENOTSUP);
    EXPECT_EQ(nerv_decoder_decode_position(d, 0.5, &p), -ENOTSUP);
    nerv_decoder_close(&d);

    // The stream's own size is no other size: it decodes as without a render size.
    NervDecoder *plain = open_on(e.stream, rgb_settings(0, 0));
    NervDecoder *same = open_on(e.stream, rgb_settings(kWidth, kHeight));
    EXPECT_EQ(decode_frame(same, 1, kWidth, kHeight), decode_frame(plain, 1, kWidth, kHeight));
    nerv_decoder_close(&same);
    nerv_decoder_close(&plain);
}

TEST(RenderSizeTest, InvalidSizesAreRejectedAtOpen)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    EXPECT_EQ(ds.render_width, 0);
    EXPECT_EQ(ds.render_height, 0);
    const struct {
        int width, height;
        const char *message;
    } cases[] = {
        {-1, 100, "'render_width' = -1 is invalid: expected 0 (the stream's size) or 1..16384"},
        {100, -1, "'render_height' = -1 is invalid"},
        {16385, 100, "'render_width' = 16385 is invalid"},
        {100, 16385, "'render_height' = 16385 is invalid"},
        {0, 100, "'render_width' = 0 and 'render_height' = 100 are invalid: set both (1..16384) or neither (0)"},
        {100, 0, "'render_width' = 100 and 'render_height' = 0 are invalid"},
    };
    for (const auto &c : cases) {
        NervDecoderSettings s = rgb_settings(c.width, c.height);
        NervDecoder *d = reinterpret_cast<NervDecoder *>(0x1);
        EXPECT_EQ(nerv_decoder_open(&d, &s), -EINVAL) << c.width << "x" << c.height;
        EXPECT_EQ(d, nullptr);
        EXPECT_NE(std::string(nerv_last_error()).find(c.message), std::string::npos) << nerv_last_error();
    }
    for (int side : {1, 16384}) {
        NervDecoderSettings s = rgb_settings(side, side);
        NervDecoder *d = nullptr;
        EXPECT_EQ(nerv_decoder_open(&d, &s), 0) << side << ": " << nerv_last_error();
        nerv_decoder_close(&d);
    }
}

TEST(RenderSizeTest, MemoryLimitCountsTheRenderedPixels)
{
    // 8 MiB holds the small model and its 192x160 canvas (64 bytes a pixel: 1.9 MiB), not the
    // 16 times larger canvas of a 4x render (30 MiB).
    const auto &e = poly_stream();
    ASSERT_EQ(e.result, 0) << e.error;
    NervDecoderSettings native = rgb_settings(0, 0);
    native.memory_limit = 8;
    NervDecoder *d = open_on(e.stream, native);
    NervPicture p;
    EXPECT_EQ(nerv_decoder_decode_frame(d, 0, &p), 0) << nerv_last_error();
    nerv_decoder_close(&d);

    NervDecoderSettings large = rgb_settings(4 * kWidth, 4 * kHeight);
    large.memory_limit = 8;
    d = open_on(e.stream, large);
    EXPECT_EQ(nerv_decoder_decode_frame(d, 0, &p), -ENOMEM);
    EXPECT_NE(std::string(nerv_last_error()).find("rendering its 768x640 canvas needs at least"), std::string::npos)
        << nerv_last_error();
    nerv_decoder_close(&d);
}

}  // namespace

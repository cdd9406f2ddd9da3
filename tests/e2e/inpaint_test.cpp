// Inpainting (mask=...): the encoder never sees the holes, and the decoder fills them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

// The centre hole of the 176x144 fixture: a quarter of each side, centred (docs/settings.md).
constexpr int kHoleX = 66, kHoleY = 54, kHoleW = 44, kHoleH = 36;

bool in_hole(int x, int y) { return x >= kHoleX && x < kHoleX + kHoleW && y >= kHoleY && y < kHoleY + kHoleH; }

NervEncoderSettings masked(const char *arch, const char *size, int epochs, const char *mask)
{
    NervEncoderSettings s = nerv_test::quick_settings(arch, size, epochs);
    EXPECT_EQ(nerv_encoder_settings_set(&s, "mask", mask), 0) << nerv_last_error();
    return s;
}

/** The luma planes of a stream decoded as 4:2:0. */
std::vector<std::vector<uint8_t>> decode_luma(const std::vector<uint8_t> &stream)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = NERV_PIX_FMT_YUV420P;
    ds.device = NERV_DEVICE_CPU;
    NervDecoder *dec = nullptr;
    if (nerv_decoder_open(&dec, &ds) < 0)
        throw std::runtime_error(nerv_last_error());
    std::vector<std::vector<uint8_t>> out;
    if (nerv_decoder_send_packet(dec, stream.data(), stream.size()) == 0) {
        NervPicture p;
        while (nerv_decoder_receive_frame(dec, &p) == 0) {
            std::vector<uint8_t> y(static_cast<size_t>(p.width) * p.height);
            for (int r = 0; r < p.height; ++r)
                std::memcpy(y.data() + static_cast<size_t>(r) * p.width, p.data[0] + r * p.stride[0], p.width);
            out.push_back(std::move(y));
        }
    }
    nerv_decoder_close(&dec);
    return out;
}

/** Luma PSNR over the hole (inside = true) or the rest of the frame, over all frames. */
double luma_psnr(const nerv_test::Clip &clip, const std::vector<std::vector<uint8_t>> &luma, bool inside)
{
    double sum = 0;
    int64_t count = 0;
    for (size_t i = 0; i < luma.size(); ++i) {
        for (int y = 0; y < clip.height; ++y) {
            for (int x = 0; x < clip.width; ++x) {
                if (in_hole(x, y) != inside)
                    continue;
                const double d = double(luma[i][y * clip.width + x]) - clip.frames[i][y * clip.width + x];
                sum += d * d;
                ++count;
            }
        }
    }
    return 10 * std::log10(255.0 * 255.0 / std::max(sum / count, 1e-10));
}

/** The clip with the centre hole painted over (luma and the chroma samples it owns). */
nerv_test::Clip scribble_in_hole(nerv_test::Clip clip)
{
    const int w = clip.width, h = clip.height, cw = w / 2;
    for (auto &f : clip.frames) {
        for (int y = kHoleY; y < kHoleY + kHoleH; ++y)
            for (int x = kHoleX; x < kHoleX + kHoleW; ++x)
                f[y * w + x] = static_cast<uint8_t>((x * 7 + y * 13) & 255);
        for (int plane = 0; plane < 2; ++plane) {
            uint8_t *c = f.data() + w * h + plane * (w / 2) * (h / 2);
            for (int y = kHoleY / 2; y < (kHoleY + kHoleH) / 2; ++y)
                for (int x = kHoleX / 2; x < (kHoleX + kHoleW) / 2; ++x)
                    c[y * cw + x] = static_cast<uint8_t>(40 + plane * 150);
        }
    }
    return clip;
}

TEST(InpaintTest, WhatIsInTheHolesDoesNotChangeTheStream)
{
    // hnerv reads the frame in its content encoder, dnerv also its neighbours' differences.
    for (const char *arch : {"hnerv", "dnerv"}) {
        const nerv_test::Clip clip = nerv_test::load_fixture_clip(2);
        const nerv_test::Clip scribbled = scribble_in_hole(clip);
        const char *size = std::strcmp(arch, "dnerv") == 0 ? "100k" : "20k";
        const nerv_test::Encoded a = nerv_test::encode_clip(clip, masked(arch, size, 1, "center"));
        ASSERT_EQ(a.result, 0) << arch << ": " << a.error;
        const nerv_test::Encoded b = nerv_test::encode_clip(scribbled, masked(arch, size, 1, "center"));
        ASSERT_EQ(b.result, 0) << arch << ": " << b.error;
        EXPECT_EQ(a.stream, b.stream) << arch;
        // Without the mask the painted pixels are trained on.
        const nerv_test::Encoded c = nerv_test::encode_clip(scribbled, nerv_test::quick_settings(arch, size, 1));
        ASSERT_EQ(c.result, 0) << arch << ": " << c.error;
        EXPECT_NE(c.stream, b.stream) << arch;
    }
}

TEST(InpaintTest, TheDecoderFillsTheCenterHole)
{
    const nerv_test::Clip clip = nerv_test::load_fixture_clip(4);
    // 60k: what "20k" built before budgets were enforced (about 50k); a true 20k model fits
    // the visible pixels too loosely at 40 epochs for the hole to show (17.2 vs 17.0 dB).
    const nerv_test::Encoded e = nerv_test::encode_clip(clip, masked("hnerv", "60k", 40, "center"));
    ASSERT_EQ(e.result, 0) << e.error;
    const std::vector<std::vector<uint8_t>> luma = decode_luma(e.stream);
    ASSERT_EQ(luma.size(), 4u);
    const double seen = luma_psnr(clip, luma, false), hole = luma_psnr(clip, luma, true);
    // Measured: 17.6 dB seen, 14.6 dB in the hole (the face, never trained on).
    EXPECT_GT(seen, 16.0);
    EXPECT_GT(seen - hole, 1.5) << "visible " << seen << " dB, hole " << hole << " dB";
    EXPECT_GT(hole, 8.0) << "the hole is filled, not left black";
}

TEST(InpaintTest, InvalidMaskSettingsAreRejectedAtOpen)
{
    struct Case {
        const char *name, *value, *message;
    };
    const Case cases[] = {
        {"mask", "ring", "param 'mask' = 'ring' is invalid"},
        {"mask_file", "/nonexistent/mask.pgm", "param 'mask_file' = '/nonexistent/mask.pgm': cannot open"},
        {"mask_size", "12", "param 'mask_size' sizes the squares of mask=disperse or mask=random"},
    };
    for (const Case &c : cases) {
        NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 1);
        s.width = 176;
        s.height = 144;
        ASSERT_EQ(nerv_encoder_settings_set(&s, c.name, c.value), 0);
        NervEncoder *enc = nullptr;
        EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL) << c.name;
        EXPECT_NE(std::string(nerv_last_error()).find(c.message), std::string::npos) << nerv_last_error();
        EXPECT_EQ(enc, nullptr);
    }
}

}  // namespace

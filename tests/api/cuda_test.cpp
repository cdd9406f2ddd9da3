// The CUDA path (skipped where no GPU is visible; scripts/gpu/run.sh runs these on a GPU machine):
// every architecture trains and codes on the GPU, the CPU decodes what the GPU encoded, a GPU
// decode gives the CPU's pictures, and bf16 autocast trains to the quality of float32.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

bool gpu_present()
{
    static const bool present = [] {
        NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 1);
        s.width = 176;
        s.height = 144;
        s.device = NERV_DEVICE_CUDA;
        NervEncoder *enc = nullptr;
        const int ret = nerv_encoder_open(&enc, &s);
        nerv_encoder_close(&enc);
        return ret == 0;
    }();
    return present;
}

#define SKIP_WITHOUT_GPU()                     \
    do {                                       \
        if (!gpu_present())                    \
            GTEST_SKIP() << "no CUDA device"; \
    } while (0)

NervEncoderSettings hnerv_settings(NervDevice device, int bf16, int epochs)
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", epochs);
    s.device = device;
    s.bf16 = bf16;
    return s;
}

struct Quality {
    double reported = 0, cpu_decode = 0;
};

/** Encodes the 16-frame fixture; the PSNR the encoder reports and that of a CPU decode. */
Quality encode_quality(const NervEncoderSettings &s, nerv_test::Encoded *out = nullptr)
{
    const nerv_test::Clip clip = nerv_test::load_fixture_clip();
    nerv_test::Encoded e = nerv_test::encode_clip(clip, s);
    EXPECT_EQ(e.result, 0) << e.error;
    Quality q;
    if (e.result != 0 || e.segment_stats.empty())
        return q;
    q.reported = e.segment_stats[0].psnr_final;
    int w = 0, h = 0;
    const auto rgb = nerv_test::decode_all_rgb(e.stream, &w, &h);  // sets w, h: before the call below
    q.cpu_decode = nerv_test::mean_psnr_rgb(clip, rgb, w, h);
    if (out)
        *out = std::move(e);
    return q;
}

TEST(CudaTest, EveryArchitectureTrainsOnTheGpuAndTheCpuDecodesIt)
{
    SKIP_WITHOUT_GPU();
    const nerv_test::Clip clip = nerv_test::load_fixture_clip(4);
    for (const char *arch : {"nerv", "hnerv", "enerv", "dnerv", "snerv", "snerv-t", "pnerv-pyr", "pnerv-poly"}) {
        NervEncoderSettings s = nerv_test::small_arch_settings(arch, 3);
        s.device = NERV_DEVICE_CUDA;
        const nerv_test::Encoded e = nerv_test::encode_clip(clip, s);
        ASSERT_EQ(e.result, 0) << arch << ": " << e.error;
        int w = 0, h = 0;
        const auto cpu = nerv_test::decode_all_rgb(e.stream, &w, &h, NERV_DEVICE_CPU);
        ASSERT_EQ(cpu.size(), clip.frames.size()) << arch;
        const double psnr = nerv_test::mean_psnr_rgb(clip, cpu, w, h);
        EXPECT_NEAR(psnr, e.segment_stats.at(0).psnr_final, 0.1) << arch << ": the GPU's reported quality";
    }
}

TEST(CudaTest, GpuDecodeGivesTheCpuPictures)
{
    SKIP_WITHOUT_GPU();
    nerv_test::Encoded e;
    encode_quality(hnerv_settings(NERV_DEVICE_CUDA, 0, 20), &e);
    ASSERT_FALSE(e.stream.empty());
    int w = 0, h = 0;
    const auto cpu = nerv_test::decode_all_rgb(e.stream, &w, &h, NERV_DEVICE_CPU);
    const auto gpu = nerv_test::decode_all_rgb(e.stream, &w, &h, NERV_DEVICE_CUDA);
    ASSERT_EQ(cpu.size(), gpu.size());
    // Float sums differ between devices: an 8-bit value may round the other way, no more.
    size_t off_by_one = 0, total = 0;
    for (size_t f = 0; f < cpu.size(); f++) {
        ASSERT_EQ(cpu[f].size(), gpu[f].size());
        for (size_t i = 0; i < cpu[f].size(); i++) {
            const int d = std::abs(int(cpu[f][i]) - int(gpu[f][i]));
            ASSERT_LE(d, 1) << "frame " << f << " byte " << i;
            off_by_one += d;
        }
        total += cpu[f].size();
    }
    EXPECT_LT(double(off_by_one) / double(total), 0.01);
}

/** `other` decodes to what it reported and to at least `base`'s PSNR minus `tolerance` dB. */
void expect_quality_held(const NervEncoderSettings &base, const NervEncoderSettings &other, double tolerance)
{
    const Quality b = encode_quality(base);
    const Quality o = encode_quality(other);
    EXPECT_NEAR(o.cpu_decode, o.reported, 0.05);
    EXPECT_GT(o.cpu_decode, b.cpu_decode - tolerance) << "baseline " << b.cpu_decode << " dB";
}

TEST(CudaTest, GpuTrainingReachesTheCpuQuality)
{
    SKIP_WITHOUT_GPU();
    expect_quality_held(hnerv_settings(NERV_DEVICE_CPU, 0, 60), hnerv_settings(NERV_DEVICE_CUDA, 0, 60), 0.5);
}

TEST(CudaTest, Bf16TrainsToTheQualityOfFloat32)
{
    SKIP_WITHOUT_GPU();
    expect_quality_held(hnerv_settings(NERV_DEVICE_CUDA, 0, 60), hnerv_settings(NERV_DEVICE_CUDA, 1, 60), 0.3);
}

}  // namespace

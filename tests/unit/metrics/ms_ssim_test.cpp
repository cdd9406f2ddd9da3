#include <gtest/gtest.h>

#include <vector>

#include <torch/torch.h>

#include "core/error.h"
#include "metrics/ssim.h"

namespace NERV_TEST_FILE {

std::pair<torch::Tensor, torch::Tensor> image_pair(std::vector<int64_t> shape, uint64_t seed,
                                                   torch::ScalarType dtype = torch::kDouble)
{
    torch::manual_seed(seed);
    const auto options = torch::TensorOptions().dtype(dtype);
    // Low-frequency content so coarse scales still carry structure.
    torch::Tensor base = torch::rand({shape[0], shape[1], shape[2] / 8 + 1, shape[3] / 8 + 1}, options);
    torch::Tensor x = torch::nn::functional::interpolate(
        base, torch::nn::functional::InterpolateFuncOptions()
                  .size(std::vector<int64_t>{shape[2], shape[3]})
                  .mode(torch::kBilinear)
                  .align_corners(false));
    torch::Tensor y = (x + 0.1 * torch::randn(shape, options)).clamp(0, 1);
    return {x, y};
}

/** 2x2 mean after zero-padding one row/column on both sides of odd axes (the last padded
 *  one falls off), written without avg_pool2d. */
torch::Tensor halve(const torch::Tensor &t)
{
    const int64_t ph = t.size(2) % 2, pw = t.size(3) % 2;
    torch::Tensor p = torch::constant_pad_nd(t, {pw, pw, ph, ph}, 0);
    const int64_t h = p.size(2) / 2, w = p.size(3) / 2;
    p = p.slice(2, 0, 2 * h).slice(3, 0, 2 * w);
    return p.reshape({t.size(0), t.size(1), h, 2, w, 2}).mean({3, 5});
}

TEST(MsSsimTest, SupportedSizesFollowWindowTimesSixteen)
{
    EXPECT_FALSE(nerv::ms_ssim_supported(160, 1024));
    EXPECT_FALSE(nerv::ms_ssim_supported(1024, 160));
    EXPECT_TRUE(nerv::ms_ssim_supported(161, 161));
    nerv::SsimOptions seven;
    seven.window_size = 7;
    EXPECT_FALSE(nerv::ms_ssim_supported(96, 200, seven));
    EXPECT_TRUE(nerv::ms_ssim_supported(97, 200, seven));
}

TEST(MsSsimTest, RejectsUnsupportedSize)
{
    const torch::Tensor a = torch::rand({1, 1, 160, 200});
    EXPECT_THROW(nerv::ms_ssim(a, a), nerv::Error);
    EXPECT_THROW(nerv::ms_ssim(a, a, {}, {}), nerv::Error);
    const torch::Tensor b = torch::rand({1, 1, 161, 200});
    EXPECT_THROW(nerv::ms_ssim(b, b, {}, {}), nerv::Error);  // no scale weights
    EXPECT_NO_THROW(nerv::ms_ssim(b, b));
    const torch::Tensor bands = torch::rand({1, 1, 3, 161, 200});
    EXPECT_THROW(nerv::ms_ssim(bands, bands), nerv::Error);  // images only
}

TEST(MsSsimTest, IdenticalImagesGiveOne)
{
    auto [x, y] = image_pair({2, 3, 168, 176}, 11);
    const torch::Tensor m = nerv::ms_ssim(x, x);
    ASSERT_EQ(m.sizes(), torch::IntArrayRef({2}));
    EXPECT_NEAR(m[0].item<double>(), 1.0, 1e-12);
    EXPECT_NEAR(m[1].item<double>(), 1.0, 1e-12);
    EXPECT_LT(nerv::ms_ssim(x, y)[0].item<double>(), 0.99);
}

TEST(MsSsimTest, SingleScaleIsSsim)
{
    auto [x, y] = image_pair({1, 3, 165, 170}, 12);
    EXPECT_NEAR(nerv::ms_ssim(x, y, {}, {1.0}).item<double>(), nerv::ssim(x, y).item<double>(), 1e-14);
}

TEST(MsSsimTest, SecondScalePoolsWithZeroPaddingOnOddSides)
{
    auto [x, y] = image_pair({1, 2, 177, 181}, 13);
    // Weight 0 on the first level leaves exactly the SSIM of the half-size images.
    const double got = nerv::ms_ssim(x, y, {}, {0.0, 1.0}).item<double>();
    EXPECT_NEAR(got, nerv::ssim(halve(x), halve(y)).item<double>(), 1e-14);
}

TEST(MsSsimTest, PerSampleValuesEqualSeparateCalls)
{
    auto [x, y] = image_pair({2, 3, 170, 162}, 14);
    const torch::Tensor both = nerv::ms_ssim(x, y);
    for (int b = 0; b < 2; ++b)
        EXPECT_NEAR(both[b].item<double>(), nerv::ms_ssim(x.slice(0, b, b + 1), y.slice(0, b, b + 1)).item<double>(),
                    1e-14);
}

TEST(MsSsimTest, IsSymmetricAndFloat32AgreesWithFloat64)
{
    auto [x, y] = image_pair({1, 3, 176, 200}, 15);
    const double m64 = nerv::ms_ssim(x, y).item<double>();
    EXPECT_NEAR(nerv::ms_ssim(y, x).item<double>(), m64, 1e-14);
    const double m32 = nerv::ms_ssim(x.to(torch::kFloat), y.to(torch::kFloat)).item<double>();
    EXPECT_NEAR(m32, m64, 1e-5);
}

TEST(MsSsimTest, GradientsAreFinite)
{
    auto [x0, y] = image_pair({1, 3, 176, 176}, 16, torch::kFloat);
    const torch::Tensor x = x0.clone().requires_grad_(true);
    (1 - nerv::ms_ssim(x, y)).sum().backward();
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
    EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

}  // namespace NERV_TEST_FILE

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "core/error.h"
#include "metrics/ssim.h"

namespace NERV_TEST_FILE {

/** A smooth-ish random image and a noisy copy of it, both in [0,1]. */
std::pair<torch::Tensor, torch::Tensor> image_pair(std::vector<int64_t> shape, uint64_t seed,
                                                   torch::ScalarType dtype = torch::kDouble)
{
    torch::manual_seed(seed);
    const auto options = torch::TensorOptions().dtype(dtype);
    torch::Tensor x = torch::rand(shape, options);
    torch::Tensor y = (x + 0.15 * torch::randn(shape, options)).clamp(0, 1);
    return {x, y};
}

/**
 * SSIM straight from its definition: weighted local moments at every "valid" position with
 * the outer product of per-axis windows (a window {1} for an axis that is not filtered).
 * x, y: [B,C,H,W]. Independent of the convolution-based implementation.
 */
std::vector<double> direct_ssim(const torch::Tensor &x, const torch::Tensor &y, const std::vector<double> &wh,
                                const std::vector<double> &ww)
{
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    const int64_t batch = x.size(0), channels = x.size(1);
    const int64_t out_h = x.size(2) - int64_t(wh.size()) + 1, out_w = x.size(3) - int64_t(ww.size()) + 1;
    const auto xa = x.accessor<double, 4>(), ya = y.accessor<double, 4>();
    std::vector<double> result;
    for (int64_t b = 0; b < batch; ++b) {
        double channel_sum = 0;
        for (int64_t c = 0; c < channels; ++c) {
            double map_sum = 0;
            for (int64_t i = 0; i < out_h; ++i)
                for (int64_t j = 0; j < out_w; ++j) {
                    double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                    for (size_t a = 0; a < wh.size(); ++a)
                        for (size_t k = 0; k < ww.size(); ++k) {
                            const double w = wh[a] * ww[k];
                            const double u = xa[b][c][i + a][j + k], v = ya[b][c][i + a][j + k];
                            mx += w * u, my += w * v, mxx += w * u * u, myy += w * v * v, mxy += w * u * v;
                        }
                    const double vx = mxx - mx * mx, vy = myy - my * my, cov = mxy - mx * my;
                    map_sum += ((2 * mx * my + c1) / (mx * mx + my * my + c1)) * ((2 * cov + c2) / (vx + vy + c2));
                }
            channel_sum += map_sum / double(out_h * out_w);
        }
        result.push_back(channel_sum / double(channels));
    }
    return result;
}

std::vector<double> window_values()
{
    const torch::Tensor g = nerv::gaussian_window(11, 1.5, torch::kDouble);
    return std::vector<double>(g.data_ptr<double>(), g.data_ptr<double>() + g.numel());
}

TEST(GaussianWindowTest, IsNormalisedSymmetricGaussian)
{
    const std::vector<double> g = window_values();
    ASSERT_EQ(g.size(), 11u);
    double sum = 0;
    for (double v : g)
        sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-6);  // normalised in float32, like the library
    for (int i = 0; i < 5; ++i)
        EXPECT_DOUBLE_EQ(g[i], g[10 - i]);
    // Ratio of neighbours follows exp(-(d^2 - (d-1)^2) / (2 sigma^2)) around the centre at index 5.
    for (int d = 1; d <= 5; ++d)
        EXPECT_NEAR(g[5 + d] / g[5 + d - 1], std::exp(-(2.0 * d - 1) / (2 * 1.5 * 1.5)), 1e-6);
    EXPECT_EQ(nerv::gaussian_window(7, 1.0, torch::kFloat).scalar_type(), torch::kFloat);
}

TEST(GaussianWindowTest, DefaultWindowHasPytorchMsssimBits)
{
    // The float32 taps pytorch_msssim produced for the golden values. MS-SSIM and SSIM are
    // sensitive to them (a float64-built window moves SSIM by ~3e-6), so a LibTorch build
    // whose exp or sum rounds differently shows up here rather than as a golden mismatch.
    const float expected[11] = {0x1.0d957p-10f, 0x1.f1fe02p-8f, 0x1.26eb18p-5f, 0x1.bff0fep-4f,
                                0x1.b43c3ep-3f, 0x1.10656p-2f,  0x1.b43c3ep-3f, 0x1.bff0fep-4f,
                                0x1.26eb18p-5f, 0x1.f1fe02p-8f, 0x1.0d957p-10f};
    const torch::Tensor g = nerv::gaussian_window(11, 1.5, torch::kFloat);
    for (int i = 0; i < 11; ++i)
        EXPECT_EQ(g[i].item<float>(), expected[i]) << "tap " << i;
}

TEST(GaussianWindowTest, RejectsEvenSizeAndNonPositiveSigma)
{
    EXPECT_THROW(nerv::gaussian_window(10, 1.5, torch::kFloat), nerv::Error);
    EXPECT_THROW(nerv::gaussian_window(0, 1.5, torch::kFloat), nerv::Error);
    EXPECT_THROW(nerv::gaussian_window(11, 0.0, torch::kFloat), nerv::Error);
}

TEST(SsimTest, MatchesDirectDefinitionPerSample)
{
    auto [x, y] = image_pair({2, 3, 19, 23}, 1);
    const std::vector<double> expected = direct_ssim(x, y, window_values(), window_values());
    const torch::Tensor got = nerv::ssim(x, y);
    ASSERT_EQ(got.sizes(), torch::IntArrayRef({2}));
    for (int b = 0; b < 2; ++b)
        EXPECT_NEAR(got[b].item<double>(), expected[b], 1e-12);
}

TEST(SsimTest, AxisShorterThanWindowIsNotFiltered)
{
    auto [x, y] = image_pair({1, 2, 5, 30}, 2);
    const std::vector<double> expected = direct_ssim(x, y, {1.0}, window_values());
    EXPECT_NEAR(nerv::ssim(x, y).item<double>(), expected[0], 1e-12);
}

TEST(SsimTest, IdenticalImagesGiveOne)
{
    auto [x, y] = image_pair({2, 3, 32, 40}, 3);
    const torch::Tensor s = nerv::ssim(x, x);
    EXPECT_NEAR(s[0].item<double>(), 1.0, 1e-12);
    EXPECT_NEAR(s[1].item<double>(), 1.0, 1e-12);
    EXPECT_LT(nerv::ssim(x, y)[0].item<double>(), 0.9);
}

TEST(SsimTest, IsSymmetric)
{
    auto [x, y] = image_pair({1, 3, 32, 40}, 4);
    EXPECT_NEAR(nerv::ssim(x, y).item<double>(), nerv::ssim(y, x).item<double>(), 1e-14);
}

TEST(SsimTest, Float32AgreesWithFloat64)
{
    auto [x, y] = image_pair({1, 3, 48, 64}, 5);
    const double s64 = nerv::ssim(x, y).item<double>();
    const double s32 = nerv::ssim(x.to(torch::kFloat), y.to(torch::kFloat)).item<double>();
    EXPECT_EQ(nerv::ssim(x.to(torch::kFloat), y.to(torch::kFloat)).scalar_type(), torch::kFloat);
    EXPECT_NEAR(s32, s64, 1e-5);
}

TEST(SsimTest, FiveDimensionalShortDepthIsMeanOfSlices)
{
    // SNeRV's [B,C,3,H,W] band tensors: the 3-wide axis is not smoothed, so every slice is
    // an independent 2-D SSIM over maps of equal size.
    auto [x, y] = image_pair({2, 3, 3, 20, 24}, 6);
    const torch::Tensor got = nerv::ssim(x, y);
    ASSERT_EQ(got.sizes(), torch::IntArrayRef({2}));
    torch::Tensor slice_mean = torch::zeros({2}, torch::kDouble);
    for (int d = 0; d < 3; ++d)
        slice_mean += nerv::ssim(x.select(2, d), y.select(2, d)) / 3;
    EXPECT_TRUE(torch::allclose(got, slice_mean, 0, 1e-13));
}

TEST(SsimTest, FiveDimensionalLongDepthIsFiltered)
{
    auto [x, y] = image_pair({1, 1, 12, 14, 14}, 7);
    // Filtering along depth too leaves a 2x4x4 map; a depth-blind SSIM would differ.
    torch::Tensor slice_mean = torch::zeros({1}, torch::kDouble);
    for (int d = 0; d < 12; ++d)
        slice_mean += nerv::ssim(x.select(2, d), y.select(2, d)) / 12;
    const double got = nerv::ssim(x, y).item<double>();
    EXPECT_GT(std::abs(got - slice_mean.item<double>()), 1e-3);
    EXPECT_NEAR(nerv::ssim(x, x).item<double>(), 1.0, 1e-12);
}

TEST(SsimTest, GradientsAreFiniteAndNonZero)
{
    auto [x0, y] = image_pair({2, 3, 24, 24}, 8, torch::kFloat);
    const torch::Tensor x = x0.clone().requires_grad_(true);
    (1 - nerv::ssim(x, y)).sum().backward();
    ASSERT_TRUE(x.grad().defined());
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
    EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST(SsimTest, GradientMatchesFiniteDifferences)
{
    auto [x0, y] = image_pair({1, 2, 14, 17}, 10);
    const torch::Tensor x = x0.clone().requires_grad_(true);
    nerv::ssim(x, y).sum().backward();
    const auto grad = x.grad().accessor<double, 4>();
    const double h = 1e-6;
    // Corners, edges and interior: taps reach border pixels through few window positions.
    for (auto [c, i, j] : std::vector<std::array<int64_t, 3>>{{0, 0, 0}, {1, 13, 16}, {0, 5, 0}, {1, 7, 9}, {0, 3, 12}}) {
        torch::Tensor plus = x0.clone(), minus = x0.clone();
        plus[0][c][i][j] += h;
        minus[0][c][i][j] -= h;
        const double numeric = (nerv::ssim(plus, y).item<double>() - nerv::ssim(minus, y).item<double>()) / (2 * h);
        EXPECT_NEAR(grad[0][c][i][j], numeric, 1e-7 + 1e-5 * std::abs(numeric)) << c << "," << i << "," << j;
    }
}

TEST(SsimTest, EvaluatesUnderInferenceMode)
{
    // Evaluation and decode run without autograd; both filter paths must work there.
    auto [x, y] = image_pair({1, 3, 24, 24}, 9);
    const double expected = nerv::ssim(x, y).item<double>();
    c10::InferenceMode guard;
    EXPECT_NEAR(nerv::ssim(x, y).item<double>(), expected, 1e-15);
    EXPECT_NEAR(nerv::ssim(x.to(torch::kFloat), y.to(torch::kFloat)).item<double>(), expected, 1e-5);
}

TEST(SsimTest, RejectsMismatchedOrMalformedInputs)
{
    const torch::Tensor a = torch::rand({1, 3, 16, 16});
    EXPECT_THROW(nerv::ssim(a, torch::rand({1, 3, 16, 17})), nerv::Error);
    EXPECT_THROW(nerv::ssim(a[0], a[0]), nerv::Error);
    EXPECT_THROW(nerv::ssim(a, a.to(torch::kDouble)), nerv::Error);
    nerv::SsimOptions even;
    even.window_size = 8;
    EXPECT_THROW(nerv::ssim(a, a, even), nerv::Error);
}

}  // namespace NERV_TEST_FILE

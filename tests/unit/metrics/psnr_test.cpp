#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "metrics/psnr.h"

namespace NERV_TEST_FILE {

TEST(PsnrTest, IdenticalSamplesGiveHundred)
{
    const torch::Tensor x = torch::rand({2, 3, 8, 8}, torch::kDouble);
    const torch::Tensor p = nerv::psnr(x, x);
    ASSERT_EQ(p.sizes(), torch::IntArrayRef({2}));
    EXPECT_EQ(p[0].item<double>(), 100.0);
    EXPECT_EQ(p[1].item<double>(), 100.0);
}

TEST(PsnrTest, KnownMsePerSample)
{
    // Sample 0 is off by 0.1 everywhere (MSE 1e-2, 20 dB); sample 1 by 0.01 (MSE 1e-4, 40 dB).
    const torch::Tensor y = torch::full({2, 3, 4, 5}, 0.5, torch::kDouble);
    torch::Tensor x = y.clone();
    x[0] += 0.1;
    x[1] -= 0.01;
    const torch::Tensor p = nerv::psnr(x, y);
    EXPECT_NEAR(p[0].item<double>(), 20.0, 1e-10);
    EXPECT_NEAR(p[1].item<double>(), 40.0, 1e-10);
    EXPECT_TRUE(torch::equal(p, nerv::psnr(y, x)));
}

TEST(PsnrTest, FromMseCapsAtTinyError)
{
    EXPECT_EQ(nerv::psnr_from_mse(0.0), 100.0);
    EXPECT_EQ(nerv::psnr_from_mse(1e-10), 100.0);
    EXPECT_NEAR(nerv::psnr_from_mse(1e-3), 30.0, 1e-12);
    EXPECT_NEAR(nerv::psnr_from_mse(2e-10), -10 * std::log10(2e-10), 1e-12);
}

TEST(PsnrTest, GradientOfIdenticalSamplesIsFinite)
{
    const torch::Tensor x = torch::rand({1, 3, 4, 4}).requires_grad_(true);
    nerv::psnr(x, x.detach()).sum().backward();
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
}

TEST(PsnrTest, RejectsMismatchedShapesAndIntegerInputs)
{
    EXPECT_THROW(nerv::psnr(torch::rand({1, 3, 4, 4}), torch::rand({1, 3, 4, 5})), nerv::Error);
    const torch::Tensor bytes = torch::zeros({1, 3, 4, 4}, torch::kUInt8);
    EXPECT_THROW(nerv::psnr(bytes, bytes), nerv::Error);
}

}  // namespace NERV_TEST_FILE

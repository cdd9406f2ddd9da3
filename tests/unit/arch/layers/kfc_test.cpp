#include "arch/layers/kfc.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

int64_t module_parameters(torch::nn::Module &m)
{
    int64_t n = 0;
    for (const auto &p : m.parameters())
        n += p.numel();
    return n;
}

TEST(KroneckerFcTest, ParameterCountsOfThePnervReference)
{
    // models.md §8.3: KFc 40x80 -> 120x240 / 240x480 / 480x960 on 2 channels (+4 BN = 48,366 ...).
    EXPECT_EQ(KroneckerFcOptions(2, 40, 80, 120, 240).parameter_count(), 48362);
    EXPECT_EQ(KroneckerFcOptions(2, 40, 80, 240, 480).parameter_count(), 96722);
    EXPECT_EQ(KroneckerFcOptions(2, 40, 80, 480, 960).parameter_count(), 193442);
    KroneckerFc kfc(KroneckerFcOptions(2, 40, 80, 120, 240));
    EXPECT_EQ(module_parameters(*kfc), 48362);
    EXPECT_EQ(kfc->w_l.sizes(), torch::IntArrayRef({2, 120, 40}));
    EXPECT_EQ(kfc->w_r.sizes(), torch::IntArrayRef({2, 80, 240}));
    EXPECT_EQ(KroneckerFcOptions(2, 40, 80, 120, 240).description(), "KFc 40x80->120x240 (2 ch)");
}

TEST(KroneckerFcTest, IsAFullyConnectedLayerWithAKroneckerWeight)
{
    torch::manual_seed(0);
    const int64_t c = 2, hi = 3, wi = 4, ho = 5, wo = 6;
    KroneckerFc kfc(KroneckerFcOptions(c, hi, wi, ho, wo));
    {
        torch::NoGradGuard no_grad;
        kfc->b_h.normal_();
        kfc->b_w.normal_();
        kfc->b_c.normal_();
    }
    const torch::Tensor x = torch::randn({2, c, hi, wi}, torch::kDouble);
    kfc->to(torch::kDouble);
    const torch::Tensor y = kfc->forward(x);
    ASSERT_EQ(y.sizes(), torch::IntArrayRef({2, c, ho, wo}));
    torch::NoGradGuard no_grad;
    for (int64_t b = 0; b < 2; ++b) {
        for (int64_t ch = 0; ch < c; ++ch) {
            // vec() stacks columns: vec(L X R) = (R^T kron L) vec(X). LibTorch 1.13's kron
            // views its inputs, so the transposed factor must be made contiguous first.
            const torch::Tensor weight = torch::kron(kfc->w_r[ch].t().contiguous(), kfc->w_l[ch]);  // [ho*wo, hi*wi]
            const torch::Tensor vec_x = x[b][ch].t().reshape({-1});
            const torch::Tensor bias = kfc->b_c[ch][0] * torch::matmul(kfc->b_h, kfc->b_w);  // [ho, wo]
            const torch::Tensor vec_y = torch::matmul(weight, vec_x) + bias.t().reshape({-1});
            EXPECT_TRUE(torch::allclose(y[b][ch].t().reshape({-1}), vec_y, 1e-12, 1e-12)) << b << "," << ch;
        }
    }
}

TEST(KroneckerFcTest, InitialisationIsKaimingFanOutWithZeroBias)
{
    torch::manual_seed(1);
    const int64_t c = 4, hi = 64, wi = 32, ho = 128, wo = 96;
    KroneckerFc kfc(KroneckerFcOptions(c, hi, wi, ho, wo));
    // fan_out of [c, ho, hi] is c * hi; of [c, wi, wo] it is c * wo; gain sqrt(2).
    EXPECT_NEAR(kfc->w_l.std().item<double>(), std::sqrt(2.0 / (c * hi)), 0.02 * std::sqrt(2.0 / (c * hi)));
    EXPECT_NEAR(kfc->w_r.std().item<double>(), std::sqrt(2.0 / (c * wo)), 0.02 * std::sqrt(2.0 / (c * wo)));
    EXPECT_NEAR(kfc->w_l.mean().item<double>(), 0.0, 0.005);
    EXPECT_EQ(kfc->b_h.abs().sum().item<double>() + kfc->b_w.abs().sum().item<double>() +
                  kfc->b_c.abs().sum().item<double>(),
              0.0);
}

TEST(KroneckerFcTest, ZeroBiasFactorsReceiveNoGradient)
{
    // The reference's quirk, kept: a product of three zero factors has a zero gradient.
    torch::manual_seed(2);
    KroneckerFc kfc(KroneckerFcOptions(2, 3, 4, 5, 6));
    kfc->forward(torch::randn({1, 2, 3, 4})).pow(2).sum().backward();
    EXPECT_EQ(kfc->b_h.grad().abs().sum().item<float>(), 0.0f);
    EXPECT_EQ(kfc->b_w.grad().abs().sum().item<float>(), 0.0f);
    EXPECT_EQ(kfc->b_c.grad().abs().sum().item<float>(), 0.0f);
    EXPECT_GT(kfc->w_l.grad().abs().sum().item<float>(), 0.0f);
}

TEST(KroneckerFcTest, RejectsOtherInputSizes)
{
    KroneckerFc kfc(KroneckerFcOptions(2, 3, 4, 5, 6));
    try {
        kfc->forward(torch::zeros({1, 2, 4, 4}));
        FAIL() << "accepted a 4x4 input";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
    }
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

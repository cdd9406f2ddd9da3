#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "metrics/ssim.h"
#include "train/loss.h"

namespace NERV_TEST_FILE {

std::pair<torch::Tensor, torch::Tensor> output_target(std::vector<int64_t> shape, uint64_t seed)
{
    torch::manual_seed(seed);
    torch::Tensor target = torch::rand(shape, torch::kDouble);
    torch::Tensor output = (target + 0.1 * torch::randn(shape, torch::kDouble)).clamp(0, 1);
    return {output, target};
}

TEST(LossTest, L2IsMeanSquaredErrorPerSample)
{
    auto [out, tgt] = output_target({3, 3, 16, 20}, 21);
    const nerv::LossFunction l2(nerv::LossKind::L2);
    const torch::Tensor per = l2.per_sample(out, tgt);
    ASSERT_EQ(per.sizes(), torch::IntArrayRef({3}));
    for (int b = 0; b < 3; ++b)
        EXPECT_NEAR(per[b].item<double>(), (out[b] - tgt[b]).pow(2).mean().item<double>(), 1e-15);
    // Equal sample sizes: the batch mean of per-sample means is the whole-batch MSE.
    EXPECT_NEAR(l2(out, tgt).item<double>(), (out - tgt).pow(2).mean().item<double>(), 1e-15);
}

TEST(LossTest, Fusion6CombinesL1AndSsimPerSample)
{
    auto [out, tgt] = output_target({2, 3, 24, 28}, 22);
    const nerv::LossFunction f6(nerv::LossKind::Fusion6);
    const torch::Tensor per = f6.per_sample(out, tgt);
    const torch::Tensor s = nerv::ssim(out, tgt);
    for (int b = 0; b < 2; ++b) {
        const double l1 = (out[b] - tgt[b]).abs().mean().item<double>();
        EXPECT_NEAR(per[b].item<double>(), 0.7 * l1 + 0.3 * (1 - s[b].item<double>()), 1e-14);
    }
    EXPECT_NEAR(f6(out, tgt).item<double>(), per.mean().item<double>(), 1e-15);
}

TEST(LossTest, L1IsMeanAbsoluteErrorPerSample)
{
    auto [out, tgt] = output_target({3, 3, 16, 20}, 26);
    const nerv::LossFunction l1(nerv::LossKind::L1);
    const torch::Tensor per = l1.per_sample(out, tgt);
    ASSERT_EQ(per.sizes(), torch::IntArrayRef({3}));
    for (int b = 0; b < 3; ++b)
        EXPECT_NEAR(per[b].item<double>(), (out[b] - tgt[b]).abs().mean().item<double>(), 1e-15);
    EXPECT_NEAR(l1(out, tgt).item<double>(), (out - tgt).abs().mean().item<double>(), 1e-15);
}

TEST(LossTest, L1IsPulledLessByImpulseNoiseThanL2)
{
    // Fit one constant c to a flat 0.5 target in which 5% of the pixels are salt (1.0): L2's
    // optimum is the mean (0.525), L1's the median (0.5): what -tune denoise relies on.
    torch::Tensor target = torch::full({1, 1, 20, 20}, 0.5, torch::kDouble);
    target.view(-1).index_put_({torch::arange(0, 400, 20)}, 1.0);
    auto best = [&](nerv::LossKind kind) {
        double best_c = 0, best_v = 1e9;
        for (int i = 0; i <= 1000; ++i) {
            const double c = i / 1000.0;
            const double v = nerv::LossFunction(kind)(torch::full_like(target, c), target).item<double>();
            if (v < best_v)
                best_v = v, best_c = c;
        }
        return best_c;
    };
    EXPECT_NEAR(best(nerv::LossKind::L2), 0.525, 1e-9);
    EXPECT_NEAR(best(nerv::LossKind::L1), 0.5, 1e-9);
}

TEST(LossTest, LossNamesRoundTrip)
{
    for (nerv::LossKind kind : {nerv::LossKind::L2, nerv::LossKind::Fusion6, nerv::LossKind::L1}) {
        nerv::LossKind parsed;
        ASSERT_TRUE(nerv::parse_loss(nerv::loss_name(kind), &parsed)) << nerv::loss_name(kind);
        EXPECT_EQ(parsed, kind);
    }
    nerv::LossKind unused;
    EXPECT_FALSE(nerv::parse_loss("huber", &unused));
}

TEST(LossTest, IdenticalImagesGiveZero)
{
    auto [out, tgt] = output_target({1, 3, 16, 16}, 23);
    EXPECT_EQ(nerv::LossFunction(nerv::LossKind::L2)(tgt, tgt).item<double>(), 0.0);
    EXPECT_NEAR(nerv::LossFunction(nerv::LossKind::Fusion6)(tgt, tgt).item<double>(), 0.0, 1e-12);
}

TEST(LossTest, Fusion6AcceptsFiveDimensionalBands)
{
    // SNeRV's high-frequency bands: [B,C,3,H,W], the 3-wide axis left unsmoothed by SSIM.
    auto [out, tgt] = output_target({2, 3, 3, 20, 22}, 24);
    const nerv::LossFunction f6(nerv::LossKind::Fusion6);
    const torch::Tensor per = f6.per_sample(out, tgt);
    ASSERT_EQ(per.sizes(), torch::IntArrayRef({2}));
    const double l1 = (out[1] - tgt[1]).abs().mean().item<double>();
    EXPECT_NEAR(per[1].item<double>(), 0.7 * l1 + 0.3 * (1 - nerv::ssim(out, tgt)[1].item<double>()), 1e-14);
    EXPECT_EQ(f6(out, tgt).dim(), 0);
}

TEST(LossTest, BackwardGivesFiniteGradients)
{
    auto [out0, tgt] = output_target({2, 3, 16, 16}, 25);
    for (nerv::LossKind kind : {nerv::LossKind::L2, nerv::LossKind::Fusion6, nerv::LossKind::L1}) {
        const torch::Tensor out = out0.to(torch::kFloat).requires_grad_(true);
        const nerv::LossFunction loss(kind);
        loss(out, tgt.to(torch::kFloat)).backward();
        EXPECT_TRUE(torch::isfinite(out.grad()).all().item<bool>()) << nerv::loss_name(kind);
        EXPECT_GT(out.grad().abs().sum().item<double>(), 0.0) << nerv::loss_name(kind);
    }
}

TEST(LossTest, RejectsMismatchedShapes)
{
    const torch::Tensor a = torch::rand({1, 3, 16, 16}), b = torch::rand({1, 3, 16, 15});
    EXPECT_THROW(nerv::LossFunction(nerv::LossKind::L2)(a, b), nerv::Error);
    EXPECT_THROW(nerv::LossFunction(nerv::LossKind::Fusion6)(a, b), nerv::Error);
}

}  // namespace NERV_TEST_FILE

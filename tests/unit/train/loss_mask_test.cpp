// Inpainting's masked training: holes contribute nothing to the loss (zero gradient) and
// nothing to the PSNR reported; SNeRV's band losses leave out every band coefficient that
// touches a hole.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "arch/layers/snerv_blocks.h"
#include "metrics/psnr.h"
#include "train/loss.h"

namespace NERV_TEST_FILE {

namespace I = torch::indexing;

/** [B,1,H,W] ones with a zero rectangle rows [y0,y1) x cols [x0,x1). */
torch::Tensor visibility(int64_t b, int64_t h, int64_t w, int64_t y0, int64_t y1, int64_t x0, int64_t x1)
{
    torch::Tensor v = torch::ones({b, 1, h, w});
    v.index_put_({I::Slice(), I::Slice(), I::Slice(y0, y1), I::Slice(x0, x1)}, 0);
    return v;
}

torch::Tensor hole_values(const torch::Tensor &t, const torch::Tensor &visible)
{
    return t.masked_select(visible.expand_as(t) == 0);
}

torch::Tensor seen_values(const torch::Tensor &t, const torch::Tensor &visible)
{
    return t.masked_select(visible.expand_as(t) != 0);
}

TEST(LossMaskTest, HolesGetExactlyZeroGradient)
{
    torch::manual_seed(5);
    const torch::Tensor target = torch::rand({2, 3, 24, 20});
    const torch::Tensor visible = visibility(2, 24, 20, 6, 15, 4, 12);
    for (nerv::LossKind kind : {nerv::LossKind::L2, nerv::LossKind::Fusion6}) {
        torch::Tensor output = torch::rand({2, 3, 24, 20}).requires_grad_(true);
        const nerv::LossFunction loss(kind);
        loss(output, target, visible).backward();
        const torch::Tensor g = output.grad();
        EXPECT_TRUE(hole_values(g, visible).eq(0).all().item<bool>()) << static_cast<int>(kind);
        EXPECT_GT(seen_values(g, visible).abs().sum().item<double>(), 0) << static_cast<int>(kind);
    }
}

TEST(LossMaskTest, WhatIsInTheHolesDoesNotChangeTheLoss)
{
    torch::manual_seed(6);
    const torch::Tensor target = torch::rand({1, 3, 16, 16});
    const torch::Tensor output = torch::rand({1, 3, 16, 16});
    const torch::Tensor visible = visibility(1, 16, 16, 4, 12, 4, 12);
    const torch::Tensor scribbled = output + (1 - visible) * torch::rand({1, 3, 16, 16});
    for (nerv::LossKind kind : {nerv::LossKind::L2, nerv::LossKind::Fusion6}) {
        const nerv::LossFunction loss(kind);
        EXPECT_DOUBLE_EQ(loss(output, target, visible).item<double>(), loss(scribbled, target, visible).item<double>());
        EXPECT_NE(loss(output, target).item<double>(), loss(scribbled, target).item<double>());
    }
    // L2 follows the reference's loss(out * mask, gt * mask): a mean over every pixel.
    const double expected = ((output - target) * visible).pow(2).mean().item<double>();
    const nerv::LossFunction l2(nerv::LossKind::L2);
    EXPECT_NEAR(l2(output, target, visible).item<double>(), expected, 1e-9);
    EXPECT_THROW(l2(output, target, torch::ones({1, 16, 16})), std::exception);
}

TEST(LossMaskTest, PsnrOverTheVisiblePixelsIgnoresTheHoles)
{
    const torch::Tensor gt = torch::full({2, 3, 8, 8}, 0.5);
    torch::Tensor out = gt.clone();
    const torch::Tensor visible = visibility(2, 8, 8, 0, 4, 0, 8);  // top half hidden
    out.index_put_({I::Slice(), I::Slice(), I::Slice(0, 4)}, 1.0);     // wrong in the hole only
    out.index_put_({1, I::Slice(), 6, 6}, 0.6);                       // one visible error in sample 1
    const torch::Tensor p = nerv::psnr_visible(out, gt, visible);
    EXPECT_DOUBLE_EQ(p[0].item<double>(), 100.0);
    // 3 wrong values of 0.1 among 3 * 32 visible ones
    EXPECT_NEAR(p[1].item<double>(), -10 * std::log10(0.01 * 3 / 96), 1e-4);
    EXPECT_LT(nerv::psnr(out, gt)[0].item<double>(), 10);
}

TEST(LossMaskTest, SnervBandLossesSkipCoefficientsTouchingAHole)
{
    torch::manual_seed(7);
    const torch::Tensor frames = torch::rand({1, 3, 8, 8});
    const torch::Tensor visible = visibility(1, 8, 8, 3, 4, 3, 4);  // one pixel: band coefficient (1, 1)
    nerv::SnervOutput out;
    out.frame = torch::rand({1, 3, 8, 8}).requires_grad_(true);
    out.ll_normalized = torch::rand({1, 3, 4, 4}).requires_grad_(true);
    out.bands = torch::rand({1, 3, 3, 4, 4}).requires_grad_(true);
    const torch::Tensor range = torch::tensor({{0.0f, 2.0f}});
    for (nerv::LossKind kind : {nerv::LossKind::L2, nerv::LossKind::Fusion6}) {
        for (torch::Tensor *t : {&out.frame, &out.ll_normalized, &out.bands})
            if (t->grad().defined())
                t->mutable_grad().zero_();
        nerv::snerv_train_step(out, frames, visible, range, nerv::LossFunction(kind), 8, 8).loss.backward();
        EXPECT_EQ(out.frame.grad().index({0, I::Slice(), 3, 3}).abs().sum().item<double>(), 0);
        EXPECT_EQ(out.ll_normalized.grad().index({0, I::Slice(), 1, 1}).abs().sum().item<double>(), 0);
        EXPECT_EQ(out.bands.grad().index({0, I::Slice(), I::Slice(), 1, 1}).abs().sum().item<double>(), 0);
        EXPECT_GT(out.frame.grad().index({0, I::Slice(), 2, 3}).abs().sum().item<double>(), 0);
        EXPECT_GT(out.ll_normalized.grad().index({0, I::Slice(), 1, 0}).abs().sum().item<double>(), 0);
        EXPECT_GT(out.bands.grad().index({0, I::Slice(), I::Slice(), 0, 1}).abs().sum().item<double>(), 0);
    }
}

}  // namespace NERV_TEST_FILE

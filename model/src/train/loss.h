// Training losses of the references: L2 (MSE) and Fusion6 = 0.7 * L1 + 0.3 * (1 - SSIM)
// with pytorch_msssim's SSIM (metrics/ssim.h); and plain L1 (MAE). Computed per sample, then averaged over
// the batch (HNeRV's convention; identical to a whole-batch mean for batch 1).
//
// Inpainting: with a visibility mask both sides are multiplied by it first, as HNeRV's
// loss(out * mask, gt * mask): holes add nothing and get no gradient; the means still
// run over every pixel (the reference's scale).
#pragma once

#include <torch/torch.h>

#include "train/recipe.h"

namespace nerv {

class LossFunction {
public:
    explicit LossFunction(LossKind kind) : kind_(kind) {}
    LossKind kind() const { return kind_; }
    /** output, target: [B,C,H,W] (or [B,C,D,H,W] for band tensors). visible: undefined, or
     *  0/1 values broadcastable to them (e.g. [B,1,H,W]). Returns a scalar. */
    torch::Tensor operator()(const torch::Tensor &output, const torch::Tensor &target,
                             const torch::Tensor &visible = torch::Tensor()) const;
    /** Per-sample values [B] (the mean of which operator() returns). */
    torch::Tensor per_sample(const torch::Tensor &output, const torch::Tensor &target,
                             const torch::Tensor &visible = torch::Tensor()) const;

private:
    LossKind kind_;
};

}  // namespace nerv

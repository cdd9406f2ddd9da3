// BatchNorm2d as pyramidal PNeRV's reference actually runs it, made deterministic per frame.
//
// The reference (QiZhao-NJU model/P_NeRV.py) follows every KFc with BatchNorm2d and trains
// with batch 1, and its evaluate() never calls model.eval(): every frame, in training and at
// test time, is normalised with the statistics of its own feature map. This module does
// exactly that for each sample of a batch, in training and in evaluation alike:
//   y[b,c] = (x[b,c] - mean_hw(x[b,c])) / sqrt(var_hw(x[b,c]) + eps) * weight[c] + bias[c]
// (biased variance, eps 1e-5), i.e. BatchNorm on a batch of one, sample by sample.
//   * Batch 1 (the reference's recipe): identical to the reference in training and testing.
//   * Decoding renders one frame from its own coded tensors: the result depends on that
//     frame alone, so random access and any decode order give the same picture.
//   * No running statistics exist, so nothing beyond weight and bias is stored.
//   * Batch > 1: each frame still uses only its own statistics, where PyTorch's training-mode
//     BatchNorm would pool the batch's; this keeps training equal to what the decoder computes.
// Parameter names: weight [C], bias [C].
#pragma once

#include <torch/torch.h>

namespace nerv {

class PerSampleBatchNormImpl : public torch::nn::Module {
public:
    explicit PerSampleBatchNormImpl(int64_t channels, double eps = 1e-5);
    /** [B,C,H,W] -> same shape. */
    torch::Tensor forward(const torch::Tensor &x);

    torch::Tensor weight, bias;

private:
    double eps_;
};
TORCH_MODULE(PerSampleBatchNorm);

}  // namespace nerv

// Non-local block (Wang et al., CVPR 2018), embedded-Gaussian form:
//   theta, phi, g = Conv1x1(C -> d)(x)
//   y   = softmax_j(theta_i . phi_j) g_j          every position attends to every other
//   out = x + Conv1x1(d -> C)(y)
// The output projection starts at zero so the block starts as the identity: Wang et al.
// zero the BatchNorm scale after it for that reason, and there is no BatchNorm here.
// PNeRV fuses a patch's K x L fine-coordinate features with it (arch/layers/pnerv_poly_embedding.h).
// Parameters: theta/phi/g/out.{weight,bias}.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace nerv {

struct NonLocalBlockOptions {
    NonLocalBlockOptions(int64_t channels, int64_t inner_channels)
        : channels_(channels), inner_channels_(inner_channels)
    {
    }
    /** Parameters of one block, from the options alone. */
    int64_t parameter_count() const
    {
        return 3 * (channels_ * inner_channels_ + inner_channels_) + inner_channels_ * channels_ + channels_;
    }

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, channels);        // C
    TORCH_ARG(int64_t, inner_channels);  // d (Wang et al.: C / 2)
};

class NonLocalBlockImpl : public torch::nn::Module {
public:
    explicit NonLocalBlockImpl(const NonLocalBlockOptions &options);
    /** x: [N, C, H, W] -> [N, C, H, W] */
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d theta_{nullptr}, phi_{nullptr}, g_{nullptr}, out_{nullptr};
};
TORCH_MODULE(NonLocalBlock);

}  // namespace nerv

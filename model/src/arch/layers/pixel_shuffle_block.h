// The NeRV up-sampling block shared by NeRV, HNeRV and their descendants:
//   Conv2d(in, out * s^2, k, stride 1, padding p) -> PixelShuffle(s) -> activation
// NeRV uses k = 3; HNeRV's kernels grow per stage (1, 3, 5, 5, 5). The pixel shuffle is
// skipped for s = 1 (HNeRV does the same). Parameters: "conv.weight", "conv.bias".
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace nerv {

struct PixelShuffleBlockOptions {
    PixelShuffleBlockOptions(int64_t in_channels, int64_t out_channels, int64_t stride)
        : in_channels_(in_channels), out_channels_(out_channels), stride_(stride)
    {
    }
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);   // after the shuffle
    TORCH_ARG(int64_t, stride);         // up-sampling factor
    TORCH_ARG(int64_t, kernel) = 3;
    TORCH_ARG(int64_t, padding) = -1;   // -1: (kernel - 1) / 2, "same" for odd kernels
    TORCH_ARG(std::string, activation) = "gelu";
    TORCH_ARG(bool, bias) = true;

public:  // TORCH_ARG leaves the section private

    int64_t resolved_padding() const { return padding_ >= 0 ? padding_ : (kernel_ - 1) / 2; }
    /** Parameters the block holds (without building it). */
    int64_t parameter_count() const;
    /** "Conv3x3 57->768, PS4, GELU" */
    std::string description() const;
};

class PixelShuffleBlockImpl : public torch::nn::Module {
public:
    explicit PixelShuffleBlockImpl(const PixelShuffleBlockOptions &options);
    torch::Tensor forward(const torch::Tensor &x);
    const PixelShuffleBlockOptions &options() const { return options_; }

private:
    PixelShuffleBlockOptions options_;
    torch::nn::Conv2d conv_{nullptr};
    torch::nn::AnyModule act_;
};
TORCH_MODULE(PixelShuffleBlock);

}  // namespace nerv

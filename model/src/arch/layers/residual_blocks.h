// ResidualBlocksWithInputConv (BasicVSR's feature-fusion stack, used by SNeRV's
// multi-resolution fusion unit):
//   Conv3x3 in -> out (no activation), then num_blocks x ResidualBlock(out), where
//   ResidualBlock(C) = x + Conv3x3(LeakyReLU_0.1(Conv3x3(x))), both convs C -> C with bias.
// Convs keep PyTorch's default initialisation, as the reference does.
// Parameter names: input_conv.{weight,bias}, blocks.{j}.conv1.*, blocks.{j}.conv2.*
#pragma once

#include <string>

#include <torch/torch.h>

namespace nerv {

struct ResidualBlocksOptions {
    ResidualBlocksOptions(int64_t in_channels, int64_t out_channels, int64_t num_blocks)
        : in_channels_(in_channels), out_channels_(out_channels), num_blocks_(num_blocks)
    {
    }
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, num_blocks);

public:  // TORCH_ARG leaves the section private

    int64_t parameter_count() const;
    /** "Conv3x3 117->53, 6 x ResBlock(53)" */
    std::string description() const;
};

class ResidualBlockImpl : public torch::nn::Module {
public:
    explicit ResidualBlockImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class ResidualBlocksWithInputConvImpl : public torch::nn::Module {
public:
    explicit ResidualBlocksWithInputConvImpl(const ResidualBlocksOptions &options);
    torch::Tensor forward(const torch::Tensor &x);
    const ResidualBlocksOptions &options() const { return options_; }

private:
    ResidualBlocksOptions options_;
    torch::nn::Conv2d input_conv_{nullptr};
    torch::nn::Sequential blocks_{nullptr};
};
TORCH_MODULE(ResidualBlocksWithInputConv);

}  // namespace nerv

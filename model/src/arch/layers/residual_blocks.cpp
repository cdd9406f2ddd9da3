#include "arch/layers/residual_blocks.h"

#include "arch/layers/layer_text.h"
#include "core/error.h"

namespace nerv {
namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

}  // namespace

int64_t ResidualBlocksOptions::parameter_count() const
{
    const int64_t c = out_channels_;
    return in_channels_ * c * 9 + c + num_blocks_ * 2 * (c * c * 9 + c);
}

std::string ResidualBlocksOptions::description() const
{
    return conv_label(3, in_channels_, out_channels_) + ", " + std::to_string(num_blocks_) + " x ResBlock(" +
           std::to_string(out_channels_) + ")";
}

ResidualBlockImpl::ResidualBlockImpl(int64_t channels)
{
    conv1_ = register_module("conv1", conv3x3(channels, channels));
    conv2_ = register_module("conv2", conv3x3(channels, channels));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor &x)
{
    return x + conv2_->forward(torch::leaky_relu(conv1_->forward(x), 0.1));
}

ResidualBlocksWithInputConvImpl::ResidualBlocksWithInputConvImpl(const ResidualBlocksOptions &options)
    : options_(options)
{
    if (options.in_channels() < 1 || options.out_channels() < 1 || options.num_blocks() < 0)
        fail_invalid_argument("residual blocks: channels must be >= 1 and num_blocks >= 0");
    input_conv_ = register_module("input_conv", conv3x3(options.in_channels(), options.out_channels()));
    blocks_ = register_module("blocks", torch::nn::Sequential());
    for (int64_t j = 0; j < options.num_blocks(); ++j)
        blocks_->push_back(ResidualBlock(options.out_channels()));
}

torch::Tensor ResidualBlocksWithInputConvImpl::forward(const torch::Tensor &x)
{
    const torch::Tensor y = input_conv_->forward(x);
    return blocks_->is_empty() ? y : blocks_->forward(y);
}

}  // namespace nerv

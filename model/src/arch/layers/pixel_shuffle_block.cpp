#include "arch/layers/pixel_shuffle_block.h"

#include "arch/layers/activation.h"
#include "arch/layers/layer_text.h"
#include "core/error.h"

namespace nerv {

int64_t PixelShuffleBlockOptions::parameter_count() const
{
    const int64_t conv_out = out_channels_ * stride_ * stride_;
    return in_channels_ * conv_out * kernel_ * kernel_ + (bias_ ? conv_out : 0);
}

std::string PixelShuffleBlockOptions::description() const
{
    std::string s = conv_label(kernel_, in_channels_, out_channels_ * stride_ * stride_);
    if (stride_ > 1)
        s += ", PS" + std::to_string(stride_);
    return s + ", " + activation_label(activation_);
}

PixelShuffleBlockImpl::PixelShuffleBlockImpl(const PixelShuffleBlockOptions &options) : options_(options)
{
    if (options.in_channels() < 1 || options.out_channels() < 1 || options.stride() < 1 || options.kernel() < 1)
        fail_invalid_argument("pixel-shuffle block: channels, stride and kernel must be >= 1");
    const int64_t conv_out = options.out_channels() * options.stride() * options.stride();
    conv_ = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.in_channels(), conv_out, options.kernel())
                                      .stride(1)
                                      .padding(options.resolved_padding())
                                      .bias(options.bias())));
    act_ = make_activation(options.activation());
    register_module("act", act_.ptr());
}

torch::Tensor PixelShuffleBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor y = conv_->forward(x);
    if (options_.stride() > 1)
        y = torch::pixel_shuffle(y, options_.stride());
    return act_.forward(y);
}

}  // namespace nerv

#include "arch/layers/bsm.h"

#include "core/error.h"

namespace nerv {

namespace {
torch::nn::Conv2d same_conv(int64_t in, int64_t out, int64_t kernel)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}
}  // namespace

int64_t BenignSelectiveMemoryOptions::parameter_count() const
{
    const int64_t c = channels_, k2 = kernel_ * kernel_;
    return 2 * (c * c * k2 + c) + (pyramid_channels_ * c * k2 + c);
}

std::string BenignSelectiveMemoryOptions::description() const
{
    const std::string k = std::to_string(kernel_);
    return "BSM Conv" + k + "x" + k + " " + std::to_string(channels_) + "->" + std::to_string(channels_) + ", " +
           std::to_string(pyramid_channels_) + "->" + std::to_string(channels_) + ", gate " +
           std::to_string(channels_) + "->" + std::to_string(channels_);
}

BenignSelectiveMemoryImpl::BenignSelectiveMemoryImpl(const BenignSelectiveMemoryOptions &o)
{
    if (o.channels() < 1 || o.pyramid_channels() < 1 || o.kernel() < 1 || o.kernel() % 2 == 0)
        fail_invalid_argument("BSM: channels >= 1 and an odd kernel required");
    content_conv_ = register_module("content_conv", same_conv(o.channels(), o.channels(), o.kernel()));
    pyramid_conv_ = register_module("pyramid_conv", same_conv(o.pyramid_channels(), o.channels(), o.kernel()));
    gate_conv_ = register_module("gate_conv", same_conv(o.channels(), o.channels(), o.kernel()));
}

torch::Tensor BenignSelectiveMemoryImpl::forward(const torch::Tensor &x, const torch::Tensor &pyramid)
{
    const torch::Tensor r = pyramid_conv_->forward(pyramid);
    const torch::Tensor memory = torch::relu(content_conv_->forward(x) + r);
    const torch::Tensor a = torch::sigmoid(gate_conv_->forward(memory));
    return a * x + (1 - a) * r;
}

}  // namespace nerv

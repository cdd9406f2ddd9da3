#include "arch/layers/enerv_up_blocks.h"

#include <cctype>

#include "arch/layers/activation.h"
#include "core/error.h"

namespace nerv {

namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(1).padding(1));
}

int64_t conv3x3_parameters(int64_t in, int64_t out) { return in * out * 9 + out; }

std::string conv3x3_text(int64_t in, int64_t out)
{
    return format("Conv3x3 %lld->%lld", (long long)in, (long long)out);
}

}  // namespace

std::string enerv_activation_label(const std::string &act)
{
    std::string s = act;
    for (char &c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

EnervNervBlockImpl::EnervNervBlockImpl(const EnervUpOptions &options) : stride_(options.stride())
{
    conv_ = register_module(
        "conv", conv3x3(options.in_channels(), options.out_channels() * options.stride() * options.stride()));
    act_ = make_activation(options.act());
    register_module("act", act_.ptr());
}

torch::Tensor EnervNervBlockImpl::forward(const torch::Tensor &x)
{
    return act_.forward(torch::pixel_shuffle(conv_->forward(x), stride_));
}

int64_t EnervNervBlockImpl::parameter_count(const EnervUpOptions &o)
{
    return conv3x3_parameters(o.in_channels(), o.out_channels() * o.stride() * o.stride());
}

std::string EnervNervBlockImpl::describe(const EnervUpOptions &o)
{
    return format("%s, PS%lld, %s", conv3x3_text(o.in_channels(), o.out_channels() * o.stride() * o.stride()).c_str(),
                  (long long)o.stride(), enerv_activation_label(o.act()).c_str());
}

EnervUpgradedBlockImpl::EnervUpgradedBlockImpl(const EnervUpOptions &options)
    : stride_(options.stride()), narrows_first_(narrows_first(options))
{
    const int64_t in = options.in_channels(), out = options.out_channels(), s2 = options.stride() * options.stride();
    if (narrows_first_) {
        const int64_t narrow = in / 4;
        conv1_ = register_module("conv1", conv3x3(in, narrow * s2));
        conv2_ = register_module("conv2", conv3x3(narrow, out));
    } else {
        conv1_ = register_module("conv1", conv3x3(in, out));
        conv2_ = register_module("conv2", conv3x3(out, out * s2));
    }
    act_ = make_activation(options.act());
    register_module("act", act_.ptr());
}

torch::Tensor EnervUpgradedBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor y;
    if (narrows_first_)
        y = conv2_->forward(torch::pixel_shuffle(conv1_->forward(x), stride_));
    else
        y = torch::pixel_shuffle(conv2_->forward(conv1_->forward(x)), stride_);
    return act_.forward(y);
}

int64_t EnervUpgradedBlockImpl::parameter_count(const EnervUpOptions &o)
{
    const int64_t in = o.in_channels(), out = o.out_channels(), s2 = o.stride() * o.stride();
    if (narrows_first(o))
        return conv3x3_parameters(in, (in / 4) * s2) + conv3x3_parameters(in / 4, out);
    return conv3x3_parameters(in, out) + conv3x3_parameters(out, out * s2);
}

std::string EnervUpgradedBlockImpl::describe(const EnervUpOptions &o)
{
    const int64_t in = o.in_channels(), out = o.out_channels(), s = o.stride();
    const std::string act = enerv_activation_label(o.act());
    if (narrows_first(o))
        return format("%s, PS%lld, %s, %s", conv3x3_text(in, (in / 4) * s * s).c_str(), (long long)s,
                      conv3x3_text(in / 4, out).c_str(), act.c_str());
    return format("%s, %s, PS%lld, %s", conv3x3_text(in, out).c_str(), conv3x3_text(out, out * s * s).c_str(),
                  (long long)s, act.c_str());
}

}  // namespace nerv

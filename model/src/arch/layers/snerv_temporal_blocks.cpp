#include "arch/layers/snerv_temporal_blocks.h"

#include "arch/layers/activation.h"
#include "arch/layers/layer_text.h"
#include "core/error.h"

namespace nerv {
namespace {

constexpr double kSlope = 0.1;  // LeakyReLU of every SNeRV-T block

torch::nn::ConvTranspose2d up_conv(int64_t in, int64_t out, int64_t stride)
{
    return torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, out, stride).stride(stride));
}

int64_t up_conv_parameters(int64_t in, int64_t out, int64_t stride) { return in * out * stride * stride + out; }

torch::nn::Conv2d conv3x3(int64_t in, int64_t out)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

}  // namespace

bool parse_temporal_conv(const std::string &text, TemporalConv *out)
{
    if (text == "conv3d")
        *out = TemporalConv::Conv3d;
    else if (text == "conv2d")
        *out = TemporalConv::Conv2d;
    else
        return false;
    return true;
}

const char *temporal_conv_name(TemporalConv mode) { return mode == TemporalConv::Conv3d ? "conv3d" : "conv2d"; }

UpsampleBlock2dImpl::UpsampleBlock2dImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
{
    if (in_channels < 1 || out_channels < 1 || stride < 1)
        fail_invalid_argument("SNeRV-T 2-D up-sampling block: channels and stride must be >= 1");
    up_ = register_module("up", up_conv(in_channels, out_channels, stride));
    conv1_ = register_module("conv1", conv3x3(out_channels, 2 * out_channels));
    conv2_ = register_module("conv2", conv3x3(2 * out_channels, out_channels));
}

torch::Tensor UpsampleBlock2dImpl::forward(const torch::Tensor &x)
{
    const torch::Tensor y = up_->forward(x);
    return torch::leaky_relu(conv2_->forward(torch::leaky_relu(conv1_->forward(y), kSlope)), kSlope) + y;
}

int64_t UpsampleBlock2dImpl::parameter_count(int64_t in_channels, int64_t out_channels, int64_t stride)
{
    const int64_t c = out_channels;
    return up_conv_parameters(in_channels, c, stride) + (c * 2 * c * 9 + 2 * c) + (2 * c * c * 9 + c);
}

int64_t TemporalUpsampleOptions::parameter_count() const
{
    const int64_t c = out_channels_, e = expansion_;
    const int64_t ups = 3 * up_conv_parameters(in_channels_, c, stride_);
    if (mode_ == TemporalConv::Conv3d)
        return ups + (c * e * c * 27 + e * c) + (e * c * c * 27 + c);
    const int64_t out2 = last_ ? c : 3 * c;
    return ups + (3 * c * 3 * e * c * 9 + 3 * e * c) + (3 * e * c * out2 * 9 + out2);
}

std::string TemporalUpsampleOptions::description() const
{
    const int64_t c = out_channels_, e = expansion_;
    std::string s = "3 x " + conv_label(stride_, in_channels_, c, stride_).replace(0, 4, "ConvT") + ", ";
    if (mode_ == TemporalConv::Conv3d)
        s += "Conv3d " + std::to_string(c) + "->" + std::to_string(e * c) + "->" + std::to_string(c);
    else
        s += "Conv3x3 " + std::to_string(3 * c) + "->" + std::to_string(3 * e * c) + "->" +
             std::to_string(last_ ? c : 3 * c);
    return s + (last_ ? ", T->1" : "") + ", LeakyReLU(0.1)";
}

TemporalUpsampleBlockImpl::TemporalUpsampleBlockImpl(const TemporalUpsampleOptions &o) : options_(o)
{
    if (o.in_channels() < 1 || o.out_channels() < 1 || o.stride() < 1 || o.expansion() < 1)
        fail_invalid_argument("TUB: channels, stride and expansion must be >= 1");
    const int64_t c = o.out_channels(), e = o.expansion();
    up_cur_ = register_module("up_cur", up_conv(o.in_channels(), c, o.stride()));
    up_prev_ = register_module("up_prev", up_conv(o.in_channels(), c, o.stride()));
    up_next_ = register_module("up_next", up_conv(o.in_channels(), c, o.stride()));
    if (o.mode() == TemporalConv::Conv3d) {
        namespace nn = torch::nn;
        conv1_ = nn::AnyModule(nn::Conv3d(nn::Conv3dOptions(c, e * c, 3).padding(1)));
        // The last TUB keeps no temporal padding: three time steps -> one.
        const torch::ExpandingArray<3> padding = o.last() ? torch::ExpandingArray<3>({0, 1, 1})
                                                          : torch::ExpandingArray<3>({1, 1, 1});
        conv2_ = nn::AnyModule(nn::Conv3d(nn::Conv3dOptions(e * c, c, 3).padding(padding)));
    } else {
        conv1_ = torch::nn::AnyModule(conv3x3(3 * c, 3 * e * c));
        conv2_ = torch::nn::AnyModule(conv3x3(3 * e * c, o.last() ? c : 3 * c));
    }
    register_module("conv1", conv1_.ptr());
    register_module("conv2", conv2_.ptr());
}

TemporalFeatures TemporalUpsampleBlockImpl::forward(const TemporalFeatures &x)
{
    const torch::Tensor cur = up_cur_->forward(x.cur);
    const torch::Tensor prev = up_prev_->forward(x.prev);
    const torch::Tensor next = up_next_->forward(x.next);
    TemporalFeatures out;
    if (options_.mode() == TemporalConv::Conv3d) {
        const torch::Tensor stacked = torch::stack({prev, cur, next}, 2);  // [B,C,T=3,H,W]
        const torch::Tensor y = torch::leaky_relu(
            conv2_.forward<torch::Tensor>(torch::leaky_relu(conv1_.forward<torch::Tensor>(stacked), kSlope)), kSlope);
        if (options_.last()) {
            out.cur = y.squeeze(2) + cur;
        } else {
            const torch::Tensor z = y + stacked;
            out.prev = z.select(2, 0);
            out.cur = z.select(2, 1);
            out.next = z.select(2, 2);
        }
    } else {
        const torch::Tensor stacked = torch::cat({prev, cur, next}, 1);  // [B,3C,H,W]
        const torch::Tensor y = torch::leaky_relu(
            conv2_.forward<torch::Tensor>(torch::leaky_relu(conv1_.forward<torch::Tensor>(stacked), kSlope)), kSlope);
        if (options_.last()) {
            out.cur = y + cur;
        } else {
            const std::vector<torch::Tensor> parts = (y + stacked).chunk(3, 1);
            out.prev = parts[0];
            out.cur = parts[1];
            out.next = parts[2];
        }
    }
    return out;
}

TemporalEmbeddingInputImpl::TemporalEmbeddingInputImpl(int64_t embed_channels, int64_t channels,
                                                       const std::vector<int64_t> &up_strides,
                                                       const std::string &activation)
{
    if (embed_channels < 1 || channels < 1)
        fail_invalid_argument("temporal embedding input: channels must be >= 1");
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(embed_channels, channels, 1)));
    act_ = make_activation(activation);
    register_module("act", act_.ptr());
    up_ = register_module("up", torch::nn::Sequential());
    for (int64_t s : up_strides) {
        if (s < 1)
            fail_invalid_argument("temporal embedding input: up-sampling strides must be >= 1");
        up_->push_back(up_conv(channels, channels, s));
    }
}

torch::Tensor TemporalEmbeddingInputImpl::forward(const torch::Tensor &embedding)
{
    const torch::Tensor y = act_.forward(conv_->forward(embedding));
    return up_->is_empty() ? y : up_->forward(y);
}

int64_t TemporalEmbeddingInputImpl::parameter_count(int64_t embed_channels, int64_t channels,
                                                    const std::vector<int64_t> &up_strides)
{
    int64_t n = embed_channels * channels + channels;
    for (int64_t s : up_strides)
        n += up_conv_parameters(channels, channels, s);
    return n;
}

}  // namespace nerv

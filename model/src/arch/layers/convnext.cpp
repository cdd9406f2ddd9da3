#include "arch/layers/convnext.h"

#include "arch/layers/activation.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/trunc_normal.h"
#include "core/error.h"

namespace nerv {

LayerNormChannelsFirstImpl::LayerNormChannelsFirstImpl(int64_t channels, double eps) : eps_(eps)
{
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor LayerNormChannelsFirstImpl::forward(const torch::Tensor &x)
{
    // Biased variance over C, as the references compute it by hand.
    torch::Tensor mean = x.mean(1, true);
    torch::Tensor centered = x - mean;
    torch::Tensor var = centered.pow(2).mean(1, true);
    torch::Tensor normalized = centered / torch::sqrt(var + eps_);
    return weight.view({-1, 1, 1}) * normalized + bias.view({-1, 1, 1});
}

int64_t ConvNeXtBlockOptions::parameter_count() const
{
    const int64_t c = dim_, hidden = mlp_ratio_ * dim_;
    const int64_t dw = c * dw_kernel_ * dw_kernel_ + c;
    const int64_t norm = 2 * c;
    const int64_t mlp = (c * hidden + hidden) + (hidden * c + c);
    return dw + norm + mlp + c /* gamma */;
}

ConvNeXtBlockImpl::ConvNeXtBlockImpl(const ConvNeXtBlockOptions &o)
{
    const int64_t c = o.dim(), hidden = o.mlp_ratio() * o.dim();
    dwconv_ = register_module(
        "dwconv", torch::nn::Conv2d(
                      torch::nn::Conv2dOptions(c, c, o.dw_kernel()).padding((o.dw_kernel() - 1) / 2).groups(c)));
    norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c}).eps(o.eps())));
    pwconv1_ = register_module("pwconv1", torch::nn::Linear(c, hidden));
    act_ = make_activation("gelu");
    register_module("act", act_.ptr());
    pwconv2_ = register_module("pwconv2", torch::nn::Linear(hidden, c));
    gamma_ = register_parameter("gamma", torch::full({c}, o.layer_scale_init()));
}

torch::Tensor ConvNeXtBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor y = dwconv_->forward(x).permute({0, 2, 3, 1});  // NCHW -> NHWC
    y = pwconv2_->forward(act_.forward(pwconv1_->forward(norm_->forward(y))));
    y = (gamma_ * y).permute({0, 3, 1, 2});
    return x + y;
}

int64_t ConvNeXtEncoderOptions::stage_parameter_count(int64_t stage) const
{
    const int64_t in = stage_in_channels(stage), out = dims_[stage], s = strides_[stage];
    const int64_t conv = in * out * s * s + out;
    const int64_t norm_channels = (norm_after_conv_ || stage == 0) ? out : in;
    return conv + 2 * norm_channels + blocks_per_stage_ * ConvNeXtBlockOptions(out).parameter_count();
}

std::string ConvNeXtEncoderOptions::stage_description(int64_t stage) const
{
    const std::string conv = conv_label(strides_[stage], stage_in_channels(stage), dims_[stage], strides_[stage]);
    const bool norm_first = !norm_after_conv_ && stage > 0;
    std::string s = norm_first ? "LN_cf, " + conv : conv + ", LN_cf";
    for (int64_t j = 0; j < blocks_per_stage_; ++j)
        s += ", ConvNeXt(" + std::to_string(dims_[stage]) + ")";
    return s;
}

int64_t ConvNeXtEncoderOptions::total_stride() const
{
    int64_t p = 1;
    for (int64_t s : strides_)
        p *= s;
    return p;
}

ConvNeXtEncoderImpl::StageImpl::StageImpl(const ConvNeXtEncoderOptions &o, int64_t stage)
    : norm_first_(!o.norm_after_conv() && stage > 0)
{
    const int64_t in = o.stage_in_channels(stage), out = o.dims()[stage], s = o.strides()[stage];
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, s).stride(s)));
    norm_ = register_module("norm", LayerNormChannelsFirst(norm_first_ ? in : out));
    blocks_ = register_module("blocks", torch::nn::Sequential());
    for (int64_t j = 0; j < o.blocks_per_stage(); ++j)
        blocks_->push_back(ConvNeXtBlock(ConvNeXtBlockOptions(out)));
}

torch::Tensor ConvNeXtEncoderImpl::StageImpl::forward(const torch::Tensor &x)
{
    torch::Tensor y = norm_first_ ? conv_->forward(norm_->forward(x)) : norm_->forward(conv_->forward(x));
    return blocks_->is_empty() ? y : blocks_->forward(y);
}

ConvNeXtEncoderImpl::ConvNeXtEncoderImpl(const ConvNeXtEncoderOptions &o) : options_(o)
{
    if (o.strides().empty() || o.strides().size() != o.dims().size())
        fail_invalid_argument("ConvNeXt encoder: needs one output width per stride");
    if (o.in_channels() < 1 || o.blocks_per_stage() < 0)
        fail_invalid_argument("ConvNeXt encoder: in_channels >= 1 and blocks_per_stage >= 0 required");
    for (size_t i = 0; i < o.strides().size(); ++i) {
        if (o.strides()[i] < 1 || o.dims()[i] < 1)
            fail_invalid_argument("ConvNeXt encoder: strides and widths must be >= 1");
    }
    auto list = register_module("stages", torch::nn::ModuleList());
    for (int64_t i = 0; i < o.stage_count(); ++i) {
        auto stage = std::make_shared<StageImpl>(o, i);
        list->push_back(stage);
        stages_.push_back(stage);
    }
    // Only the encoder's convs and linears get the truncated normal; norms keep 1/0 and
    // gamma its layer-scale value.
    torch::NoGradGuard no_grad;
    for (auto &m : modules(false)) {
        torch::Tensor weight, bias;
        if (auto *conv = m->as<torch::nn::Conv2dImpl>()) {
            weight = conv->weight;
            bias = conv->bias;
        } else if (auto *linear = m->as<torch::nn::LinearImpl>()) {
            weight = linear->weight;
            bias = linear->bias;
        } else {
            continue;
        }
        trunc_normal_(weight, 0.0, o.init_std());
        if (bias.defined())
            bias.zero_();
    }
}

torch::Tensor ConvNeXtEncoderImpl::forward(const torch::Tensor &x)
{
    const int64_t p = options_.total_stride();
    if (x.dim() != 4 || x.size(1) != options_.in_channels() || x.size(2) % p != 0 || x.size(3) % p != 0)
        fail_invalid_argument(format("ConvNeXt encoder: input must be [B,%lld,H,W] with H and W multiples of %lld",
                                     (long long)options_.in_channels(), (long long)p));
    torch::Tensor y = x;
    for (auto &stage : stages_)
        y = stage->forward(y);
    return y;
}

}  // namespace nerv

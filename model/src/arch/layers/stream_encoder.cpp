#include "arch/layers/stream_encoder.h"

#include "arch/layers/dnerv_convnext_block.h"
#include "arch/layers/layer_text.h"
#include "core/error.h"

namespace nerv {

int64_t StreamEncoderOptions::total_stride() const
{
    int64_t p = 1;
    for (int64_t s : strides_)
        p *= s;
    return p;
}

int64_t StreamEncoderOptions::stage_parameter_count(int64_t stage) const
{
    const int64_t in = stage == 0 ? in_channels_ : width_, s = strides_[stage];
    const int64_t conv = in * width_ * s * s + width_;
    const int64_t block = block_ == StreamBlockKind::Dnerv ? DnervConvNeXtBlockImpl::parameter_count(width_)
                                                           : ConvNeXtBlockOptions(width_).parameter_count();
    return conv + 2 * width_ + block;
}

int64_t StreamEncoderOptions::parameter_count() const
{
    int64_t n = embed_parameter_count();
    for (int64_t i = 0; i < stage_count(); ++i)
        n += stage_parameter_count(i);
    return n;
}

std::string StreamEncoderOptions::stage_description(int64_t stage) const
{
    const int64_t in = stage == 0 ? in_channels_ : width_;
    const std::string block = block_ == StreamBlockKind::Dnerv ? ", no norm/gamma)" : ")";
    return conv_label(strides_[stage], in, width_, strides_[stage]) + ", LN_cf, ConvNeXt(" + std::to_string(width_) +
           block;
}

StreamEncoderImpl::StreamEncoderImpl(const StreamEncoderOptions &o) : options_(o)
{
    if (o.strides().empty() || o.in_channels() < 1 || o.width() < 1 || o.out_channels() < 1)
        fail_invalid_argument("stream encoder: needs at least one stride and channel counts >= 1");
    auto stages = register_module("stages", torch::nn::ModuleList());
    for (int64_t i = 0; i < o.stage_count(); ++i) {
        const int64_t s = o.strides()[i];
        if (s < 1)
            fail_invalid_argument("stream encoder: strides must be >= 1");
        auto stage = std::make_shared<torch::nn::Module>();
        convs_.push_back(stage->register_module(
            "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(i == 0 ? o.in_channels() : o.width(), o.width(), s)
                                          .stride(s))));
        norms_.push_back(stage->register_module("norm", LayerNormChannelsFirst(o.width())));
        if (o.block() == StreamBlockKind::Dnerv)
            blocks_.emplace_back(stage->register_module("block", DnervConvNeXtBlock(o.width())));
        else
            blocks_.emplace_back(stage->register_module("block", ConvNeXtBlock(ConvNeXtBlockOptions(o.width()))));
        stages->push_back(stage);
    }
    embed_ = register_module("embed", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.width(), o.out_channels(), 1)));
}

torch::Tensor StreamEncoderImpl::forward(const torch::Tensor &x)
{
    const int64_t p = options_.total_stride();
    if (x.dim() != 4 || x.size(1) != options_.in_channels() || x.size(2) % p != 0 || x.size(3) % p != 0)
        fail_invalid_argument(format("stream encoder: input must be [B,%lld,H,W] with H and W multiples of %lld",
                                     (long long)options_.in_channels(), (long long)p));
    torch::Tensor y = x;
    for (size_t i = 0; i < convs_.size(); ++i)
        y = blocks_[i].forward(norms_[i]->forward(convs_[i]->forward(y)));
    return embed_->forward(y);
}

}  // namespace nerv

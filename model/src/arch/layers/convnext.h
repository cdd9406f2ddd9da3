// ConvNeXt pieces used as frame encoders by HNeRV (and SNeRV, DNeRV, PNeRV):
//
//   LayerNormChannelsFirst  LayerNorm over C of an NCHW tensor ("LN_cf"), eps 1e-6.
//   ConvNeXtBlock           x + gamma * Linear(4C->C)(GELU(Linear(C->4C)(LN(dwconv7x7(x)))))
//                           (the MLP runs channels-last; gamma starts at 1e-6).
//   ConvNeXtEncoder         per stage: a k=s, stride-s down-sampling conv with an LN_cf,
//                           then `blocks_per_stage` ConvNeXt blocks. HNeRV places the LN
//                           after the conv in stage 0 and before it in later stages;
//                           `norm_after_conv` puts it after the conv everywhere (DNeRV/PNeRV).
//                           The last stage's output is the result (HNeRV: the embedding).
//
// Conv/Linear weights start as a truncated normal (std 0.02), biases at 0, like the
// references' encoders. Parameter names:
//   stages.{i}.conv.*, stages.{i}.norm.*, stages.{i}.blocks.{j}.{dwconv,norm,pwconv1,pwconv2}.*,
//   stages.{i}.blocks.{j}.gamma
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace nerv {

class LayerNormChannelsFirstImpl : public torch::nn::Module {
public:
    explicit LayerNormChannelsFirstImpl(int64_t channels, double eps = 1e-6);
    torch::Tensor forward(const torch::Tensor &x);

    torch::Tensor weight, bias;

private:
    double eps_;
};
TORCH_MODULE(LayerNormChannelsFirst);

struct ConvNeXtBlockOptions {
    explicit ConvNeXtBlockOptions(int64_t dim) : dim_(dim) {}
    TORCH_ARG(int64_t, dim);
    TORCH_ARG(int64_t, dw_kernel) = 7;
    TORCH_ARG(int64_t, mlp_ratio) = 4;
    TORCH_ARG(double, layer_scale_init) = 1e-6;
    TORCH_ARG(double, eps) = 1e-6;

public:  // TORCH_ARG leaves the section private

    int64_t parameter_count() const;
};

class ConvNeXtBlockImpl : public torch::nn::Module {
public:
    explicit ConvNeXtBlockImpl(const ConvNeXtBlockOptions &options);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d dwconv_{nullptr};
    torch::nn::LayerNorm norm_{nullptr};
    torch::nn::Linear pwconv1_{nullptr}, pwconv2_{nullptr};
    torch::nn::AnyModule act_;  // make_activation("gelu"): the layout-guarded GELU
    torch::Tensor gamma_;
};
TORCH_MODULE(ConvNeXtBlock);

struct ConvNeXtEncoderOptions {
    ConvNeXtEncoderOptions(std::vector<int64_t> strides, std::vector<int64_t> dims)
        : strides_(std::move(strides)), dims_(std::move(dims))
    {
    }
    TORCH_ARG(std::vector<int64_t>, strides);  // one per stage
    TORCH_ARG(std::vector<int64_t>, dims);     // output channels per stage
    TORCH_ARG(int64_t, in_channels) = 3;
    TORCH_ARG(int64_t, blocks_per_stage) = 1;
    TORCH_ARG(bool, norm_after_conv) = false;
    TORCH_ARG(double, init_std) = 0.02;

public:  // TORCH_ARG leaves the section private

    int64_t stage_count() const { return static_cast<int64_t>(strides_.size()); }
    int64_t stage_in_channels(int64_t stage) const { return stage == 0 ? in_channels_ : dims_[stage - 1]; }
    int64_t stage_parameter_count(int64_t stage) const;
    /** "LN_cf, Conv4x4/4 64->64, ConvNeXt(64)" */
    std::string stage_description(int64_t stage) const;
    /** Product of the strides: how much smaller the output grid is. */
    int64_t total_stride() const;
};

class ConvNeXtEncoderImpl : public torch::nn::Module {
public:
    explicit ConvNeXtEncoderImpl(const ConvNeXtEncoderOptions &options);
    /** [B,in,H,W] -> [B,dims.back(),H/P,W/P]; H and W must be multiples of P. */
    torch::Tensor forward(const torch::Tensor &x);
    const ConvNeXtEncoderOptions &options() const { return options_; }

private:
    /** One down-sampling conv + LN_cf + ConvNeXt blocks. */
    class StageImpl : public torch::nn::Module {
    public:
        StageImpl(const ConvNeXtEncoderOptions &options, int64_t stage);
        torch::Tensor forward(const torch::Tensor &x);

    private:
        bool norm_first_;
        torch::nn::Conv2d conv_{nullptr};
        LayerNormChannelsFirst norm_{nullptr};
        torch::nn::Sequential blocks_{nullptr};
    };

    ConvNeXtEncoderOptions options_;
    std::vector<std::shared_ptr<StageImpl>> stages_;
};
TORCH_MODULE(ConvNeXtEncoder);

}  // namespace nerv

#include "arch/layers/dnerv_convnext_block.h"

#include "arch/layers/activation.h"
#include "arch/layers/convnext.h"
#include "core/error.h"

namespace nerv {

namespace {
constexpr int64_t kKernel = 7;
constexpr int64_t kExpansion = 4;
}  // namespace

int64_t DnervConvNeXtBlockImpl::parameter_count(int64_t dim)
{
    // 1x1 convs hold exactly the Linears' weights and biases.
    return ConvNeXtBlockOptions(dim).dw_kernel(kKernel).mlp_ratio(kExpansion).parameter_count();
}

DnervConvNeXtBlockImpl::DnervConvNeXtBlockImpl(int64_t dim)
{
    if (dim < 1)
        fail_invalid_argument(format("DNeRV ConvNeXt block: dim %lld must be >= 1", (long long)dim));
    const int64_t hidden = kExpansion * dim;
    dwconv_ = register_module(
        "dwconv", torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim, kKernel).padding(kKernel / 2).groups(dim)));
    // Created like the reference but never applied (see the header).
    register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    pwconv1_ = register_module("pwconv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, hidden, 1)));
    act_ = make_activation("gelu");
    register_module("act", act_.ptr());
    pwconv2_ = register_module("pwconv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, dim, 1)));
    register_parameter("gamma", torch::full({dim}, 1e-6));
}

torch::Tensor DnervConvNeXtBlockImpl::forward(const torch::Tensor &x)
{
    return x + pwconv2_->forward(act_.forward(pwconv1_->forward(dwconv_->forward(x))));
}

}  // namespace nerv

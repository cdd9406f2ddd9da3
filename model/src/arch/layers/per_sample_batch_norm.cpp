#include "arch/layers/per_sample_batch_norm.h"

#include "core/error.h"

namespace nerv {

PerSampleBatchNormImpl::PerSampleBatchNormImpl(int64_t channels, double eps) : eps_(eps)
{
    if (channels < 1 || !(eps > 0))
        fail_invalid_argument("per-sample batch norm: channels >= 1 and eps > 0 required");
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor PerSampleBatchNormImpl::forward(const torch::Tensor &x)
{
    if (x.dim() != 4 || x.size(1) != weight.size(0))
        fail_invalid_argument(format("per-sample batch norm: input must be [B,%lld,H,W]", (long long)weight.size(0)));
    // Instance normalisation with BN's affine parameters is batch-1 BatchNorm per sample.
    namespace F = torch::nn::functional;
    return F::instance_norm(x, F::InstanceNormFuncOptions().weight(weight).bias(bias).eps(eps_));
}

}  // namespace nerv

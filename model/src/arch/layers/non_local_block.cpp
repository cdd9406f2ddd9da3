#include "arch/layers/non_local_block.h"

#include "core/error.h"

namespace nerv {

namespace {

torch::nn::Conv2d conv1x1(int64_t in, int64_t out) { return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)); }

}  // namespace

NonLocalBlockImpl::NonLocalBlockImpl(const NonLocalBlockOptions &options)
{
    if (options.channels() < 1 || options.inner_channels() < 1)
        fail_invalid_argument("non-local block: channels and inner_channels must be >= 1");
    theta_ = register_module("theta", conv1x1(options.channels(), options.inner_channels()));
    phi_ = register_module("phi", conv1x1(options.channels(), options.inner_channels()));
    g_ = register_module("g", conv1x1(options.channels(), options.inner_channels()));
    out_ = register_module("out", conv1x1(options.inner_channels(), options.channels()));
    torch::NoGradGuard no_grad;
    out_->weight.zero_();
    out_->bias.zero_();
}

torch::Tensor NonLocalBlockImpl::forward(const torch::Tensor &x)
{
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3);
    const torch::Tensor theta = theta_->forward(x).flatten(2).transpose(1, 2);  // [N, HW, d]
    const torch::Tensor phi = phi_->forward(x).flatten(2);                      // [N, d, HW]
    const torch::Tensor g = g_->forward(x).flatten(2).transpose(1, 2);          // [N, HW, d]
    const torch::Tensor attention = torch::softmax(torch::bmm(theta, phi), -1); // [N, HW(query), HW(key)]
    const torch::Tensor y = torch::bmm(attention, g).transpose(1, 2).reshape({n, -1, h, w});
    return x + out_->forward(y);
}

}  // namespace nerv

#include "arch/layers/hmf.h"

#include "core/error.h"

namespace nerv {

HmfImpl::HmfImpl(const HmfOptions &options)
{
    if (options.time_dim() < 1 || options.space_dim() < 1 || options.rank() < 1 || options.order() < 1)
        fail_invalid_argument("HMF: widths, rank and order must be >= 1");
    torch::nn::ModuleList time, space;
    for (int64_t n = 0; n < options.order(); ++n) {
        time_.push_back(torch::nn::Linear(options.time_dim(), options.rank()));
        space_.push_back(torch::nn::Linear(options.space_dim(), options.rank()));
        time->push_back(time_.back());
        space->push_back(space_.back());
    }
    register_module("time", time);
    register_module("space", space);
}

torch::Tensor HmfImpl::forward(const torch::Tensor &time, const torch::Tensor &space)
{
    // [B, 1, k] + [1, P, k] -> [B, P, k]
    auto first_order = [&](size_t n) {
        return time_[n]->forward(time).unsqueeze(1) + space_[n]->forward(space).unsqueeze(0);
    };
    torch::Tensor x = first_order(0);
    for (size_t n = 1; n < time_.size(); ++n)
        x = first_order(n) * x + x;
    return x;
}

}  // namespace nerv

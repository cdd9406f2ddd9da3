#include "arch/layers/pnerv_poly_embedding.h"

#include <cmath>

#include "core/error.h"

namespace nerv {

int64_t PnervPpeOptions::parameter_count() const
{
    const int64_t flat = map_channels() * fine_rows_ * fine_cols_;
    return NonLocalBlockOptions(map_channels(), nonlocal_channels_).parameter_count() + flat * out_dim_ + out_dim_;
}

PnervPpeImpl::PnervPpeImpl(const PnervPpeOptions &options) : options_(options)
{
    if (options.fine_rows() < 1 || options.fine_cols() < 1 || options.out_dim() < 1 || options.pe().levels < 1)
        fail_invalid_argument("PPE: fine grid, PE levels and output width must be >= 1");
    const NonLocalBlockOptions nonlocal(options.map_channels(), options.nonlocal_channels());
    nonlocal_ = register_module("nonlocal", NonLocalBlock(nonlocal));
    const int64_t flat = options.map_channels() * options.fine_rows() * options.fine_cols();
    linear_ = register_module("linear", torch::nn::Linear(flat, options.out_dim()));
}

torch::Tensor PnervPpeImpl::forward(const torch::Tensor &fine)
{
    const int64_t k = options_.fine_rows(), l = options_.fine_cols();
    if (fine.dim() != 4 || fine.size(1) != k || fine.size(2) != l || fine.size(3) != 2)
        fail_invalid_argument(format("PPE: expected fine coordinates [P, %lld, %lld, 2]", (long long)k, (long long)l));
    const int64_t p = fine.size(0);
    const torch::Tensor rows = positional_encoding(fine.select(3, 0).reshape({-1}), options_.pe());  // [PKL, 2l]
    const torch::Tensor cols = positional_encoding(fine.select(3, 1).reshape({-1}), options_.pe());
    const torch::Tensor map = torch::cat({rows, cols}, 1).view({p, k, l, -1}).permute({0, 3, 1, 2}).contiguous();
    return linear_->forward(nonlocal_->forward(map).flatten(1));
}

torch::Tensor time_aware_spatial_embedding(const torch::Tensor &coarse, const torch::Tensor &t, int64_t levels,
                                           double base)
{
    if (coarse.dim() != 2 || coarse.size(1) != 2 || t.dim() != 1 || levels < 1 || !(base > 0))
        fail_invalid_argument("TSE: expected coarse [P, 2], t [B], levels >= 1 and base > 0");
    const torch::Tensor lambda = coarse.to(torch::kDouble);
    const torch::Tensor scale = torch::pow(torch::full({levels}, base, lambda.options()),
                                           torch::arange(levels, lambda.options()));  // b^a  [n]
    const torch::Tensor row = lambda.select(1, 0).unsqueeze(1), col = lambda.select(1, 1).unsqueeze(1);  // [P, 1]
    const torch::Tensor omega = 2 * M_PI * scale + torch::sin(2 * M_PI * row * scale) / scale +
                                torch::sin(2 * M_PI * col * scale) / scale;  // [P, n]
    const torch::Tensor phase = omega.unsqueeze(0) * t.to(lambda.device(), torch::kDouble).view({-1, 1, 1});
    // [cos, sin] per level, interleaved as Eq. 6 writes them.
    return torch::stack({torch::cos(phase), torch::sin(phase)}, -1).flatten(2).to(torch::kFloat);
}

}  // namespace nerv

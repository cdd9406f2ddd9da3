#include "arch/layers/kfc.h"

#include <cmath>

#include "core/error.h"

namespace nerv {

int64_t KroneckerFcOptions::parameter_count() const
{
    return channels_ * (out_height_ * in_height_ + in_width_ * out_width_) + out_height_ + out_width_ + channels_;
}

std::string KroneckerFcOptions::description() const
{
    return format("KFc %lldx%lld->%lldx%lld (%lld ch)", (long long)in_height_, (long long)in_width_,
                  (long long)out_height_, (long long)out_width_, (long long)channels_);
}

KroneckerFcImpl::KroneckerFcImpl(const KroneckerFcOptions &o) : options_(o)
{
    if (o.channels() < 1 || o.in_height() < 1 || o.in_width() < 1 || o.out_height() < 1 || o.out_width() < 1)
        fail_invalid_argument("KFc: channels and sizes must be >= 1");
    const int64_t c = o.channels();
    // PyTorch's fan_out of a 3-D tensor [a, b, k] is a * k; gain sqrt(2) for relu.
    const double std_l = std::sqrt(2.0 / static_cast<double>(c * o.in_height()));
    const double std_r = std::sqrt(2.0 / static_cast<double>(c * o.out_width()));
    w_l = register_parameter("w_l", torch::randn({c, o.out_height(), o.in_height()}) * std_l);
    w_r = register_parameter("w_r", torch::randn({c, o.in_width(), o.out_width()}) * std_r);
    b_h = register_parameter("b_h", torch::zeros({o.out_height(), 1}));
    b_w = register_parameter("b_w", torch::zeros({1, o.out_width()}));
    b_c = register_parameter("b_c", torch::zeros({c, 1}));
}

torch::Tensor KroneckerFcImpl::forward(const torch::Tensor &x)
{
    const KroneckerFcOptions &o = options_;
    if (x.dim() != 4 || x.size(1) != o.channels() || x.size(2) != o.in_height() || x.size(3) != o.in_width())
        fail_invalid_argument(format("KFc: input must be [B,%lld,%lld,%lld]", (long long)o.channels(),
                                     (long long)o.in_height(), (long long)o.in_width()));
    // b_c[c] * b_h[h] * b_w[w], the reference's (b_c @ vec(b_h @ b_w)^T) reshaped.
    const torch::Tensor bias = b_c.view({-1, 1, 1}) * torch::matmul(b_h, b_w).unsqueeze(0);
    return torch::matmul(torch::matmul(w_l, x), w_r) + bias;
}

}  // namespace nerv

#include "arch/layers/poly_upsampler.h"

#include "core/error.h"

namespace nerv {

namespace {

constexpr int kOrder = 3;

torch::Tensor as_map(const torch::Tensor &v) { return v.unsqueeze(-1).unsqueeze(-1); }

}  // namespace

int64_t PolyUpsamplerOptions::parameter_count() const
{
    const int64_t c = hidden_;
    return kOrder * ((in_dim_ + 1) * c) + (c * c * grid_h_ * grid_w_ + c) + (kOrder - 1) * (c * c * 9 + c) +
           (c * out_channels_ + out_channels_);
}

std::string PolyUpsamplerOptions::description() const
{
    return format("Linear %lld->%lld x%d, ConvT%lldx%lld 1x1->grid, ConvT3x3 %lld->%lld x%d, products, "
                  "ConvT1x1 %lld->%lld",
                  (long long)in_dim_, (long long)hidden_, kOrder, (long long)grid_h_, (long long)grid_w_,
                  (long long)hidden_, (long long)hidden_, kOrder - 1, (long long)hidden_, (long long)out_channels_);
}

PolyUpsamplerImpl::PolyUpsamplerImpl(const PolyUpsamplerOptions &o)
{
    if (o.in_dim() < 1 || o.hidden() < 1 || o.out_channels() < 1 || o.grid_h() < 1 || o.grid_w() < 1)
        fail_invalid_argument("U: widths and grid must be >= 1");
    namespace nn = torch::nn;
    nn::ModuleList a, s;
    for (int n = 0; n < kOrder; ++n) {
        a_.push_back(nn::Linear(o.in_dim(), o.hidden()));
        a->push_back(a_.back());
    }
    project_ = nn::ConvTranspose2d(nn::ConvTranspose2dOptions(o.hidden(), o.hidden(), {o.grid_h(), o.grid_w()}));
    for (int n = 1; n < kOrder; ++n) {
        s_.push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(o.hidden(), o.hidden(), 3).padding(1)));
        s->push_back(s_.back());
    }
    out_ = nn::ConvTranspose2d(nn::ConvTranspose2dOptions(o.hidden(), o.out_channels(), 1));
    register_module("a", a);
    register_module("project", project_);
    register_module("s", s);
    register_module("out", out_);
}

torch::Tensor PolyUpsamplerImpl::forward(const torch::Tensor &z)
{
    torch::Tensor x = project_->forward(as_map(a_[0]->forward(z)));
    for (int n = 1; n < kOrder; ++n)
        x = as_map(a_[n]->forward(z)) * s_[n - 1]->forward(x);
    return out_->forward(x);
}

}  // namespace nerv

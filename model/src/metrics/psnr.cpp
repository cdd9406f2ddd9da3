#include "metrics/psnr.h"

#include <cmath>

#include "core/error.h"

namespace nerv {

namespace {
// -10 log10(1e-10): identical frames report this instead of infinity.
constexpr double kMinMse = 1e-10;
constexpr double kMaxPsnr = 100.0;
}  // namespace

torch::Tensor psnr(const torch::Tensor &x, const torch::Tensor &y)
{
    if (!x.defined() || !y.defined() || x.sizes() != y.sizes() || x.dim() < 1)
        fail_invalid_argument("psnr: inputs must be defined tensors [B,...] of one shape");
    if (x.scalar_type() != y.scalar_type() || !x.is_floating_point())
        fail_invalid_argument("psnr: inputs must share one floating-point dtype");
    const torch::Tensor mse = (x - y).pow(2).reshape({x.size(0), -1}).mean(1);
    // log10 of the clamped value keeps the unselected branch (and its gradient) finite.
    const torch::Tensor db = -10 * torch::log10(mse.clamp_min(kMinMse));
    return torch::where(mse > kMinMse, db, torch::full_like(db, kMaxPsnr));
}

torch::Tensor psnr_visible(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &visible)
{
    if (!x.defined() || !y.defined() || x.sizes() != y.sizes() || x.dim() < 1)
        fail_invalid_argument("psnr_visible: inputs must be defined tensors [B,...] of one shape");
    if (!visible.defined() || visible.dim() != x.dim() || visible.size(0) != x.size(0))
        fail_invalid_argument("psnr_visible: the visibility mask must have the inputs' rank and batch");
    const torch::Tensor v = visible.to(x.scalar_type()).expand_as(x);
    const torch::Tensor seen = v.reshape({x.size(0), -1}).sum(1);
    const torch::Tensor mse = ((x - y).pow(2) * v).reshape({x.size(0), -1}).sum(1) / seen.clamp_min(1);
    const torch::Tensor db = -10 * torch::log10(mse.clamp_min(kMinMse));
    return torch::where(mse > kMinMse, db, torch::full_like(db, kMaxPsnr));
}

double psnr_from_mse(double mse)
{
    return mse <= kMinMse ? kMaxPsnr : -10.0 * std::log10(mse);
}

}  // namespace nerv

#include "train/quant_aware.h"

#include "core/error.h"

namespace nerv {

torch::Tensor fake_quantize(const torch::Tensor &t, int bits, bool zero_symbol)
{
    if (bits < 2 || bits > 16)
        fail_invalid_argument(format("quantization-aware training: %d bits is outside 2..16", bits));
    torch::NoGradGuard no_grad;
    const torch::Tensor x = t.to(torch::kFloat32);
    if (x.numel() == 0)
        return x.clone();
    const torch::Tensor zero = zero_symbol ? x.eq(0) : torch::Tensor();
    torch::Tensor lo, hi;
    if (zero_symbol) {
        const torch::Tensor kept = x.masked_select(zero.logical_not());
        if (kept.numel() == 0)
            return torch::zeros_like(x);
        lo = kept.min();
        hi = kept.max();
    } else {
        lo = x.min();
        hi = x.max();
    }
    const double levels = static_cast<double>((1 << bits) - 1);
    const torch::Tensor scale = (hi - lo) / levels;
    // A constant tensor (scale 0) gives 0/0 here; the codec codes it as q = 0.
    const torch::Tensor q = torch::where(scale > 0, (x - lo).div(scale).round().clamp(0, levels), torch::zeros_like(x));
    torch::Tensor out = lo + scale * q;
    if (zero_symbol)
        out.masked_fill_(zero, 0.0f);
    return out.to(t.scalar_type());
}

QuantAwareWeights::QuantAwareWeights(VideoModelImpl &model, int bits, const std::set<std::string> &zero_symbol)
    : bits_(bits)
{
    for (auto &p : model.named_parameters(true)) {
        if (!model.is_transmitted(p.key()) || p.value().numel() == 0)
            continue;
        params_.push_back(p.value());
        zero_symbol_.push_back(zero_symbol.count(p.key()) != 0);
    }
}

void QuantAwareWeights::quantize_for_step()
{
    torch::NoGradGuard no_grad;
    if (saved_.empty()) {  // allocated once, reused by every step
        for (const auto &p : params_)
            saved_.push_back(torch::empty_like(p));
    }
    for (size_t i = 0; i < params_.size(); ++i)
        saved_[i].copy_(params_[i]);
    snap();
    holding_float_ = true;
}

void QuantAwareWeights::restore_float()
{
    if (!holding_float_)
        return;
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i)
        params_[i].copy_(saved_[i]);
    holding_float_ = false;
}

void QuantAwareWeights::snap() const
{
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i)
        params_[i].copy_(fake_quantize(params_[i], bits_, zero_symbol_[i]));
}

}  // namespace nerv

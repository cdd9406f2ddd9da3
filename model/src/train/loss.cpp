#include "train/loss.h"

#include "core/error.h"
#include "metrics/ssim.h"

namespace nerv {

namespace {

torch::Tensor mean_per_sample(const torch::Tensor &values)
{
    return values.reshape({values.size(0), -1}).mean(1);
}

}  // namespace

torch::Tensor LossFunction::per_sample(const torch::Tensor &output_in, const torch::Tensor &target_in,
                                       const torch::Tensor &visible) const
{
    if (!output_in.defined() || !target_in.defined() || output_in.sizes() != target_in.sizes() || output_in.dim() < 1)
        fail_invalid_argument("loss: output and target must be defined tensors [B,...] of one shape");
    if (output_in.scalar_type() != target_in.scalar_type() || !output_in.is_floating_point())
        fail_invalid_argument("loss: output and target must share one floating-point dtype");
    torch::Tensor output = output_in, target = target_in;
    if (visible.defined()) {
        if (visible.dim() != output.dim() || visible.size(0) != output.size(0))
            fail_invalid_argument("loss: the visibility mask must have the output's rank and batch");
        const torch::Tensor v = visible.to(output.scalar_type());
        output = output * v;
        target = target * v;
    }
    const torch::Tensor diff = output - target;
    switch (kind_) {
    case LossKind::L2:
        return mean_per_sample(diff.pow(2));
    case LossKind::Fusion6:
        // The references' "Fusion6": 0.7 L1 + 0.3 (1 - SSIM), SSIM with data range 1.
        return 0.7 * mean_per_sample(diff.abs()) + 0.3 * (1 - ssim(output, target));
    case LossKind::L1:
        // Mean absolute error: its minimiser is the median, so isolated outliers (impulse
        // noise) pull the fit far less than under L2, and it has no SSIM term that would
        // reward matching the target's local variance (which noise inflates).
        return mean_per_sample(diff.abs());
    }
    fail_invalid_argument("loss: unknown loss kind");
}

torch::Tensor LossFunction::operator()(const torch::Tensor &output, const torch::Tensor &target,
                                       const torch::Tensor &visible) const
{
    return per_sample(output, target, visible).mean();
}

}  // namespace nerv

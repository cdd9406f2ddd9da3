#include "train/recipe.h"

#include <cmath>

namespace nerv {

double LrSchedule::multiplier(double epoch, int epochs) const
{
    double warm = warmup_fraction * epochs;
    if (warmup_whole_epochs)
        warm = std::floor(warm);
    if (epoch < warm)
        return start_multiplier + (1.0 - start_multiplier) * std::pow(epoch / warm, power);
    const double span = epochs - warm;
    if (span <= 0)
        return 1.0;
    return 0.5 * (1.0 + std::cos(M_PI * (epoch - warm) / span));
}

const char *loss_name(LossKind k)
{
    switch (k) {
    case LossKind::L2: return "l2";
    case LossKind::Fusion6: return "fusion6";
    case LossKind::L1: return "l1";
    }
    return "?";
}

bool parse_loss(const std::string &name, LossKind *out)
{
    if (name == "l2" || name == "L2" || name == "mse") {
        *out = LossKind::L2;
        return true;
    }
    if (name == "fusion6" || name == "Fusion6" || name == "l1+ssim") {
        *out = LossKind::Fusion6;
        return true;
    }
    if (name == "l1" || name == "L1" || name == "mae") {
        *out = LossKind::L1;
        return true;
    }
    return false;
}

}  // namespace nerv

// A training recipe: optimizer, schedule, loss, epochs. Each architecture has its
// paper's recipe as default (arch/registry.h); encoder settings override fields.
#pragma once

#include <string>

namespace nerv {

enum class LossKind { L2, Fusion6, L1 };

/**
 * Warm-up + cosine learning-rate multiplier, the family all references use:
 *   e < warm:  start + (1 - start) * (e / warm)^power
 *   else:      0.5 * (1 + cos(pi * (e - warm) / (epochs - warm)))
 * with e = epoch + iteration / iterations_per_epoch (fractional epochs).
 * NeRV: warm = int(0.2 * epochs) (integer epochs); HNeRV: warm = 0.1 * epochs (exact).
 */
struct LrSchedule {
    double warmup_fraction = 0.2;
    bool warmup_whole_epochs = true;  // NeRV truncates warm-up to whole epochs
    double start_multiplier = 0.1;
    double power = 1.0;

    double multiplier(double epoch, int epochs) const;
};

struct TrainRecipe {
    int epochs = 300;
    double lr = 5e-4;
    double beta1 = 0.5, beta2 = 0.999;
    double weight_decay = 0.0;
    int batch_size = 1;
    bool drop_last = true;     // incomplete last batch skipped (both references' train loaders)
    LossKind loss = LossKind::Fusion6;
    double grad_clip = 0.0;    // max global gradient norm; 0 = off
    LrSchedule schedule;
};

/** The loss names the settings accept, as error messages list them. */
constexpr const char *kLossChoices = "l2, fusion6, l1";

const char *loss_name(LossKind k);
bool parse_loss(const std::string &name, LossKind *out);

}  // namespace nerv

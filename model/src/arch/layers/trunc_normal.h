// Truncated normal initialisation (timm's trunc_normal_, which the ConvNeXt encoders
// use): N(mean, std^2) restricted to [lo, hi], drawn by inverse-CDF sampling from the
// torch generator, so torch::manual_seed() makes it reproducible. Note timm's bounds
// are absolute values (default -2..2), not multiples of std: with std 0.02 they never
// bite, and we keep that meaning so initial weights follow the same distribution.
#pragma once

#include <torch/torch.h>

namespace nerv {

/** Fill `tensor` in place (no autograd). Throws -EINVAL unless std > 0 and lo < hi. */
void trunc_normal_(torch::Tensor &tensor, double mean, double std, double lo = -2.0, double hi = 2.0);

}  // namespace nerv

// The one in-between rule: a held-out frame's per-frame tensors (encoder), a fractional
// position's tensors (decoder) and the blend across a segment boundary all take the straight
// line between two neighbours, computed in double so every caller rounds the same way.
#pragma once

#include <cstddef>

namespace nerv {

/** out[k] = (1 - w) * a[k] + w * b[k] for k < n; out may alias a or b. */
inline void lerp_values(const float *a, const float *b, size_t n, double w, float *out)
{
    for (size_t k = 0; k < n; ++k)
        out[k] = static_cast<float>((1.0 - w) * a[k] + w * b[k]);
}

}  // namespace nerv

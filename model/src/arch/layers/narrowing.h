// Narrowing an architecture's floor widths for a small parameter budget. The widths that do not
// follow fc_dim or c1 (stems, transformer and MLP widths, lower_width, PNeRV-poly's PPE and
// rank) set a smallest model whatever the budget; below it they are all scaled by one factor,
// 1, 0.85, 0.85^2, ..., each keeping a least value, until the smallest model fits.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace nerv {

/** `width` scaled by `scale`, rounded, at least `least`. */
inline int64_t narrowed(int64_t width, double scale, int64_t least)
{
    return std::max<int64_t>(least, std::llround(static_cast<double>(width) * scale));
}

/** make(scale): a config whose floor widths are narrowed by `scale`; fits(config): whether its
 *  smallest model meets the budget. Returns the first config that fits, else the narrowest
 *  (every width at its least by then). */
template <typename Make, typename Fits>
auto narrow_until_fits(const Make &make, const Fits &fits) -> decltype(make(1.0))
{
    auto config = make(1.0);
    for (double scale = 0.85; !fits(config) && scale > 1e-3; scale *= 0.85)
        config = make(scale);
    return config;
}

}  // namespace nerv

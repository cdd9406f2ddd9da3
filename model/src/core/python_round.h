// Python's round(): halves go to the even neighbour. The references compute channel
// widths with it (SNeRV: round(111 / 1.2) = round(92.5) = 92, where std::round gives 93).
#pragma once

#include <cfenv>
#include <cmath>
#include <cstdint>

namespace nerv {

inline int64_t python_round(double x)
{
    const int saved = std::fegetround();
    std::fesetround(FE_TONEAREST);
    const double r = std::nearbyint(x);
    std::fesetround(saved);
    return static_cast<int64_t>(r);
}

/** Python's a // b for positive integers (floor division). */
inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

}  // namespace nerv

// Whole-picture quality figures for the C API (torch-free interface).
#pragma once

#include <cstdint>

#include "nerv/nerv.h"

namespace nerv {

/** a, b: planar 8-bit RGB, 3 * height * width each. MS-SSIM is -1 when the picture is too small. */
NervMetrics compare_rgb_planar(const uint8_t *a, const uint8_t *b, int width, int height);

}  // namespace nerv

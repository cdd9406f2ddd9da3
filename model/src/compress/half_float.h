// IEEE 754 binary16 ("half") conversion. HNeRV stores its per-axis quantization
// statistics as float16, so the encoder must round them exactly as torch does
// (round to nearest, ties to even, subnormals kept) for the stored values to be the
// ones it evaluated. Implemented here so compress/ needs no LibTorch.
#pragma once

#include <cstdint>

namespace nerv {

/** Bits of the half nearest to `value` (ties to even; overflow -> inf; NaN stays NaN). */
uint16_t float_to_half_bits(float value);
/** The float with exactly the value of the half `bits` (every half is representable). */
float half_bits_to_float(uint16_t bits);
/** `value` rounded to the nearest half, returned as float. */
inline float round_to_half(float value) { return half_bits_to_float(float_to_half_bits(value)); }

}  // namespace nerv

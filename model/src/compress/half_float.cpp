#include "compress/half_float.h"

#include <cstring>

namespace nerv {

namespace {

uint32_t float_bits(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    return bits;
}

float bits_float(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

constexpr uint32_t kFloatInfBits = 0x7f800000u;
// 65520 = halfway between 65504 (largest finite half, odd mantissa) and 2^16: ties to even -> inf.
constexpr uint32_t kFirstOverflowBits = 0x477ff000u;
constexpr uint32_t kSmallestNormalHalfBits = 0x38800000u;  // 2^-14 as a float
constexpr uint32_t kHalfOfSmallestSubnormalBits = 0x33000000u;  // 2^-25: rounds (tie) to 0
constexpr uint32_t kExponentRebias = (127 - 15) << 23;

}  // namespace

uint16_t float_to_half_bits(float value)
{
    const uint32_t bits = float_bits(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;

    if (magnitude > kFloatInfBits)  // NaN: keep it quiet and keep the top of its payload
        return static_cast<uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    if (magnitude >= kFirstOverflowBits)
        return static_cast<uint16_t>(sign | 0x7c00u);
    if (magnitude >= kSmallestNormalHalfBits) {
        // Drop 13 mantissa bits, rounding to nearest even; a carry out of the mantissa
        // correctly bumps the exponent.
        const uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
        return static_cast<uint16_t>(sign | ((rounded - kExponentRebias) >> 13));
    }
    if (magnitude <= kHalfOfSmallestSubnormalBits)
        return sign;
    // Subnormal half: the value in units of 2^-24, rounded to nearest even. A result of
    // 0x400 is the smallest normal half, which is exactly the right bit pattern.
    const uint32_t exponent = magnitude >> 23;
    const uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - exponent;  // >= 14 here
    uint32_t units = mantissa >> shift;
    const uint32_t remainder = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (units & 1u)))
        ++units;
    return static_cast<uint16_t>(sign | units);
}

float half_bits_to_float(uint16_t bits)
{
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1fu;
    const uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24 is exact in float.
        const float magnitude = static_cast<float>(mantissa) * bits_float(0x33800000u);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31)
        return bits_float(sign | kFloatInfBits | (mantissa << 13));
    return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

}  // namespace nerv

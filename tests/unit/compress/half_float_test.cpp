#include <cmath>
#include <cstdint>
#include <cstring>

#include <gtest/gtest.h>

#include "compress/half_float.h"

namespace NERV_TEST_FILE {

float from_bits(uint32_t bits)
{
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

TEST(HalfFloatTest, ConvertsKnownValues)
{
    EXPECT_EQ(nerv::float_to_half_bits(0.0f), 0x0000);
    EXPECT_EQ(nerv::float_to_half_bits(-0.0f), 0x8000);
    EXPECT_EQ(nerv::float_to_half_bits(1.0f), 0x3c00);
    EXPECT_EQ(nerv::float_to_half_bits(-2.0f), 0xc000);
    EXPECT_EQ(nerv::float_to_half_bits(0.1f), 0x2e66);  // 0.0999755859375
    EXPECT_EQ(nerv::float_to_half_bits(65504.0f), 0x7bff);
    EXPECT_EQ(nerv::float_to_half_bits(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
    EXPECT_EQ(nerv::float_to_half_bits(INFINITY), 0x7c00);
    EXPECT_EQ(nerv::float_to_half_bits(-INFINITY), 0xfc00);
    EXPECT_TRUE(std::isnan(nerv::half_bits_to_float(nerv::float_to_half_bits(NAN))));
}

TEST(HalfFloatTest, TiesRoundToEven)
{
    // 1 + 2^-11 lies halfway between 1 (even mantissa) and 1 + 2^-10: stays 1.
    EXPECT_EQ(nerv::float_to_half_bits(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
    // 1 + 3 * 2^-11 lies halfway between mantissas 1 (odd) and 2 (even): goes up.
    EXPECT_EQ(nerv::float_to_half_bits(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
    // Just above the first tie: rounds up.
    EXPECT_EQ(nerv::float_to_half_bits(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01);
    // 65520 is the tie between 65504 (odd mantissa) and 2^16: overflows to inf; just below stays finite.
    EXPECT_EQ(nerv::float_to_half_bits(65520.0f), 0x7c00);
    EXPECT_EQ(nerv::float_to_half_bits(std::nextafter(65520.0f, 0.0f)), 0x7bff);
    // Mantissa carry into the exponent: 2047.5 -> tie between 2047 (odd) and 2048.
    EXPECT_EQ(nerv::float_to_half_bits(2047.5f), 0x6800);
}

TEST(HalfFloatTest, RoundsSubnormals)
{
    const float unit = std::ldexp(1.0f, -24);  // smallest subnormal half
    EXPECT_EQ(nerv::float_to_half_bits(unit), 0x0001);
    EXPECT_EQ(nerv::float_to_half_bits(0.5f * unit), 0x0000);        // tie -> even 0
    EXPECT_EQ(nerv::float_to_half_bits(-0.5f * unit), 0x8000);
    EXPECT_EQ(nerv::float_to_half_bits(std::nextafter(0.5f * unit, 1.0f)), 0x0001);
    EXPECT_EQ(nerv::float_to_half_bits(1.5f * unit), 0x0002);        // tie -> even 2
    EXPECT_EQ(nerv::float_to_half_bits(2.5f * unit), 0x0002);        // tie -> even 2
    EXPECT_EQ(nerv::float_to_half_bits(1023.5f * unit), 0x0400);     // tie -> rounds up into the normals
    EXPECT_EQ(nerv::float_to_half_bits(from_bits(0x00000001u)), 0x0000);  // float subnormal
    EXPECT_EQ(nerv::half_bits_to_float(0x0001), unit);
    EXPECT_EQ(nerv::half_bits_to_float(0x03ff), 1023.0f * unit);
    EXPECT_EQ(nerv::half_bits_to_float(0x8001), -unit);
}

TEST(HalfFloatTest, EveryHalfRoundTripsThroughFloat)
{
    for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
        const float value = nerv::half_bits_to_float(static_cast<uint16_t>(bits));
        if (std::isnan(value)) {
            EXPECT_EQ(bits & 0x7c00u, 0x7c00u);
            continue;
        }
        ASSERT_EQ(nerv::float_to_half_bits(value), bits) << "half 0x" << std::hex << bits;
    }
}

TEST(HalfFloatTest, RoundsToTheNearestHalf)
{
    // Between consecutive finite halves a and b, every float goes to the nearer one.
    for (uint32_t bits = 0; bits < 0x7bff; bits += 37) {
        const float a = nerv::half_bits_to_float(static_cast<uint16_t>(bits));
        const float b = nerv::half_bits_to_float(static_cast<uint16_t>(bits + 1));
        const float mid = a + (b - a) / 2;  // exact: halves have 11 significant bits
        EXPECT_EQ(nerv::float_to_half_bits(std::nextafter(mid, a)), bits);
        EXPECT_EQ(nerv::float_to_half_bits(std::nextafter(mid, b)), bits + 1);
        EXPECT_EQ(nerv::float_to_half_bits(mid), (bits & 1u) ? bits + 1 : bits);
    }
}

}  // namespace NERV_TEST_FILE

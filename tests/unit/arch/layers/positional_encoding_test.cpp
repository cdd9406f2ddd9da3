#include "arch/layers/positional_encoding.h"

#include <cmath>

#include <gtest/gtest.h>

namespace nerv {
namespace NERV_TEST_FILE {

// t = 0.25, base 2, 2 levels: the angles are pi/4 and pi/2.
TEST(PositionalEncodingTest, InterleavedAndConcatenatedOrders)
{
    const float h = static_cast<float>(std::sqrt(0.5));
    PositionalEncodingOptions o;
    o.base = 2;
    o.levels = 2;
    o.order = PeOrder::Interleaved;  // NeRV, E-NeRV: sin0, cos0, sin1, cos1
    torch::Tensor inter = positional_encoding(torch::tensor({0.25f}), o);
    ASSERT_EQ(inter.sizes(), torch::IntArrayRef({1, 4}));
    EXPECT_TRUE(torch::allclose(inter[0], torch::tensor({h, h, 1.0f, 0.0f}), 1e-6, 1e-6));
    o.order = PeOrder::Concatenated;  // HNeRV, SNeRV: sin0, sin1, cos0, cos1
    torch::Tensor concat = positional_encoding(torch::tensor({0.25f}), o);
    EXPECT_TRUE(torch::allclose(concat[0], torch::tensor({h, 1.0f, h, 0.0f}), 1e-6, 1e-6));
}

TEST(PositionalEncodingTest, NervDefaultHas80ValuesPerFrame)
{
    PositionalEncodingOptions o;  // 1.25_40 interleaved
    torch::Tensor pe = positional_encoding(torch::tensor({0.0f, 0.5f, 0.75f}), o);
    EXPECT_EQ(pe.sizes(), torch::IntArrayRef({3, 80}));
    // Level 3 of t = 0.5: angle 1.25^3 * pi * 0.5.
    const double angle = std::pow(1.25, 3) * M_PI * 0.5;
    EXPECT_NEAR(pe[1][6].item<float>(), std::sin(angle), 1e-6);
    EXPECT_NEAR(pe[1][7].item<float>(), std::cos(angle), 1e-6);
    EXPECT_FLOAT_EQ(pe[0][1].item<float>(), 1.0f);  // cos(0)
}

TEST(PositionalEncodingTest, ParsesTheReferenceNotation)
{
    double base = 0;
    int levels = 0;
    ASSERT_TRUE(parse_pe_spec("1.25_40", &base, &levels));
    EXPECT_DOUBLE_EQ(base, 1.25);
    EXPECT_EQ(levels, 40);
    EXPECT_FALSE(parse_pe_spec("1.25", &base, &levels));
    EXPECT_FALSE(parse_pe_spec("x_40", &base, &levels));
    EXPECT_FALSE(parse_pe_spec("1.25_0", &base, &levels));
    EXPECT_FALSE(parse_pe_spec("1.25_40x", &base, &levels));
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

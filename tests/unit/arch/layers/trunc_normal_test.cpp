#include "arch/layers/trunc_normal.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

TEST(TruncNormalTest, StaysInsideTightBounds)
{
    torch::manual_seed(1);
    torch::Tensor t = torch::empty({20000});
    trunc_normal_(t, 0.0, 1.0, -0.5, 1.0);
    EXPECT_GE(t.min().item<double>(), -0.5);
    EXPECT_LE(t.max().item<double>(), 1.0);
    // Mean of N(0,1) truncated to [-0.5, 1]: (phi(-0.5) - phi(1)) / (Phi(1) - Phi(-0.5)) = 0.2066.
    EXPECT_NEAR(t.mean().item<double>(), 0.2066, 0.01);
}

TEST(TruncNormalTest, WideBoundsGiveThePlainNormal)
{
    torch::manual_seed(2);
    torch::Tensor t = torch::empty({50000});
    trunc_normal_(t, 0.1, 0.02);  // timm's absolute bounds -2..2 never bite at std 0.02
    EXPECT_NEAR(t.mean().item<double>(), 0.1, 0.0005);
    EXPECT_NEAR(t.std().item<double>(), 0.02, 0.0005);
}

TEST(TruncNormalTest, SeedMakesItReproducible)
{
    torch::Tensor a = torch::empty({100}), b = torch::empty({100});
    torch::manual_seed(5);
    trunc_normal_(a, 0.0, 0.02);
    torch::manual_seed(5);
    trunc_normal_(b, 0.0, 0.02);
    EXPECT_TRUE(torch::equal(a, b));
}

TEST(TruncNormalTest, RejectsBadArguments)
{
    torch::Tensor t = torch::empty({4});
    EXPECT_THROW(trunc_normal_(t, 0.0, 0.0), Error);
    EXPECT_THROW(trunc_normal_(t, 0.0, 1.0, 1.0, -1.0), Error);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

#include "arch/layers/dnerv_convnext_block.h"

#include <gtest/gtest.h>

#include "arch/layers/convnext.h"

namespace nerv {
namespace NERV_TEST_FILE {

TEST(DnervConvNeXtBlockTest, HoldsTheStandardBlocksParameters)
{
    // The unused norm and gamma are created so that counts equal the reference's.
    EXPECT_EQ(DnervConvNeXtBlockImpl::parameter_count(64), 36480);
    EXPECT_EQ(DnervConvNeXtBlockImpl::parameter_count(64), ConvNeXtBlockOptions(64).parameter_count());
    DnervConvNeXtBlock block(64);
    int64_t n = 0;
    for (const auto &p : block->parameters())
        n += p.numel();
    EXPECT_EQ(n, 36480);
    auto params = block->named_parameters();
    EXPECT_TRUE(params.contains("norm.weight"));
    EXPECT_TRUE(params.contains("gamma"));
    EXPECT_EQ(params["pwconv1.weight"].sizes(), torch::IntArrayRef({256, 64, 1, 1}));
}

TEST(DnervConvNeXtBlockTest, IgnoresItsNormAndLayerScale)
{
    torch::manual_seed(0);
    DnervConvNeXtBlock block(8);
    const torch::Tensor x = torch::randn({2, 8, 9, 9});
    const torch::Tensor y = block->forward(x);
    auto params = block->named_parameters();
    namespace F = torch::nn::functional;
    const torch::Tensor dw = F::conv2d(x, params["dwconv.weight"],
                                       F::Conv2dFuncOptions().bias(params["dwconv.bias"]).padding(3).groups(8));
    const torch::Tensor h = torch::gelu(F::conv2d(dw, params["pwconv1.weight"],
                                                  F::Conv2dFuncOptions().bias(params["pwconv1.bias"])));
    const torch::Tensor expected =
        x + F::conv2d(h, params["pwconv2.weight"], F::Conv2dFuncOptions().bias(params["pwconv2.bias"]));
    EXPECT_TRUE(torch::allclose(y, expected, 1e-5, 1e-5));
    // Unlike the standard block (gamma 1e-6), the branch is not scaled down at all.
    EXPECT_GT((y - x).abs().max().item<float>(), 1e-2f);
    {
        torch::NoGradGuard no_grad;
        params["norm.weight"].fill_(5);
        params["norm.bias"].fill_(1);
        params["gamma"].fill_(3);
    }
    EXPECT_TRUE(torch::equal(block->forward(x), y));
}

TEST(DnervConvNeXtBlockTest, UnusedParametersReceiveNoGradient)
{
    torch::manual_seed(1);
    DnervConvNeXtBlock block(4);
    block->forward(torch::randn({1, 4, 8, 8})).sum().backward();
    auto params = block->named_parameters();
    EXPECT_FALSE(params["norm.weight"].grad().defined());
    EXPECT_FALSE(params["gamma"].grad().defined());
    EXPECT_TRUE(params["dwconv.weight"].grad().defined());
    EXPECT_TRUE(torch::isfinite(params["pwconv1.weight"].grad()).all().item<bool>());
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

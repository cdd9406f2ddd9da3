#include "arch/layers/pixel_shuffle_block.h"

#include <gtest/gtest.h>

namespace nerv {
namespace NERV_TEST_FILE {

int64_t module_parameters(torch::nn::Module &m)
{
    int64_t n = 0;
    for (const auto &p : m.parameters())
        n += p.numel();
    return n;
}

TEST(PixelShuffleBlockTest, ShapeCountAndDescription)
{
    PixelShuffleBlockOptions o(8, 4, 2);
    PixelShuffleBlock block(o);
    torch::Tensor y = block->forward(torch::randn({2, 8, 5, 7}));
    EXPECT_EQ(y.sizes(), torch::IntArrayRef({2, 4, 10, 14}));
    EXPECT_EQ(module_parameters(*block), o.parameter_count());
    EXPECT_EQ(o.parameter_count(), 8 * 16 * 9 + 16);
    EXPECT_EQ(o.description(), "Conv3x3 8->16, PS2, GELU");
    EXPECT_EQ(block->named_parameters().size(), 2u);
    EXPECT_TRUE(block->named_parameters().contains("conv.weight"));
}

// out[c, h*r + i, w*r + j] = act(conv[c*r*r + i*r + j, h, w]): PyTorch's pixel shuffle.
TEST(PixelShuffleBlockTest, FollowsPixelShuffleChannelOrder)
{
    torch::manual_seed(3);
    PixelShuffleBlock block(PixelShuffleBlockOptions(3, 2, 3).kernel(1).activation("none"));
    torch::Tensor x = torch::randn({1, 3, 2, 2});
    torch::Tensor y = block->forward(x);
    torch::Tensor conv = torch::conv2d(x, block->named_parameters()["conv.weight"],
                                       block->named_parameters()["conv.bias"]);
    const int64_t r = 3;
    for (int64_t c = 0; c < 2; ++c)
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < r; ++j)
                EXPECT_FLOAT_EQ(y[0][c][1 * r + i][0 * r + j].item<float>(),
                                conv[0][c * r * r + i * r + j][1][0].item<float>());
}

TEST(PixelShuffleBlockTest, StrideOneSkipsTheShuffleAndOddKernelsKeepTheSize)
{
    PixelShuffleBlockOptions o(4, 6, 1);
    o.kernel(5).activation("swish");
    PixelShuffleBlock block(o);
    torch::Tensor x = torch::randn({1, 4, 9, 11});
    torch::Tensor y = block->forward(x);
    EXPECT_EQ(y.sizes(), torch::IntArrayRef({1, 6, 9, 11}));
    EXPECT_EQ(o.description(), "Conv5x5 4->6, SiLU");
    // The activation really is applied: SiLU(z) = z * sigmoid(z).
    torch::Tensor z = torch::conv2d(x, block->named_parameters()["conv.weight"], block->named_parameters()["conv.bias"],
                                    1, 2);
    EXPECT_TRUE(torch::allclose(y, z * torch::sigmoid(z), 1e-5, 1e-6));
}

TEST(PixelShuffleBlockTest, RejectsNonPositiveSizes)
{
    EXPECT_ANY_THROW(PixelShuffleBlock(PixelShuffleBlockOptions(0, 4, 2)));
    EXPECT_ANY_THROW(PixelShuffleBlock(PixelShuffleBlockOptions(4, 4, 0)));
    EXPECT_ANY_THROW(PixelShuffleBlock(PixelShuffleBlockOptions(4, 4, 2).activation("bogus")));
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

#include "arch/layers/convnext.h"

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

TEST(LayerNormChannelsFirstTest, EqualsLayerNormOverChannels)
{
    torch::manual_seed(0);
    LayerNormChannelsFirst ln(6);
    {
        torch::NoGradGuard g;
        ln->weight.uniform_(0.5, 1.5);
        ln->bias.uniform_(-0.5, 0.5);
    }
    torch::Tensor x = torch::randn({2, 6, 3, 5}) * 3 + 1;
    torch::Tensor expected = torch::layer_norm(x.permute({0, 2, 3, 1}), {6}, ln->weight, ln->bias, 1e-6)
                                 .permute({0, 3, 1, 2});
    EXPECT_TRUE(torch::allclose(ln->forward(x), expected, 1e-5, 1e-5));
}

TEST(ConvNeXtBlockTest, ParameterCountAndNearIdentityAtInit)
{
    ConvNeXtBlockOptions o(16);
    ConvNeXtBlock block(o);
    // dwconv 16*49+16, LN 32, MLP 16*64+64 + 64*16+16, gamma 16 = 8 C^2 + 58 C
    EXPECT_EQ(o.parameter_count(), 8 * 16 * 16 + 58 * 16);
    EXPECT_EQ(module_parameters(*block), o.parameter_count());
    torch::Tensor x = torch::randn({1, 16, 8, 8});
    torch::Tensor y = block->forward(x);
    EXPECT_EQ(y.sizes(), x.sizes());
    // gamma = 1e-6 scales the branch to almost nothing, but not exactly nothing.
    const double diff = (y - x).abs().max().item<double>();
    EXPECT_LT(diff, 1e-3);
    EXPECT_GT(diff, 0.0);
}

TEST(ConvNeXtEncoderTest, HnervEncoderParameterCounts)
{
    // Reference figures: 306,160 (bunny strides), 326,640 (UVG strides 5,4,4,3,2).
    ConvNeXtEncoderOptions bunny({5, 4, 4, 2, 2}, {64, 64, 64, 64, 16});
    ConvNeXtEncoder enc(bunny);
    EXPECT_EQ(module_parameters(*enc), 306160);
    int64_t rows = 0;
    for (int64_t i = 0; i < bunny.stage_count(); ++i)
        rows += bunny.stage_parameter_count(i);
    EXPECT_EQ(rows, 306160);
    EXPECT_EQ(bunny.stage_description(0), "Conv5x5/5 3->64, LN_cf, ConvNeXt(64)");
    EXPECT_EQ(bunny.stage_description(4), "LN_cf, Conv2x2/2 64->16, ConvNeXt(16)");

    ConvNeXtEncoderOptions uvg({5, 4, 4, 3, 2}, {64, 64, 64, 64, 16});
    EXPECT_EQ(module_parameters(*ConvNeXtEncoder(uvg)), 326640);
}

TEST(ConvNeXtEncoderTest, OutputShapeAndParameterNames)
{
    ConvNeXtEncoder enc(ConvNeXtEncoderOptions({4, 2, 2, 2}, {8, 8, 8, 4}));
    torch::Tensor y = enc->forward(torch::rand({2, 3, 64, 128}));
    EXPECT_EQ(y.sizes(), torch::IntArrayRef({2, 4, 2, 4}));
    auto params = enc->named_parameters();
    EXPECT_TRUE(params.contains("stages.0.conv.weight"));
    EXPECT_TRUE(params.contains("stages.0.norm.weight"));
    EXPECT_EQ(params["stages.1.norm.weight"].size(0), 8);  // LN before the conv: input width
    EXPECT_TRUE(params.contains("stages.3.blocks.0.gamma"));
    EXPECT_TRUE(params.contains("stages.3.blocks.0.pwconv2.bias"));
    EXPECT_ANY_THROW(enc->forward(torch::rand({1, 3, 60, 128})));  // not a multiple of 32
}

TEST(ConvNeXtEncoderTest, NormAfterConvVariant)
{
    ConvNeXtEncoderOptions o({4, 2}, {8, 4});
    o.norm_after_conv(true);
    ConvNeXtEncoder enc(o);
    EXPECT_EQ(enc->named_parameters()["stages.1.norm.weight"].size(0), 4);
    EXPECT_EQ(module_parameters(*enc), o.stage_parameter_count(0) + o.stage_parameter_count(1));
    EXPECT_EQ(o.stage_description(1), "Conv2x2/2 8->4, LN_cf, ConvNeXt(4)");
    EXPECT_EQ(enc->forward(torch::rand({1, 3, 16, 24})).sizes(), torch::IntArrayRef({1, 4, 2, 3}));
}

TEST(ConvNeXtEncoderTest, InitialisationFollowsTheReferenceAndTheSeed)
{
    torch::manual_seed(7);
    ConvNeXtEncoder a(ConvNeXtEncoderOptions({5, 4, 4, 2, 2}, {64, 64, 64, 64, 16}));
    torch::manual_seed(7);
    ConvNeXtEncoder b(ConvNeXtEncoderOptions({5, 4, 4, 2, 2}, {64, 64, 64, 64, 16}));
    auto pa = a->named_parameters(), pb = b->named_parameters();
    for (const auto &kv : pa)
        EXPECT_TRUE(torch::equal(kv.value(), pb[kv.key()])) << kv.key();

    torch::Tensor w = pa["stages.1.conv.weight"];  // 65,536 values
    EXPECT_NEAR(w.std().item<double>(), 0.02, 0.001);
    EXPECT_NEAR(w.mean().item<double>(), 0.0, 0.001);
    EXPECT_EQ(pa["stages.1.conv.bias"].abs().max().item<float>(), 0.0f);
    EXPECT_EQ(pa["stages.2.blocks.0.pwconv1.bias"].abs().max().item<float>(), 0.0f);
    EXPECT_NEAR(pa["stages.2.blocks.0.pwconv1.weight"].std().item<double>(), 0.02, 0.001);
    EXPECT_TRUE(torch::equal(pa["stages.1.norm.weight"], torch::ones({64})));
    EXPECT_TRUE(torch::allclose(pa["stages.0.blocks.0.gamma"], torch::full({64}, 1e-6)));

    torch::manual_seed(8);
    ConvNeXtEncoder c(ConvNeXtEncoderOptions({5, 4, 4, 2, 2}, {64, 64, 64, 64, 16}));
    EXPECT_FALSE(torch::equal(c->named_parameters()["stages.1.conv.weight"], w));
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

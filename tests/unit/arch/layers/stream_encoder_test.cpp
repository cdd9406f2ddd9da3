#include "arch/layers/stream_encoder.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

int64_t module_parameters(torch::nn::Module &m)
{
    int64_t n = 0;
    for (const auto &p : m.parameters())
        n += p.numel();
    return n;
}

TEST(StreamEncoderTest, ReferenceParameterCounts)
{
    // models.md §5 and §8.3: content 372,480 + 1,040, difference 169,408 + 130 (both models).
    for (StreamBlockKind kind : {StreamBlockKind::Standard, StreamBlockKind::Dnerv}) {
        const StreamEncoderOptions content = StreamEncoderOptions(3, {5, 4, 4, 3, 2}, 64, 16).block(kind);
        const StreamEncoderOptions diff = StreamEncoderOptions(6, {4, 3, 2}, 64, 2).block(kind);
        EXPECT_EQ(content.parameter_count(), 372480 + 1040);
        EXPECT_EQ(diff.parameter_count(), 169408 + 130);
        EXPECT_EQ(content.stage_parameter_count(0), 41472);
        EXPECT_EQ(diff.stage_parameter_count(0), 42816);
        StreamEncoder built(content);
        EXPECT_EQ(module_parameters(*built), 373520);
    }
    EXPECT_EQ(StreamEncoderOptions(3, {5, 4}, 64, 16).stage_description(0), "Conv5x5/5 3->64, LN_cf, ConvNeXt(64)");
    EXPECT_EQ(StreamEncoderOptions(6, {4, 3}, 64, 2).block(StreamBlockKind::Dnerv).stage_description(1),
              "Conv3x3/3 64->64, LN_cf, ConvNeXt(64, no norm/gamma)");
}

TEST(StreamEncoderTest, OutputShapeAndNames)
{
    torch::manual_seed(0);
    StreamEncoder enc(StreamEncoderOptions(6, {4, 2}, 8, 2).block(StreamBlockKind::Dnerv));
    EXPECT_EQ(enc->forward(torch::randn({2, 6, 32, 48})).sizes(), torch::IntArrayRef({2, 2, 4, 6}));
    auto params = enc->named_parameters();
    for (const char *name : {"stages.0.conv.weight", "stages.0.norm.weight", "stages.1.block.dwconv.weight",
                             "stages.1.block.gamma", "embed.weight", "embed.bias"})
        EXPECT_TRUE(params.contains(name)) << name;
    try {
        enc->forward(torch::randn({1, 6, 30, 48}));
        FAIL() << "accepted a height that is not a multiple of 8";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
    }
}

TEST(StreamEncoderTest, KeepsPyTorchsDefaultInitialisation)
{
    // Neither reference re-initialises its encoders: PyTorch's default conv init is uniform
    // within 1/sqrt(fan_in), far wider than HNeRV's truncated normal (std 0.02).
    torch::manual_seed(1);
    StreamEncoder enc(StreamEncoderOptions(3, {5}, 64, 16));
    const torch::Tensor w = enc->named_parameters()["stages.0.conv.weight"];
    const double bound = 1.0 / std::sqrt(3.0 * 25.0);
    EXPECT_LE(w.abs().max().item<double>(), bound);
    EXPECT_GT(w.abs().max().item<double>(), 0.9 * bound);
    EXPECT_NEAR(w.std().item<double>(), bound / std::sqrt(3.0), 0.1 * bound);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

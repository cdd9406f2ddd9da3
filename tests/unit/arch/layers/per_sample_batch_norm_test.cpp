#include "arch/layers/per_sample_batch_norm.h"

#include <gtest/gtest.h>

namespace nerv {
namespace NERV_TEST_FILE {

PerSampleBatchNorm random_affine_norm(int64_t channels)
{
    PerSampleBatchNorm norm(channels);
    torch::NoGradGuard no_grad;
    norm->weight.uniform_(0.5, 1.5);
    norm->bias.uniform_(-0.5, 0.5);
    return norm;
}

TEST(PerSampleBatchNormTest, EqualsTrainingModeBatchNormOnOneFrame)
{
    // What the reference computes: BatchNorm2d in training mode on a batch of one frame.
    torch::manual_seed(0);
    PerSampleBatchNorm norm = random_affine_norm(3);
    torch::nn::BatchNorm2d reference(torch::nn::BatchNorm2dOptions(3).eps(1e-5));
    {
        torch::NoGradGuard no_grad;
        reference->weight.copy_(norm->weight);
        reference->bias.copy_(norm->bias);
    }
    reference->train();
    const torch::Tensor x = torch::randn({1, 3, 5, 7}) * 4 + 2;
    EXPECT_TRUE(torch::allclose(norm->forward(x), reference->forward(x), 1e-5, 1e-5));
}

TEST(PerSampleBatchNormTest, EachFrameUsesOnlyItsOwnStatistics)
{
    torch::manual_seed(1);
    PerSampleBatchNorm norm = random_affine_norm(2);
    torch::Tensor x = torch::randn({3, 2, 4, 6});
    x[1] = x[1] * 10 + 5;  // a very different frame must not disturb its neighbours
    const torch::Tensor y = norm->forward(x);
    for (int64_t i = 0; i < 3; ++i)
        EXPECT_TRUE(torch::allclose(y.slice(0, i, i + 1), norm->forward(x.slice(0, i, i + 1)), 1e-6, 1e-6)) << i;
    // Per channel of each frame: mean bias, standard deviation |weight| (biased variance).
    const torch::Tensor normalized = (y - norm->bias.view({1, -1, 1, 1})) / norm->weight.view({1, -1, 1, 1});
    EXPECT_TRUE(torch::allclose(normalized.mean({2, 3}), torch::zeros({3, 2}), 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(normalized.var({2, 3}, /*unbiased=*/false), torch::ones({3, 2}), 1e-3, 1e-3));
}

TEST(PerSampleBatchNormTest, TrainingAndEvaluationAgreeAndNothingIsTracked)
{
    torch::manual_seed(2);
    PerSampleBatchNorm norm = random_affine_norm(2);
    const torch::Tensor x = torch::randn({2, 2, 3, 3});
    norm->train();
    const torch::Tensor in_training = norm->forward(x);
    norm->eval();
    EXPECT_TRUE(torch::equal(norm->forward(x), in_training));
    EXPECT_EQ(norm->buffers().size(), 0u);
    EXPECT_EQ(norm->parameters().size(), 2u);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

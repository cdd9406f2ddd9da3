#include "arch/layers/ccu.h"

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

TEST(CollaborativeContentUnitTest, ParameterCountOfTheDnervReference)
{
    // models.md §5: four 3x3 convs at 52 channels = 97,552 parameters.
    const CollaborativeContentUnitOptions o(52);
    EXPECT_EQ(o.parameter_count(), 97552);
    CollaborativeContentUnit ccu(o);
    EXPECT_EQ(module_parameters(*ccu), 97552);
    EXPECT_EQ(o.description(), "CCU 4x Conv3x3 52->52, s*tanh+(1-s)*x");
}

TEST(CollaborativeContentUnitTest, IsAGruStyleGate)
{
    torch::manual_seed(0);
    CollaborativeContentUnit ccu(CollaborativeContentUnitOptions(3).kernel(5));
    const torch::Tensor x = torch::randn({2, 3, 6, 7}), d = torch::randn({2, 3, 6, 7});
    auto params = ccu->named_parameters();
    namespace F = torch::nn::functional;
    const auto conv = [&](const std::string &name, const torch::Tensor &in) {
        return F::conv2d(in, params[name + ".weight"], F::Conv2dFuncOptions().bias(params[name + ".bias"]).padding(2));
    };
    const torch::Tensor p = torch::tanh(conv("candidate_content", x) + conv("candidate_diff", d));
    const torch::Tensor s = torch::sigmoid(conv("gate_content", x) + conv("gate_diff", d));
    EXPECT_TRUE(torch::allclose(ccu->forward(x, d), s * p + (1 - s) * x, 1e-6, 1e-6));
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

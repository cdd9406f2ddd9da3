#include "arch/layers/bsm.h"

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

TEST(BenignSelectiveMemoryTest, ParameterCountOfThePnervReference)
{
    // models.md §8.3: every BSM of the 3M model holds 200,655 parameters.
    const BenignSelectiveMemoryOptions o(105, 2);
    EXPECT_EQ(o.parameter_count(), 200655);
    BenignSelectiveMemory bsm(o);
    EXPECT_EQ(module_parameters(*bsm), 200655);
    EXPECT_EQ(o.description(), "BSM Conv3x3 105->105, 2->105, gate 105->105");
}

TEST(BenignSelectiveMemoryTest, GatesBetweenTheFeatureAndThePyramid)
{
    torch::manual_seed(0);
    BenignSelectiveMemory bsm(BenignSelectiveMemoryOptions(4, 2));
    const torch::Tensor x = torch::randn({2, 4, 5, 6}), p = torch::randn({2, 2, 5, 6});
    const torch::Tensor out = bsm->forward(x, p);
    auto params = bsm->named_parameters();
    namespace F = torch::nn::functional;
    const auto conv = [&](const std::string &name, const torch::Tensor &in) {
        return F::conv2d(in, params[name + ".weight"], F::Conv2dFuncOptions().bias(params[name + ".bias"]).padding(1));
    };
    const torch::Tensor r = conv("pyramid_conv", p);
    const torch::Tensor a = torch::sigmoid(conv("gate_conv", torch::relu(conv("content_conv", x) + r)));
    EXPECT_TRUE(torch::allclose(out, a * x + (1 - a) * r, 1e-6, 1e-6));
    EXPECT_EQ(out.sizes(), x.sizes());
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

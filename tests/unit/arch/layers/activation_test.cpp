// Activations by name, and the GELU gradient guard (LibTorch 1.13's exact-GELU backward is
// wrong for non-contiguous gradients; make_activation("gelu") must not be).
#include <gtest/gtest.h>

#include "arch/layers/activation.h"
#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

TEST(ActivationTest, GeluGradientIsRightThroughAPermute)
{
    torch::manual_seed(0);
    auto gelu = make_activation("gelu");
    const torch::Tensor x = torch::randn({7, 5, 3}, torch::requires_grad());
    const torch::Tensor w = torch::randn({3, 5, 7});
    // The permute makes the gradient reaching GELU non-contiguous.
    (gelu.forward(x).permute({2, 1, 0}) * w).sum().backward();
    // d/dx gelu(x) = Phi(x) + x phi(x)
    const torch::Tensor xd = x.detach().to(torch::kDouble);
    const torch::Tensor cdf = 0.5 * (1 + torch::erf(xd / std::sqrt(2.0)));
    const torch::Tensor pdf = torch::exp(-0.5 * xd * xd) / std::sqrt(2 * M_PI);
    const torch::Tensor expected = (cdf + xd * pdf) * w.permute({2, 1, 0}).to(torch::kDouble);
    EXPECT_LT((x.grad().to(torch::kDouble) - expected).abs().max().item<double>(), 1e-5);
}

TEST(ActivationTest, KnownNamesAndAClearErrorForOthers)
{
    const torch::Tensor x = torch::tensor({-1.0f, 0.0f, 2.0f});
    EXPECT_TRUE(torch::allclose(make_activation("relu").forward(x), torch::tensor({0.0f, 0.0f, 2.0f})));
    EXPECT_TRUE(torch::allclose(make_activation("swish").forward(x), x * torch::sigmoid(x)));
    EXPECT_TRUE(torch::allclose(make_activation("leaky01").forward(x), torch::tensor({-0.1f, 0.0f, 2.0f})));
    EXPECT_TRUE(torch::allclose(make_activation("none").forward(x), x));
    EXPECT_TRUE(is_activation_name("gelu"));
    EXPECT_FALSE(is_activation_name("mish"));
    try {
        make_activation("mish");
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
        EXPECT_NE(std::string(e.what()).find("mish"), std::string::npos);
    }
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

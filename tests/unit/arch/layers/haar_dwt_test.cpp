#include "arch/layers/haar_dwt.h"

#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

int error_code_of(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.code();
    }
    return 0;
}

TEST(HaarDwtTest, KnownBlockValues)
{
    // One 2x2 block [[1,2],[3,4]]: pytorch_wavelets' DWT(J=1, 'haar', 'periodization') gives
    // LL 5 and bands -2 (rows differ), -1 (columns differ), 0 (diagonal).
    const torch::Tensor x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 2, 2});
    const HaarBands2d y = haar_dwt2d(x);
    ASSERT_EQ(y.ll.sizes(), torch::IntArrayRef({1, 1, 1, 1}));
    ASSERT_EQ(y.bands.sizes(), torch::IntArrayRef({1, 1, 3, 1, 1}));
    EXPECT_FLOAT_EQ(y.ll.item<float>(), 5.0f);
    EXPECT_FLOAT_EQ(y.bands[0][0][0].item<float>(), -2.0f);
    EXPECT_FLOAT_EQ(y.bands[0][0][1].item<float>(), -1.0f);
    EXPECT_FLOAT_EQ(y.bands[0][0][2].item<float>(), 0.0f);
}

TEST(HaarDwtTest, BandOrderFollowsEdgeOrientation)
{
    // Horizontal stripes (values change from row to row only): only band 0 responds.
    const torch::Tensor rows = torch::arange(8, torch::kFloat32).view({1, 1, 8, 1}).expand({1, 1, 8, 6}).contiguous();
    HaarBands2d y = haar_dwt2d(rows);
    EXPECT_GT(y.bands.select(2, 0).abs().max().item<float>(), 0.1f);
    EXPECT_EQ(y.bands.select(2, 1).abs().max().item<float>(), 0.0f);
    EXPECT_EQ(y.bands.select(2, 2).abs().max().item<float>(), 0.0f);
    // Vertical stripes: only band 1.
    y = haar_dwt2d(rows.transpose(2, 3).contiguous());
    EXPECT_EQ(y.bands.select(2, 0).abs().max().item<float>(), 0.0f);
    EXPECT_GT(y.bands.select(2, 1).abs().max().item<float>(), 0.1f);
    EXPECT_EQ(y.bands.select(2, 2).abs().max().item<float>(), 0.0f);
}

TEST(HaarDwtTest, InverseRestoresTheInputAndEnergy)
{
    torch::manual_seed(1);
    const torch::Tensor x = torch::rand({2, 3, 8, 12});
    const HaarBands2d y = haar_dwt2d(x);
    EXPECT_EQ(y.ll.sizes(), torch::IntArrayRef({2, 3, 4, 6}));
    EXPECT_EQ(y.bands.sizes(), torch::IntArrayRef({2, 3, 3, 4, 6}));
    EXPECT_TRUE(torch::allclose(haar_idwt2d(y.ll, y.bands), x, 1e-6, 1e-6));
    // Orthonormal: the coefficients carry exactly the signal's energy.
    const double energy = x.pow(2).sum().item<double>();
    EXPECT_NEAR(y.ll.pow(2).sum().item<double>() + y.bands.pow(2).sum().item<double>(), energy, 1e-4 * energy);
    // A flat image has only an LL band, twice its value.
    const HaarBands2d flat = haar_dwt2d(torch::full({1, 3, 4, 4}, 0.25f));
    EXPECT_TRUE(torch::allclose(flat.ll, torch::full({1, 3, 2, 2}, 0.5f)));
    EXPECT_EQ(flat.bands.abs().max().item<float>(), 0.0f);
}

TEST(HaarDwtTest, GradientsFlowThroughBothDirections)
{
    torch::Tensor x = torch::rand({1, 2, 4, 4}).requires_grad_(true);
    haar_dwt2d(x).ll.sum().backward();
    EXPECT_TRUE(torch::allclose(x.grad(), torch::full_like(x, 0.5f)));
    torch::Tensor ll = torch::rand({1, 2, 2, 2}).requires_grad_(true);
    torch::Tensor bands = torch::rand({1, 2, 3, 2, 2}).requires_grad_(true);
    haar_idwt2d(ll, bands).sum().backward();
    EXPECT_TRUE(torch::allclose(ll.grad(), torch::full_like(ll, 2.0f)));
    // Each band's synthesis pattern sums to zero over its 2x2 block.
    EXPECT_TRUE(torch::allclose(bands.grad(), torch::zeros_like(bands)));
}

TEST(HaarDwtTest, RejectsOddOrMalformedInputs)
{
    EXPECT_EQ(error_code_of([] { haar_dwt2d(torch::rand({1, 3, 5, 4})); }), -EINVAL);
    EXPECT_EQ(error_code_of([] { haar_dwt2d(torch::rand({3, 4, 4})); }), -EINVAL);
    EXPECT_EQ(error_code_of([] { haar_idwt2d(torch::rand({1, 3, 2, 2}), torch::rand({1, 3, 2, 2, 2})); }), -EINVAL);
    EXPECT_EQ(error_code_of([] { haar_dwt1d_pair(torch::rand({2}), torch::rand({3})); }), -EINVAL);
}

TEST(HaarDwtTest, TemporalPairTransform)
{
    // DWT1D(J=1, 'haar', 'periodization') over two samples [first, second].
    const torch::Tensor first = torch::tensor({1.0f, 0.5f}), second = torch::tensor({3.0f, 0.5f});
    const HaarPair1d y = haar_dwt1d_pair(first, second);
    const float r = static_cast<float>(1.0 / std::sqrt(2.0));
    EXPECT_TRUE(torch::allclose(y.low, torch::tensor({4.0f * r, 1.0f * r})));
    EXPECT_TRUE(torch::allclose(y.high, torch::tensor({-2.0f * r, 0.0f})));
    const HaarPairSamples back = haar_idwt1d_pair(y.low, y.high);
    EXPECT_TRUE(torch::allclose(back.first, first));
    EXPECT_TRUE(torch::allclose(back.second, second));
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

// PNeRV's building blocks: patch sampling and blending, the non-local block, the positional
// embeddings (PPE, TSE), HMF, the F / ProdPoly blocks and the polynomial up-sampler U.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "arch/layers/hmf.h"
#include "arch/layers/non_local_block.h"
#include "arch/layers/pnerv_patches.h"
#include "arch/layers/pnerv_poly_embedding.h"
#include "arch/layers/poly_upsampler.h"
#include "arch/layers/prodpoly.h"
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

torch::Tensor parameter(torch::nn::Module &m, const std::string &name)
{
    // find() points into the dictionary: keep it alive (a temporary here was a use-after-free,
    // found by make check-asan).
    const auto parameters = m.named_parameters(true);
    const torch::Tensor *p = parameters.find(name);
    EXPECT_NE(p, nullptr) << name;
    return p ? *p : torch::Tensor();
}

void zero_biases(torch::nn::Module &m)
{
    torch::NoGradGuard no_grad;
    for (const auto &p : m.named_parameters(true)) {
        const std::string &name = p.key();
        if (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0)
            p.value().zero_();
    }
}

TEST(PnervPatchesTest, CoordinatesAreTileAndSubTileCentroids)
{
    // The paper's geometry: 720x1280, 4x4 tiles of 180x320, 4x4 sub-tiles each.
    const PatchLayout l = make_patch_layout(720, 1280, 180, 320, 20);
    EXPECT_EQ(l.rows, 4);
    EXPECT_EQ(l.cols, 4);
    EXPECT_EQ(l.patch_h(), 220);
    EXPECT_EQ(l.patch_w(), 360);
    const torch::Tensor coarse = coarse_patch_coordinates(l);
    ASSERT_EQ(coarse.sizes(), (std::vector<int64_t>{16, 2}));
    EXPECT_FLOAT_EQ(coarse[0][0].item<float>(), 0.125f);
    EXPECT_FLOAT_EQ(coarse[0][1].item<float>(), 0.125f);
    EXPECT_FLOAT_EQ(coarse[6][0].item<float>(), 0.375f);  // row 1, column 2: row-major
    EXPECT_FLOAT_EQ(coarse[6][1].item<float>(), 0.625f);
    const torch::Tensor fine = fine_patch_coordinates(l, 4, 4);
    ASSERT_EQ(fine.sizes(), (std::vector<int64_t>{16, 4, 4, 2}));
    EXPECT_FLOAT_EQ(fine[0][0][0][0].item<float>(), 1.0f / 32);
    EXPECT_FLOAT_EQ(fine[6][1][3][0].item<float>(), 0.25f + 3.0f / 32);
    EXPECT_FLOAT_EQ(fine[6][1][3][1].item<float>(), 0.5f + 7.0f / 32);
    EXPECT_FLOAT_EQ(fine[15][3][3][1].item<float>(), 1.0f - 1.0f / 32);
    // The fine centroids of a tile average to its coarse centroid.
    EXPECT_TRUE(torch::allclose(fine.mean({1, 2}), coarse, 1e-6, 1e-6));
}

TEST(PnervPatchesTest, LargerPicturesUseMoreSmallerTiles)
{
    // 2x the canvas: 8x8 tiles of the same pixel size, each half as wide on the unit square.
    const PatchLayout l = make_patch_layout(1440, 2560, 180, 320, 20);
    EXPECT_EQ(l.rows, 8);
    EXPECT_EQ(l.cols, 8);
    const torch::Tensor coarse = coarse_patch_coordinates(l);
    EXPECT_FLOAT_EQ(coarse[9][0].item<float>(), 1.5f / 8);
    EXPECT_FLOAT_EQ(coarse[9][1].item<float>(), 1.5f / 8);
    // A size that is not a multiple of the tile: the last tiles stick out past 1.
    const PatchLayout odd = make_patch_layout(100, 50, 30, 20, 0);
    EXPECT_EQ(odd.rows, 4);
    EXPECT_EQ(odd.cols, 3);
    EXPECT_FLOAT_EQ(coarse_patch_coordinates(odd)[11][0].item<float>(), 105.0f / 100);
}

TEST(PnervPatchesTest, WindowRampsCrossFadeToOne)
{
    const int64_t tile = 10, margin = 3;
    const torch::Tensor w = patch_blend_window(tile, margin);
    ASSERT_EQ(w.size(0), tile + 2 * margin);
    EXPECT_GT(w.min().item<float>(), 0.0f);
    EXPECT_FLOAT_EQ(w[2 * margin].item<float>(), 1.0f);
    // A patch's falling ramp overlaps its right neighbour's rising ramp: they sum to 1.
    for (int64_t k = 0; k < 2 * margin; ++k)
        EXPECT_NEAR(w[tile + k].item<float>() + w[k].item<float>(), 1.0f, 1e-6f) << k;
    EXPECT_TRUE(torch::equal(patch_blend_window(tile, 0), torch::ones({tile})));
}

TEST(PnervPatchesTest, BlendingConsistentPatchesReproducesThePicture)
{
    // Patches cut (with their margins) from one picture must blend back into it exactly,
    // whatever lies outside the picture: this pins the fold order and the border weights.
    torch::manual_seed(5);
    const int64_t h = 22, w = 27, tile_h = 6, tile_w = 7, margin = 2;
    const PatchLayout l = make_patch_layout(h, w, tile_h, tile_w, margin);
    const torch::Tensor picture = torch::rand({2, 3, h, w});
    const torch::Tensor padded = torch::rand({2, 3, l.rows * tile_h + 2 * margin, l.cols * tile_w + 2 * margin});
    padded.slice(2, margin, margin + h).slice(3, margin, margin + w).copy_(picture);
    std::vector<torch::Tensor> patches;
    for (int64_t i = 0; i < l.rows; ++i)
        for (int64_t j = 0; j < l.cols; ++j)
            patches.push_back(padded.slice(2, i * tile_h, i * tile_h + l.patch_h())
                                  .slice(3, j * tile_w, j * tile_w + l.patch_w()));
    const torch::Tensor blended = blend_patches(torch::stack(patches, 1), l);
    ASSERT_EQ(blended.sizes(), picture.sizes());
    EXPECT_TRUE(torch::allclose(blended, picture, 1e-6, 1e-6));
}

TEST(PnervPatchesTest, OverlapsCrossFadeNeighbouringPatches)
{
    // Two constant patches side by side: the seam is a smooth ramp between their values
    // over 2 * margin pixels, and each tile keeps its own value away from the seam.
    const PatchLayout l = make_patch_layout(8, 16, 8, 8, 2);
    torch::Tensor patches = torch::zeros({1, 2, 1, 12, 12});
    patches[0][1].fill_(1.0);
    const torch::Tensor row = blend_patches(patches, l)[0][0][4];
    EXPECT_FLOAT_EQ(row[5].item<float>(), 0.0f);
    EXPECT_FLOAT_EQ(row[10].item<float>(), 1.0f);
    for (int64_t x = 6; x < 10; ++x)
        EXPECT_GT(row[x].item<float>(), row[x - 1].item<float>()) << x;
    EXPECT_NEAR(row[7].item<float>() + row[8].item<float>(), 1.0f, 1e-6f);  // symmetric about the seam
}

TEST(PnervPatchesTest, RejectsInvalidLayouts)
{
    for (const auto &bad : std::vector<std::vector<int64_t>>{{0, 8, 4, 4, 0}, {8, 8, 0, 4, 0}, {8, 8, 4, 4, 3},
                                                             {8, 8, 4, 4, -1}}) {
        try {
            make_patch_layout(bad[0], bad[1], bad[2], bad[3], bad[4]);
            ADD_FAILURE() << "accepted " << bad[0] << "," << bad[1] << "," << bad[2] << "," << bad[3] << "," << bad[4];
        } catch (const Error &e) {
            EXPECT_EQ(e.code(), -EINVAL);
        }
    }
    const PatchLayout l = make_patch_layout(8, 8, 4, 4, 1);
    EXPECT_THROW(blend_patches(torch::zeros({1, 3, 3, 6, 6}), l), Error);  // 3 patches, 4 tiles
}

TEST(NonLocalBlockTest, StartsAsIdentityAndIsPermutationEquivariant)
{
    torch::manual_seed(2);
    const NonLocalBlockOptions o(6, 3);
    NonLocalBlock block(o);
    EXPECT_EQ(module_parameters(*block), o.parameter_count());
    EXPECT_EQ(o.parameter_count(), 3 * (6 * 3 + 3) + 3 * 6 + 6);
    const torch::Tensor x = torch::randn({2, 6, 3, 4});
    EXPECT_TRUE(torch::equal(block->forward(x), x));  // zero-initialised output projection
    {
        torch::NoGradGuard no_grad;
        parameter(*block, "out.weight").normal_();
    }
    const torch::Tensor y = block->forward(x);
    EXPECT_GT((y - x).abs().max().item<float>(), 1e-3f);
    // Attention mixes every position with every other regardless of order: permuting the
    // positions permutes the output the same way.
    const torch::Tensor perm = torch::randperm(12);
    const torch::Tensor xp = x.flatten(2).index_select(2, perm).view({2, 6, 3, 4});
    const torch::Tensor yp = y.flatten(2).index_select(2, perm).view({2, 6, 3, 4});
    EXPECT_TRUE(torch::allclose(block->forward(xp), yp, 1e-5, 1e-6));
}

TEST(PnervPolyEmbeddingTest, PpeFusesTheFineCoordinateMap)
{
    torch::manual_seed(4);
    const PnervPpeOptions o(2, 3, PositionalEncodingOptions{1.25, 5, PeOrder::Interleaved}, 7, 9);
    PnervPpe ppe(o);
    EXPECT_EQ(o.map_channels(), 20);
    EXPECT_EQ(module_parameters(*ppe), o.parameter_count());
    EXPECT_EQ(o.parameter_count(), NonLocalBlockOptions(20, 7).parameter_count() + 20 * 6 * 9 + 9);
    const torch::Tensor fine = torch::rand({5, 2, 3, 2});
    const torch::Tensor out = ppe->forward(fine);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{5, 9}));
    // With the identity non-local block at initialisation, PPE is the Linear of the flattened
    // [row PE | column PE] map in (channel, k, l) order.
    const torch::Tensor rows = positional_encoding(fine.select(3, 0).reshape({-1}), o.pe());
    const torch::Tensor cols = positional_encoding(fine.select(3, 1).reshape({-1}), o.pe());
    const torch::Tensor map = torch::cat({rows, cols}, 1).view({5, 2, 3, 20}).permute({0, 3, 1, 2}).flatten(1);
    const torch::Tensor expected =
        torch::matmul(map, parameter(*ppe, "linear.weight").t()) + parameter(*ppe, "linear.bias");
    EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-6));
    EXPECT_THROW(ppe->forward(torch::rand({5, 3, 2, 2})), Error);
}

TEST(PnervPolyEmbeddingTest, TseFollowsEquations6And7)
{
    const torch::Tensor coarse = torch::tensor({0.3f, 0.7f, 0.125f, 0.875f}).view({2, 2});
    const torch::Tensor t = torch::tensor({0.0, 0.4, 1.0}, torch::kDouble);
    const double base = 1.25;
    const torch::Tensor tse = time_aware_spatial_embedding(coarse, t, 6, base);
    ASSERT_EQ(tse.sizes(), (std::vector<int64_t>{3, 2, 12}));
    EXPECT_EQ(tse.scalar_type(), torch::kFloat);
    for (int64_t p = 0; p < 2; ++p) {
        const double row = coarse[p][0].item<float>(), col = coarse[p][1].item<float>();
        for (int64_t a = 0; a < 6; ++a) {
            const double b = std::pow(base, static_cast<double>(a));
            const double omega =
                2 * M_PI * b + std::sin(2 * M_PI * row * b) / b + std::sin(2 * M_PI * col * b) / b;
            for (int64_t i = 0; i < 3; ++i) {
                const double ti = t[i].item<double>();
                EXPECT_NEAR(tse[i][p][2 * a].item<float>(), std::cos(omega * ti), 1e-6) << p << " " << a;
                EXPECT_NEAR(tse[i][p][2 * a + 1].item<float>(), std::sin(omega * ti), 1e-6) << p << " " << a;
            }
        }
    }
    // Different patches get different embeddings at the same time (t > 0).
    EXPECT_GT((tse[1][0] - tse[1][1]).abs().max().item<float>(), 1e-3f);
}

TEST(HmfTest, FollowsEquation8)
{
    torch::manual_seed(6);
    const HmfOptions o(4, 3, 5);
    Hmf hmf(o);
    EXPECT_EQ(module_parameters(*hmf), o.parameter_count());
    EXPECT_EQ(o.parameter_count(), 3 * (4 * 5 + 5 + 3 * 5 + 5));
    const torch::Tensor time = torch::randn({2, 4}), space = torch::randn({3, 3});
    const torch::Tensor out = hmf->forward(time, space);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 3, 5}));
    auto linear = [&](const std::string &name, const torch::Tensor &v) {
        return torch::matmul(v, parameter(*hmf, name + ".weight").t()) + parameter(*hmf, name + ".bias");
    };
    for (int64_t b = 0; b < 2; ++b) {
        for (int64_t p = 0; p < 3; ++p) {
            torch::Tensor x = linear("space.0", space[p]) + linear("time.0", time[b]);
            for (int n = 1; n < 3; ++n) {
                const std::string i = std::to_string(n);
                x = (linear("time." + i, time[b]) + linear("space." + i, space[p])) * x + x;
            }
            EXPECT_TRUE(torch::allclose(out[b][p], x, 1e-5, 1e-6)) << b << " " << p;
        }
    }
}

TEST(ProdPolyTest, FBlocksShapesCountsAndDescriptions)
{
    const PolyFBlockOptions slim = PolyFBlockOptions(324, 324, 5, 160).narrow(81);
    EXPECT_EQ(slim.description(), "AdaIN, Conv3x3 324->2025, PS5, Conv3x3 81->324, GELU");
    EXPECT_EQ(slim.parameter_count(), 104328 + 5906925 + 236520);  // AdaIN + the two convs
    const PolyFBlockOptions plain = PolyFBlockOptions(384, 96, 1, 160);
    EXPECT_EQ(plain.description(), "AdaIN, Conv3x3 384->96, GELU");
    EXPECT_EQ(plain.parameter_count(), 123648 + 331872);

    const PolyFBlockOptions small = PolyFBlockOptions(6, 4, 2, 5).narrow(3).act("relu");
    PolyFBlock block(small);
    EXPECT_EQ(module_parameters(*block), small.parameter_count());
    const torch::Tensor y = block->forward(torch::randn({2, 6, 3, 5}), torch::randn({2, 5}));
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 4, 6, 10}));
    EXPECT_GE(y.min().item<float>(), 0.0f);  // ends in the activation
}

TEST(ProdPolyTest, AdaInNormalisesThenModulatesByStyle)
{
    torch::manual_seed(7);
    AdaIn adain(4, 3);
    const torch::Tensor x = torch::randn({2, 3, 5, 6}) * 3 + 1;
    const torch::Tensor style = torch::randn({2, 4});
    const torch::Tensor centred = x - x.mean({2, 3}, true);
    const torch::Tensor normalised = centred / torch::sqrt(centred.pow(2).mean({2, 3}, true) + 1e-5);
    {
        torch::NoGradGuard no_grad;
        parameter(*adain, "style.weight").zero_();
    }
    // Initial bias: gamma = 1, beta = 0, i.e. plain instance normalisation.
    EXPECT_TRUE(torch::allclose(adain->forward(x, style), normalised, 1e-4, 1e-5));
    {
        torch::NoGradGuard no_grad;
        parameter(*adain, "style.weight").normal_();
    }
    const torch::Tensor gb =
        torch::matmul(style, parameter(*adain, "style.weight").t()) + parameter(*adain, "style.bias");
    const torch::Tensor expected =
        normalised * gb.slice(1, 0, 3).view({2, 3, 1, 1}) + gb.slice(1, 3, 6).view({2, 3, 1, 1});
    EXPECT_TRUE(torch::allclose(adain->forward(x, style), expected, 1e-4, 1e-5));
}

TEST(ProdPolyTest, BlockIsTheHadamardProductOfFAndPsi)
{
    torch::manual_seed(8);
    for (bool from_style : {true, false}) {
        SCOPED_TRACE(from_style ? "Psi from z" : "Psi from the block input");
        const ProdPolyOptions o = ProdPolyOptions(4, 6, 5, 3)
                                      .stride1(2)
                                      .stride2(from_style ? 2 : 1)
                                      .narrow(from_style ? 2 : 0)
                                      .psi_from_style(from_style);
        ProdPolyBlock block(o);
        EXPECT_EQ(module_parameters(*block), o.parameter_count());
        const torch::Tensor x = torch::randn({2, 4, 3, 2}), z = torch::randn({2, 3});
        const torch::Tensor y = block->forward(x, z);
        const int64_t up = from_style ? 4 : 2;
        ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 3 * up, 2 * up}));

        auto modules = block->named_modules("", false);
        auto f0 = std::dynamic_pointer_cast<PolyFBlockImpl>(modules["f.0"]);
        auto f1 = std::dynamic_pointer_cast<PolyFBlockImpl>(modules["f.1"]);
        ASSERT_TRUE(f0 && f1);
        torch::Tensor psi0, psi1;
        if (from_style) {
            psi0 = std::dynamic_pointer_cast<torch::nn::LinearImpl>(modules["psi.0"])->forward(z).view({2, 6, 1, 1});
            psi1 = std::dynamic_pointer_cast<torch::nn::LinearImpl>(modules["psi.1"])->forward(z).view({2, 5, 1, 1});
        } else {
            psi0 = std::dynamic_pointer_cast<torch::nn::ConvTranspose2dImpl>(modules["psi.0"])->forward(x);
            psi1 = std::dynamic_pointer_cast<torch::nn::ConvTranspose2dImpl>(modules["psi.1"])->forward(x);
            EXPECT_EQ(parameter(*block, "psi.1.weight").sizes(), (std::vector<int64_t>{4, 5, 2, 2}));
        }
        const torch::Tensor expected = f1->forward(f0->forward(x, z) * psi0, z) * psi1;
        EXPECT_TRUE(torch::allclose(y, expected, 1e-5, 1e-6));
    }
}

TEST(PolyUpsamplerTest, IsAHomogeneousCubicOfZ)
{
    torch::manual_seed(9);
    const PolyUpsamplerOptions o(5, 4, 7, 3, 4);
    PolyUpsampler u(o);
    EXPECT_EQ(module_parameters(*u), o.parameter_count());
    EXPECT_EQ(o.parameter_count(), 3 * (5 * 4 + 4) + (4 * 4 * 12 + 4) + 2 * (4 * 4 * 9 + 4) + (4 * 7 + 7));
    const torch::Tensor z = torch::randn({2, 5});
    ASSERT_EQ(u->forward(z).sizes(), (std::vector<int64_t>{2, 7, 3, 4}));
    // Without biases every term has degree exactly 3: U(2z) = 8 U(z).
    zero_biases(*u);
    const torch::Tensor once = u->forward(z);
    EXPECT_GT(once.abs().max().item<float>(), 1e-6f);
    EXPECT_TRUE(torch::allclose(u->forward(2 * z), 8 * once, 1e-4, 1e-6));
    // The projection spreads the 1x1 map over the grid: positions differ.
    EXPECT_GT((once.select(2, 0) - once.select(2, 2)).abs().max().item<float>(), 1e-6f);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

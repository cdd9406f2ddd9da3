#include "arch/layers/stride_plan.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

StridePlan stem_plan(int64_t h, int64_t w)
{
    StridePlanOptions o;
    o.target_product = stem_grid_target_product(h, w);
    return plan_strides(h, w, o);
}

StridePlan embedding_plan(int64_t h, int64_t w)
{
    StridePlanOptions o;
    o.target_product = embedding_target_product(h, w);
    return plan_strides(h, w, o);
}

using Strides = std::vector<int64_t>;

TEST(StridePlanTest, NervGridAt720pIsThePapers9x16)
{
    StridePlan p = stem_plan(720, 1280);
    EXPECT_EQ(p.strides, (Strides{5, 2, 2, 2, 2}));
    EXPECT_EQ(p.grid_height, 9);
    EXPECT_EQ(p.grid_width, 16);
    EXPECT_EQ(p.canvas_height, 720);
    EXPECT_EQ(p.canvas_width, 1280);
    EXPECT_DOUBLE_EQ(p.overhead, 0.0);
}

TEST(StridePlanTest, NervGridAt1080pMatchesUvgStrides)
{
    StridePlan p = stem_plan(1080, 1920);
    EXPECT_EQ(p.strides, (Strides{5, 3, 2, 2, 2}));
    EXPECT_EQ(p.grid_height, 9);
    EXPECT_EQ(p.grid_width, 16);
}

TEST(StridePlanTest, HnervEmbeddingForBunnyAndUvgCrops)
{
    StridePlan bunny = embedding_plan(640, 1280);
    EXPECT_EQ(bunny.strides, (Strides{5, 4, 4, 2, 2}));
    EXPECT_EQ(bunny.grid_height, 2);
    EXPECT_EQ(bunny.grid_width, 4);
    StridePlan uvg = embedding_plan(960, 1920);
    EXPECT_EQ(uvg.strides, (Strides{5, 4, 4, 3, 2}));
    EXPECT_EQ(uvg.grid_height, 2);
    EXPECT_EQ(uvg.grid_width, 4);
}

// Hand-checked choices for sizes no preset was made for.
TEST(StridePlanTest, OddSizesPickTheClosestProductWithLittlePadding)
{
    // QCIF 176x144: products 32 (pad 21 %) and 64 (45 %) waste too much; 48 pads to 144x192 (9 %).
    StridePlan qcif = stem_plan(144, 176);
    EXPECT_EQ(qcif.strides, (Strides{3, 2, 2, 2, 2}));
    EXPECT_EQ(qcif.canvas_height, 144);
    EXPECT_EQ(qcif.canvas_width, 192);
    EXPECT_NEAR(qcif.overhead, 192.0 / 176.0 - 1.0, 1e-12);
    // CIF 352x288: target 32 exactly fits a 9x11 grid of 32 without padding.
    StridePlan cif = stem_plan(288, 352);
    EXPECT_EQ(cif.strides, (Strides{2, 2, 2, 2, 2}));
    EXPECT_EQ(cif.grid_height, 9);
    EXPECT_EQ(cif.grid_width, 11);
    EXPECT_DOUBLE_EQ(cif.overhead, 0.0);
    // HNeRV on CIF (target 144): 144 pads to 288x432 (23 %), 120 to 360x360 (28 %);
    // 96 pads to 288x384 (9 %) and is the closest product that fits.
    StridePlan cif_embed = embedding_plan(288, 352);
    EXPECT_EQ(cif_embed.strides, (Strides{4, 3, 2, 2, 2}));
    EXPECT_EQ(cif_embed.grid_height, 3);
    EXPECT_EQ(cif_embed.grid_width, 4);
}

TEST(StridePlanTest, EveryPlanCoversTheFrameWithNonIncreasingStrides)
{
    const int64_t sizes[][2] = {{144, 176}, {288, 352}, {480, 854}, {720, 1280}, {1080, 1920}, {97, 31}, {2160, 3840}};
    for (const auto &hw : sizes) {
        for (const StridePlan &p : {stem_plan(hw[0], hw[1]), embedding_plan(hw[0], hw[1])}) {
            SCOPED_TRACE(std::to_string(hw[0]) + "x" + std::to_string(hw[1]));
            ASSERT_EQ(p.strides.size(), 5u);
            int64_t product = 1;
            for (size_t i = 0; i < p.strides.size(); ++i) {
                product *= p.strides[i];
                if (i) {
                    EXPECT_LE(p.strides[i], p.strides[i - 1]);
                }
            }
            EXPECT_EQ(p.product, product);
            EXPECT_GE(p.canvas_height, hw[0]);
            EXPECT_GE(p.canvas_width, hw[1]);
            EXPECT_LT(p.canvas_height - hw[0], product);
            EXPECT_LT(p.canvas_width - hw[1], product);
            EXPECT_EQ(p.canvas_height, p.grid_height * product);
        }
    }
    // 854x480 fits with a small overhead for both targets.
    EXPECT_LE(stem_plan(480, 854).overhead, 0.125);
    EXPECT_LE(embedding_plan(480, 854).overhead, 0.125);
}

TEST(StridePlanTest, FallsBackToTheSmallestOverheadWhenNothingFits)
{
    // A 1x1 frame pads to P x P whatever the strides: the smallest product wastes least.
    StridePlanOptions o;
    o.target_product = 1000;
    StridePlan p = plan_strides(1, 1, o);
    EXPECT_EQ(p.strides, (Strides{2, 2, 2, 2, 2}));
    EXPECT_EQ(p.canvas_height, 32);
}

TEST(StridePlanTest, EqualProductsPreferTheLexicographicallyLargerSequence)
{
    StridePlanOptions o;
    o.stages = 2;
    o.allowed = {2, 3, 4, 6};  // 6*2 and 4*3 are both 12
    o.target_product = 12;
    StridePlan p = plan_strides(120, 120, o);
    EXPECT_EQ(p.strides, (Strides{6, 2}));
}

TEST(StridePlanTest, ExplicitStridesGiveTheirCanvas)
{
    StridePlan p = plan_for_strides(100, 200, {4, 2});
    EXPECT_EQ(p.grid_height, 13);
    EXPECT_EQ(p.grid_width, 25);
    EXPECT_EQ(p.canvas_height, 104);
    EXPECT_EQ(p.canvas_width, 200);
}

TEST(StridePlanTest, RejectsInvalidInput)
{
    StridePlanOptions o;
    EXPECT_THROW(plan_strides(0, 10, o), Error);
    o.stages = 0;
    EXPECT_THROW(plan_strides(10, 10, o), Error);
    EXPECT_THROW(plan_for_strides(10, 10, {2, 0}), Error);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

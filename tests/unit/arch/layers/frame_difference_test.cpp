#include "arch/layers/frame_difference.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

FrameBatch clip_batch(const torch::Tensor &clip, const std::vector<int64_t> &idx)
{
    FrameBatch b;
    const torch::Tensor i = torch::tensor(idx, torch::kLong);
    b.frames = clip.index_select(0, i);
    b.index = i.to(torch::kFloat32);
    b.frame_count = clip.size(0);
    b.frames_at = [clip](const torch::Tensor &k) { return clip.index_select(0, k); };
    return b;
}

TEST(FrameDifferenceTest, InterleavesPreviousAndNextPerColour)
{
    // Constant planes: previous R,G,B = 1,2,3; current 10,20,30; next 100,200,300.
    const torch::Tensor colours = torch::tensor({1.0f, 2.0f, 3.0f}).view({1, 3, 1, 1}).expand({1, 3, 2, 2});
    const torch::Tensor d = interleaved_differences(colours, colours * 10, colours * 100);
    ASSERT_EQ(d.sizes(), torch::IntArrayRef({1, 6, 2, 2}));
    const float expected[6] = {9, 90, 18, 180, 27, 270};  // p_R, f_R, p_G, f_G, p_B, f_B
    for (int c = 0; c < 6; ++c)
        EXPECT_FLOAT_EQ(d[0][c][1][1].item<float>(), expected[c]) << c;
}

TEST(FrameDifferenceTest, BoundaryFramesAreTheirOwnNeighbours)
{
    const auto n = neighbour_indices(torch::tensor({0.0f, 1.0f, 4.0f}), 5);
    EXPECT_TRUE(torch::equal(n.first, torch::tensor({0, 0, 3}, torch::kLong)));
    EXPECT_TRUE(torch::equal(n.second, torch::tensor({1, 2, 4}, torch::kLong)));

    torch::manual_seed(0);
    const torch::Tensor clip = torch::rand({3, 3, 4, 4});
    const torch::Tensor d = frame_difference_input(clip_batch(clip, {0, 2, 1}), "test");
    const torch::Tensor previous = d.slice(1, 0, 6, 2), next = d.slice(1, 1, 6, 2);
    EXPECT_EQ(previous[0].abs().max().item<float>(), 0.0f);  // frame 0 has no predecessor
    EXPECT_EQ(next[1].abs().max().item<float>(), 0.0f);      // frame 2 has no successor
    EXPECT_TRUE(torch::allclose(previous[2], clip[1] - clip[0]));
    EXPECT_TRUE(torch::allclose(next[2], clip[2] - clip[1]));
    EXPECT_TRUE(torch::allclose(next[0], clip[1] - clip[0]));
}

TEST(FrameDifferenceTest, NeedsNeighbourAccessAndValidIndices)
{
    const torch::Tensor clip = torch::rand({3, 3, 4, 4});
    FrameBatch b = clip_batch(clip, {1});
    b.frames_at = nullptr;
    EXPECT_THROW(frame_difference_input(b, "test"), Error);
    b = clip_batch(clip, {1});
    b.index = torch::tensor({3.0f});
    try {
        frame_difference_input(b, "test");
        FAIL() << "accepted frame 3 of 3";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
    }
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

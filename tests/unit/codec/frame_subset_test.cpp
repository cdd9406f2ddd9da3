// train_frames: which frames of a segment are trained on, and what the held-out ones carry.
#include <gtest/gtest.h>

#include <vector>

#include "codec/frame_subset.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

using Indices = std::vector<int64_t>;

TEST(FrameSubsetTest, OddAndEvenAreNumberedFromOneInTheStream)
{
    EXPECT_EQ(nerv::trained_frames(0, 0, 4), (Indices{0, 1, 2, 3}));
    EXPECT_EQ(nerv::trained_frames(1, 0, 5), (Indices{0, 2, 4}));  // the 1st, 3rd, 5th frame
    EXPECT_EQ(nerv::trained_frames(2, 0, 5), (Indices{1, 3}));
    // A segment starting at stream frame 3 (the 4th, an even-numbered one).
    EXPECT_EQ(nerv::trained_frames(1, 3, 4), (Indices{1, 3}));
    EXPECT_EQ(nerv::trained_frames(2, 3, 4), (Indices{0, 2}));
    // Nothing left to train on: the segment's frames are all trained on.
    EXPECT_EQ(nerv::trained_frames(2, 0, 1), (Indices{0}));
}

TEST(FrameSubsetTest, HeldOutRowsAreInterpolatedFromTheNearestTrainedRows)
{
    // 6 frames of 2 values; trained 1 and 4: 0 copies 1, 2 and 3 lie on the line, 5 copies 4.
    std::vector<float> v = {-1, -1, 10, 100, -1, -1, -1, -1, 40, 400, -1, -1};
    nerv::interpolate_held_out(v.data(), 6, 2, {1, 4});
    EXPECT_EQ(v, (std::vector<float>{10, 100, 10, 100, 20, 200, 30, 300, 40, 400, 40, 400}));
    EXPECT_THROW(nerv::interpolate_held_out(v.data(), 6, 2, {}), nerv::Error);
}

}  // namespace NERV_TEST_FILE

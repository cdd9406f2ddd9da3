// Choosing up-sampling strides for a frame size the presets were not made for.
//
// A NeRV-family decoder multiplies a small grid (NeRV's 9x16 stem, HNeRV's 2x4
// embedding) by the product P of its strides. For an arbitrary HxW we render the
// smallest canvas of whole grid cells, ceil(H/P)*P x ceil(W/P)*P, and the caller crops
// the top-left HxW. The plan enumerates every non-increasing sequence of `stages`
// strides from {5,4,3,2} (large strides first, as in the papers' 5,2,2,2,2 and
// 5,4,4,2,2) and keeps those whose canvas wastes at most `max_overhead` of the area;
// among them it picks the product closest to the target in log distance (ties: smaller
// overhead, then the lexicographically larger sequence). If none wastes little enough,
// the smallest overhead wins (ties: closer to the target, then lexicographically larger).
//
// Targets used by the architectures:
//   stem_grid_target_product (NeRV, E-NeRV):  min(H,W) / 9  -> 720x1280: 5,2,2,2,2 on 9x16
//   embedding_target_product (HNeRV family):  min(H,W) / 2  -> 640x1280: 5,4,4,2,2, 2x4 embedding
#pragma once

#include <cstdint>
#include <vector>

namespace nerv {

struct StridePlanOptions {
    int stages = 5;
    double target_product = 80;
    double max_overhead = 0.125;                  // canvas area / frame area - 1
    std::vector<int64_t> allowed = {5, 4, 3, 2};  // candidate strides
};

struct StridePlan {
    std::vector<int64_t> strides;
    int64_t product = 1;
    int64_t grid_height = 0, grid_width = 0;      // canvas / product
    int64_t canvas_height = 0, canvas_width = 0;
    double overhead = 0;
};

/** The canvas a given stride sequence needs for a height x width frame. */
StridePlan plan_for_strides(int64_t height, int64_t width, const std::vector<int64_t> &strides);

/** Choose strides as described above. Throws -EINVAL for a non-positive size or bad options. */
StridePlan plan_strides(int64_t height, int64_t width, const StridePlanOptions &options);

/** NeRV-style stem grid: about 9 cells along the short side. */
double stem_grid_target_product(int64_t height, int64_t width);
/** HNeRV-style embedding: about 2 cells along the short side. */
double embedding_target_product(int64_t height, int64_t width);

}  // namespace nerv

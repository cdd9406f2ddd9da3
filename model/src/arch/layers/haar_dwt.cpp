#include "arch/layers/haar_dwt.h"

#include "core/error.h"

namespace nerv {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;

}  // namespace

HaarBands2d haar_dwt2d(const torch::Tensor &x)
{
    if (!x.defined() || x.dim() != 4 || x.size(2) % 2 != 0 || x.size(3) % 2 != 0)
        fail_invalid_argument("haar_dwt2d: input must be [B,C,H,W] with even H and W");
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2;
    // [B,C,h,2,w,2]: dimension 3 picks the row of the 2x2 block, dimension 5 its column.
    const torch::Tensor blocks = x.reshape({b, c, h, 2, w, 2});
    const torch::Tensor top = blocks.select(3, 0), bottom = blocks.select(3, 1);  // [B,C,h,w,2]
    const torch::Tensor top_sum = top.select(4, 0) + top.select(4, 1);
    const torch::Tensor top_diff = top.select(4, 0) - top.select(4, 1);
    const torch::Tensor bottom_sum = bottom.select(4, 0) + bottom.select(4, 1);
    const torch::Tensor bottom_diff = bottom.select(4, 0) - bottom.select(4, 1);
    HaarBands2d out;
    out.ll = (top_sum + bottom_sum) * 0.5;
    out.bands = torch::stack({(top_sum - bottom_sum) * 0.5, (top_diff + bottom_diff) * 0.5,
                              (top_diff - bottom_diff) * 0.5},
                             2);
    return out;
}

torch::Tensor haar_idwt2d(const torch::Tensor &ll, const torch::Tensor &bands)
{
    if (!ll.defined() || !bands.defined() || ll.dim() != 4 || bands.dim() != 5 || bands.size(2) != 3 ||
        bands.size(0) != ll.size(0) || bands.size(1) != ll.size(1) || bands.size(3) != ll.size(2) ||
        bands.size(4) != ll.size(3))
        fail_invalid_argument("haar_idwt2d: needs ll [B,C,h,w] and bands [B,C,3,h,w]");
    const int64_t b = ll.size(0), c = ll.size(1), h = ll.size(2), w = ll.size(3);
    const torch::Tensor top_sum = ll + bands.select(2, 0);
    const torch::Tensor bottom_sum = ll - bands.select(2, 0);
    const torch::Tensor top_diff = bands.select(2, 1) + bands.select(2, 2);
    const torch::Tensor bottom_diff = bands.select(2, 1) - bands.select(2, 2);
    const torch::Tensor top = torch::stack({(top_sum + top_diff) * 0.5, (top_sum - top_diff) * 0.5}, 4);
    const torch::Tensor bottom = torch::stack({(bottom_sum + bottom_diff) * 0.5, (bottom_sum - bottom_diff) * 0.5}, 4);
    return torch::stack({top, bottom}, 3).reshape({b, c, 2 * h, 2 * w});
}

HaarPair1d haar_dwt1d_pair(const torch::Tensor &first, const torch::Tensor &second)
{
    if (!first.defined() || !second.defined() || first.sizes() != second.sizes())
        fail_invalid_argument("haar_dwt1d_pair: both signals must be defined and of one shape");
    return {(first + second) * kInvSqrt2, (first - second) * kInvSqrt2};
}

HaarPairSamples haar_idwt1d_pair(const torch::Tensor &low, const torch::Tensor &high)
{
    if (!low.defined() || !high.defined() || low.sizes() != high.sizes())
        fail_invalid_argument("haar_idwt1d_pair: low and high must be defined and of one shape");
    return {(low + high) * kInvSqrt2, (low - high) * kInvSqrt2};
}

}  // namespace nerv

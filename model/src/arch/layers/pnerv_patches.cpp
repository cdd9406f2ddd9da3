#include "arch/layers/pnerv_patches.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace nerv {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/** Centroids of n equal cells of each tile along one axis: [tiles * n] (tile-major), in units of
 *  the output size. */
torch::Tensor cell_centres(int64_t tiles, int64_t cells, int64_t tile, int64_t out)
{
    torch::Tensor index = torch::arange(tiles, torch::kDouble).unsqueeze(1);
    torch::Tensor offset = (torch::arange(cells, torch::kDouble) + 0.5) / static_cast<double>(cells);
    return ((index + offset.unsqueeze(0)) * (static_cast<double>(tile) / static_cast<double>(out))).flatten();
}

}  // namespace

PatchLayout make_patch_layout(int64_t out_h, int64_t out_w, int64_t tile_h, int64_t tile_w, int64_t margin)
{
    if (out_h < 1 || out_w < 1)
        fail_invalid_argument(format("patch layout: output size %lldx%lld is invalid: expected >= 1x1",
                                     (long long)out_w, (long long)out_h));
    if (tile_h < 1 || tile_w < 1)
        fail_invalid_argument(format("patch layout: tile %lldx%lld is invalid: expected >= 1x1", (long long)tile_w,
                                     (long long)tile_h));
    if (margin < 0 || 2 * margin > tile_h || 2 * margin > tile_w)
        fail_invalid_argument(format("patch layout: margin %lld is invalid: expected 0..%lld (half the tile)",
                                     (long long)margin, (long long)(std::min(tile_h, tile_w) / 2)));
    PatchLayout l;
    l.out_h = out_h;
    l.out_w = out_w;
    l.tile_h = tile_h;
    l.tile_w = tile_w;
    l.margin = margin;
    l.rows = ceil_div(out_h, tile_h);
    l.cols = ceil_div(out_w, tile_w);
    return l;
}

torch::Tensor coarse_patch_coordinates(const PatchLayout &l)
{
    torch::Tensor rows = cell_centres(l.rows, 1, l.tile_h, l.out_h);  // [rows]
    torch::Tensor cols = cell_centres(l.cols, 1, l.tile_w, l.out_w);  // [cols]
    return torch::stack({rows.repeat_interleave(l.cols), cols.repeat({l.rows})}, 1).to(torch::kFloat);
}

torch::Tensor fine_patch_coordinates(const PatchLayout &l, int64_t fine_rows, int64_t fine_cols)
{
    if (fine_rows < 1 || fine_cols < 1)
        fail_invalid_argument(format("patch layout: fine grid %lldx%lld is invalid: expected >= 1x1",
                                     (long long)fine_rows, (long long)fine_cols));
    // [rows, K] and [cols, L] centroids, broadcast to [rows, cols, K, L].
    torch::Tensor r = cell_centres(l.rows, fine_rows, l.tile_h, l.out_h).view({l.rows, 1, fine_rows, 1});
    torch::Tensor c = cell_centres(l.cols, fine_cols, l.tile_w, l.out_w).view({1, l.cols, 1, fine_cols});
    const std::vector<int64_t> full = {l.rows, l.cols, fine_rows, fine_cols};
    return torch::stack({r.expand(full), c.expand(full)}, -1)
        .reshape({l.count(), fine_rows, fine_cols, 2})
        .to(torch::kFloat);
}

torch::Tensor patch_blend_window(int64_t tile, int64_t margin)
{
    const int64_t n = tile + 2 * margin;
    torch::Tensor w = torch::ones({n}, torch::kDouble);
    if (margin > 0) {
        // Ramp k of 2m: sin^2(pi (k + 1/2) / 4m). The right neighbour's rising ramp sits on this
        // patch's falling one sample for sample, and sin^2 + cos^2 = 1 across the seam.
        torch::Tensor k = torch::arange(2 * margin, torch::kDouble);
        torch::Tensor ramp = torch::sin(M_PI * (k + 0.5) / static_cast<double>(4 * margin)).pow(2);
        w.slice(0, 0, 2 * margin).copy_(ramp);
        w.slice(0, n - 2 * margin, n).copy_(ramp.flip(0));
    }
    return w.to(torch::kFloat);
}

torch::Tensor blend_patches(const torch::Tensor &patches, const PatchLayout &l)
{
    if (patches.dim() != 5 || patches.size(1) != l.count() || patches.size(3) != l.patch_h() ||
        patches.size(4) != l.patch_w())
        fail_invalid_argument(format("blend_patches: expected [B, %lld, C, %lld, %lld] patches",
                                     (long long)l.count(), (long long)l.patch_h(), (long long)l.patch_w()));
    namespace F = torch::nn::functional;
    const int64_t b = patches.size(0), c = patches.size(2), ph = l.patch_h(), pw = l.patch_w();
    const torch::Tensor window =
        (patch_blend_window(l.tile_h, l.margin).unsqueeze(1) * patch_blend_window(l.tile_w, l.margin))
            .to(patches.device(), patches.scalar_type());  // [ph, pw]
    // fold (col2im) sums each block into its place: block p of the [.., C*ph*pw, P] input
    // lands at row p / cols, column p % cols, with the tile size as stride.
    const auto folding =
        F::FoldFuncOptions({l.rows * l.tile_h + 2 * l.margin, l.cols * l.tile_w + 2 * l.margin}, {ph, pw})
            .stride({l.tile_h, l.tile_w});
    const torch::Tensor weighted = (patches * window).permute({0, 2, 3, 4, 1}).reshape({b, c * ph * pw, l.count()});
    const torch::Tensor sum = F::fold(weighted, folding);
    const torch::Tensor weights =
        F::fold(window.reshape({1, ph * pw, 1}).expand({1, ph * pw, l.count()}).contiguous(), folding);
    namespace I = torch::indexing;
    const auto rows = I::Slice(l.margin, l.margin + l.out_h), cols = I::Slice(l.margin, l.margin + l.out_w);
    return sum.index({I::Slice(), I::Slice(), rows, cols}) / weights.index({I::Slice(), I::Slice(), rows, cols});
}

}  // namespace nerv

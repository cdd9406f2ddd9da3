// PNeRV's hierarchical patch-wise spatial sampling (Gupta et al., TMLR 2024, Sec. 3.1 and
// Algorithm 1) and the blending of the rendered patches into one picture.
//
// Geometry. The output is tiled by rows x cols patch tiles of tile_h x tile_w pixels
// (the last row/column may stick out; the caller's size is cropped). Coordinates live on
// the output's unit square: a position p pixels from the top edge has row coordinate
// p / out_h (0 = top edge, 1 = bottom edge, edges rather than pixel centres so that tiles
// subdivide the same square at any size). For tile (i, j):
//   coarse  lambda_ij        = ((i + 1/2) tile_h / out_h, (j + 1/2) tile_w / out_w)
//   fine    Lambda_ij[k][l]  = ((i + (k + 1/2) / K) tile_h / out_h, (j + (l + 1/2) / L) tile_w / out_w)
// i.e. the centroids of the tile and of its K x L sub-tiles. Algorithm 1 floors centroids
// to whole pixels; they are kept exact here, so a frame and its 2x render put patches at
// the same continuous positions (flooring would shift them by the pixel-size rounding).
//
// Seams. The paper blurs the whole reconstruction with a Gaussian to hide the seams of
// independently rendered patches, which also blurs every detail. Here each patch is
// rendered `margin` pixels beyond its tile on every side, so neighbours overlap by
// 2 * margin pixels across each seam, and the overlaps are cross-faded with a raised-cosine
// window (sin^2 ramps whose two sides sum to 1): no hard edge and no blur away from seams.
// The result is normalised by the summed window, which is exact at the picture border
// where only one patch covers a pixel. Deterministic and differentiable (fold = col2im).
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace nerv {

struct PatchLayout {
    int64_t out_h = 0, out_w = 0;    // picture to produce
    int64_t tile_h = 0, tile_w = 0;  // pixels a patch is responsible for
    int64_t margin = 0;              // pixels rendered beyond each tile edge
    int64_t rows = 0, cols = 0;      // tiles covering the picture: ceil(out / tile)

    int64_t count() const { return rows * cols; }
    /** One rendered patch: the tile plus a margin on each side. */
    int64_t patch_h() const { return tile_h + 2 * margin; }
    int64_t patch_w() const { return tile_w + 2 * margin; }
};

/** Tiles for an out_h x out_w picture; -EINVAL unless sizes >= 1, margin >= 0 and
 *  2 * margin <= tile (the cross-fade ramps of one patch must not overlap). */
PatchLayout make_patch_layout(int64_t out_h, int64_t out_w, int64_t tile_h, int64_t tile_w, int64_t margin);

/** Coarse coordinates: [P, 2] float32 (row, column), P = rows * cols in row-major order. */
torch::Tensor coarse_patch_coordinates(const PatchLayout &layout);
/** Fine coordinates: [P, K, L, 2] float32 (row, column). */
torch::Tensor fine_patch_coordinates(const PatchLayout &layout, int64_t fine_rows, int64_t fine_cols);

/** Cross-fade weights along one axis of a patch: [tile + 2 * margin] float32, sin^2 ramps over
 *  the first and last 2 * margin samples, 1 between (all ones for margin 0). */
torch::Tensor patch_blend_window(int64_t tile, int64_t margin);

/** [B, P, C, patch_h, patch_w] -> [B, C, out_h, out_w]: window-weighted average of the patches. */
torch::Tensor blend_patches(const torch::Tensor &patches, const PatchLayout &layout);

}  // namespace nerv

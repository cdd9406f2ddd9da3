// Model sizes of SNeRV-B and SNeRV-T: the paper's presets (supplementary Table 4), the
// rule for other parameter budgets, and the stride plan on the Haar LL band both models
// decode (the frame canvas is twice the LL canvas).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "arch/layers/stride_plan.h"

namespace nerv {

struct SnervSizePreset {
    double budget;              // nominal total size (decoder + all frames' embeddings), e.g. 3e6
    bool named;                 // selectable as --size; false: only an anchor for N_RB
    int64_t fc_dim;             // C0, the first up-sampling block's input width
    int64_t num_blocks;         // N_RB, residual blocks per MF block
    int64_t temporal_up_layers; // SNeRV-T: stride-2 ConvTs after the temporal embedding (0 for SNeRV-B)
};

/** Table 4, Ours(B): 0.35M/41/2, 0.75M/57/3, 1.5M/81/4, 3M/111/6 (named), 4.57M/132/8, 5.95M/148/10. */
const std::vector<SnervSizePreset> &snerv_b_presets();
/** Table 4, Ours(T) (its size columns are swapped in the paper; the code's counts decide):
 *  0.35M/39/2 and 0.75M/61/3 with 3x5x10 temporal embeddings at 640x1280 (3 up-sampling
 *  ConvTs), 1.5M/82/4 with 3x10x20 (2), 3M/103/6 with 3x20x40 (1). */
const std::vector<SnervSizePreset> &snerv_t_presets();

/** The named preset whose budget equals `budget`, else nullptr. */
const SnervSizePreset *find_snerv_preset(const std::vector<SnervSizePreset> &presets, double budget);
/** The preset nearest to `budget` on a log scale (ties: the smaller one). */
const SnervSizePreset &nearest_snerv_preset(const std::vector<SnervSizePreset> &presets, double budget);

/** Largest c in [1, hi] with total(c) <= budget, for totals that grow with c; 0 if none fits. */
int64_t largest_fitting_width(double budget, int64_t hi, const std::function<int64_t(int64_t)> &total);

/** largest_fitting_width(), and while no width fits, the stages held at *lower_width narrow one
 *  step at a time (down to 1) unless `lower_width_pinned` by params; `total` reads *lower_width.
 *  Below the smallest model at lower_width 12 (about 70k at QCIF) only this reaches a budget. */
int64_t largest_fitting_width_narrowing(double budget, int64_t hi, int64_t *lower_width, bool lower_width_pinned,
                                        const std::function<int64_t(int64_t)> &total);

/** The LL band's size for a width x height frame: ceil(height/2) x ceil(width/2). */
int64_t ll_extent(int64_t frame_extent);

/** Strides on the LL band: `strides` checked against it when given, else planned like HNeRV's
 *  (5 stages, about 2 embedding cells on the short side; 640x1280 -> 5,4,2,2,2 on 320x640). */
StridePlan plan_ll_strides(int width, int height, const std::vector<int64_t> &strides);

}  // namespace nerv

// Global magnitude pruning (NeRV's rule, with a plain meaning of the amount): the
// `fraction` of smallest-|w| weights among the model's prunable parameters, taken
// together, are set to zero and kept at zero during fine-tuning by masks.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "arch/video_model.h"

namespace nerv {

class PruneMasks {
public:
    /** Zero the smallest `fraction` (0..1) of the prunable weights; returns the masks. */
    static PruneMasks global_magnitude(VideoModelImpl &model, double fraction);
    /** Re-zero pruned weights (after an optimizer step). */
    void apply() const;
    /** Masks as checkpoints keep them: one per prunable parameter, in prunable_parameters() order. */
    const std::vector<torch::Tensor> &masks() const { return masks_; }
    /** Masks saved by masks(), for the same model; throws NERV_ERROR_INVALIDDATA if they do not fit it. */
    static PruneMasks restore(VideoModelImpl &model, const std::vector<torch::Tensor> &masks);
    int64_t pruned() const { return pruned_; }
    int64_t total() const { return total_; }
    bool empty() const { return params_.empty(); }

private:
    std::vector<torch::Tensor> params_;
    std::vector<torch::Tensor> masks_;
    int64_t pruned_ = 0;
    int64_t total_ = 0;
};

}  // namespace nerv

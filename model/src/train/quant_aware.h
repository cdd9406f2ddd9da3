// Quantization-aware fine-tuning: the decoder's transmitted weights pass through the codec's
// quantizer in every forward pass (straight-through: the gradient at the quantized weights
// updates the float ones), so the network learns to live with the weights the stream stores.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/video_model.h"

namespace nerv {

/**
 * The codec's whole-tensor rule (compress/quantize.h) in torch: for L = 2^bits - 1,
 * min/max over the tensor (exact zeros left out when `zero_symbol`, and kept at zero),
 * scale = (max - min) / L, q = clamp(round_half_even((t - min) / scale), 0, L),
 * t' = min + scale * q, all in float32. A constant tensor (scale 0) reconstructs as min.
 */
torch::Tensor fake_quantize(const torch::Tensor &t, int bits, bool zero_symbol);

class QuantAwareWeights {
public:
    /** The transmitted parameters of `model` at `bits` (2..16); `zero_symbol` names the pruned
     *  parameters whose zeros the codec codes as their own symbol. */
    QuantAwareWeights(VideoModelImpl &model, int bits, const std::set<std::string> &zero_symbol);

    /** Before a training step: keep the float weights, put their quantized values in place. */
    void quantize_for_step();
    /** After backward, before the optimizer step: the float weights back (gradients stay). */
    void restore_float();
    /** At the end: every weight becomes its quantized value, which the codec then stores exactly
     *  (its whole-tensor candidate has no error, so it is chosen). */
    void snap() const;
    bool empty() const { return params_.empty(); }

private:
    int bits_;
    std::vector<torch::Tensor> params_;
    std::vector<bool> zero_symbol_;
    std::vector<torch::Tensor> saved_;  // the float weights during a step
    bool holding_float_ = false;
};

}  // namespace nerv

// CCU, the Collaborative Content Unit of DNeRV (QiZhao-NJU model/D_NeRV.py; models.md §5):
// a GRU-style gate that merges the content decoder's feature x with the up-sampled
// difference feature d (both [B,C,H,W]):
//   p = tanh(Conv(x) + Conv(d))   s = sigmoid(Conv(x) + Conv(d))   out = s * p + (1 - s) * x
// Four k x k convs C->C with bias, "same" padding; the reference uses k = 3.
// Parameter names: candidate_content.*, candidate_diff.*, gate_content.*, gate_diff.*.
#pragma once

#include <string>

#include <torch/torch.h>

namespace nerv {

struct CollaborativeContentUnitOptions {
    explicit CollaborativeContentUnitOptions(int64_t channels) : channels_(channels) {}
    TORCH_ARG(int64_t, channels);
    TORCH_ARG(int64_t, kernel) = 3;

public:  // TORCH_ARG leaves the section private

    int64_t parameter_count() const { return 4 * (channels_ * channels_ * kernel_ * kernel_ + channels_); }
    /** "CCU 4x Conv3x3 52->52, s*tanh+(1-s)*x" */
    std::string description() const;
};

class CollaborativeContentUnitImpl : public torch::nn::Module {
public:
    explicit CollaborativeContentUnitImpl(const CollaborativeContentUnitOptions &options);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &diff);

private:
    torch::nn::Conv2d candidate_content_{nullptr}, candidate_diff_{nullptr};
    torch::nn::Conv2d gate_content_{nullptr}, gate_diff_{nullptr};
};
TORCH_MODULE(CollaborativeContentUnit);

}  // namespace nerv

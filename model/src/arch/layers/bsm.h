// BSM, the Benign Selective Memory of pyramidal PNeRV (QiZhao-NJU model/P_NeRV.py; models.md
// §8.2): after decoder stage i it fuses the stage output x [B,C,H,W] with the pyramid
// feature p [B,Cp,H,W] that KFc rescaled from the difference embedding:
//   z = Conv(x)   r = Conv(p)   a = sigmoid(Conv(ReLU(z + r)))   out = a * x + (1 - a) * r
// All convs k x k ("same" padding, bias); the reference uses k = 3.
// Parameter names: content_conv.* (C->C), pyramid_conv.* (Cp->C), gate_conv.* (C->C).
#pragma once

#include <string>

#include <torch/torch.h>

namespace nerv {

struct BenignSelectiveMemoryOptions {
    BenignSelectiveMemoryOptions(int64_t channels, int64_t pyramid_channels)
        : channels_(channels), pyramid_channels_(pyramid_channels)
    {
    }
    TORCH_ARG(int64_t, channels);
    TORCH_ARG(int64_t, pyramid_channels);
    TORCH_ARG(int64_t, kernel) = 3;

public:  // TORCH_ARG leaves the section private

    int64_t parameter_count() const;
    /** "BSM Conv3x3 105->105, 2->105, 105->105" */
    std::string description() const;
};

class BenignSelectiveMemoryImpl : public torch::nn::Module {
public:
    explicit BenignSelectiveMemoryImpl(const BenignSelectiveMemoryOptions &options);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &pyramid);

private:
    torch::nn::Conv2d content_conv_{nullptr}, pyramid_conv_{nullptr}, gate_conv_{nullptr};
};
TORCH_MODULE(BenignSelectiveMemory);

}  // namespace nerv

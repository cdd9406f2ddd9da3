// E-NeRV's up-sampling stages (kyleleey/E-NeRV model/NeRV.py, conv_type "conv", no norm):
//   NeRV block:    Conv3x3 Cin -> Cout*s^2, PixelShuffle(s), act
//   upgraded block (stage 0 only): a NeRV block with stride 5 and hundreds of channels is
//     the largest layer of NeRV, so E-NeRV narrows the up-sampling conv:
//       Cin <= Cout: Conv3x3 Cin -> (Cin/4)*s^2, PS(s), Conv3x3 Cin/4 -> Cout, act
//       Cin >  Cout: Conv3x3 Cin -> Cout, Conv3x3 Cout -> Cout*s^2, PS(s), act
// All convs have bias. Private to E-NeRV (other models have their own block variants).
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace nerv {

/** How layer tables print an activation: "gelu" -> "GELU". */
std::string enerv_activation_label(const std::string &act);

struct EnervUpOptions {
    EnervUpOptions(int64_t in_channels, int64_t out_channels, int64_t stride)
        : in_channels_(in_channels), out_channels_(out_channels), stride_(stride)
    {
    }
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, stride);
    TORCH_ARG(std::string, act) = "gelu";
};

class EnervNervBlockImpl : public torch::nn::Module {
public:
    explicit EnervNervBlockImpl(const EnervUpOptions &options);
    torch::Tensor forward(const torch::Tensor &x);

    static int64_t parameter_count(const EnervUpOptions &options);
    /** "Conv3x3 588->1176, PS2, GELU" */
    static std::string describe(const EnervUpOptions &options);

private:
    int64_t stride_;
    torch::nn::Conv2d conv_{nullptr};
    torch::nn::AnyModule act_;
};
TORCH_MODULE(EnervNervBlock);

class EnervUpgradedBlockImpl : public torch::nn::Module {
public:
    explicit EnervUpgradedBlockImpl(const EnervUpOptions &options);
    torch::Tensor forward(const torch::Tensor &x);

    /** Whether the first conv narrows to in/4 and up-samples (Cin <= Cout). */
    static bool narrows_first(const EnervUpOptions &options)
    {
        return options.in_channels() <= options.out_channels();
    }
    static int64_t parameter_count(const EnervUpOptions &options);
    static std::string describe(const EnervUpOptions &options);

private:
    int64_t stride_;
    bool narrows_first_;
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
    torch::nn::AnyModule act_;
};
TORCH_MODULE(EnervUpgradedBlock);

}  // namespace nerv

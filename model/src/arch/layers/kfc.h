// KFc, the Kronecker fully-connected rescaling of pyramidal PNeRV (Zhao et al., CVPR 2024;
// QiZhao-NJU model/P_NeRV.py KFc_bias). Per channel c it maps an h_i x w_i map to any
// h_o x w_o map:
//   Y_c = W_L[c] X_c W_R[c] + b_c[c] * (b_h b_w)      W_L[c]: h_o x h_i, W_R[c]: w_i x w_o
// i.e. a fully-connected layer whose weight is the Kronecker product W_R^T (x) W_L: a global
// receptive field for c (h_o h_i + w_i w_o) weights, and a rank-1 separable bias.
// Initialisation as the reference: W_L and W_R from kaiming_normal_(fan_out, relu) on their
// 3-D tensors, i.e. N(0, 2 / (c h_i)) and N(0, 2 / (c w_o)); the three bias factors at zero.
// (A product of zero factors has zero gradient, so in the reference the bias never leaves
// zero; we keep that behaviour rather than invent another initialisation.)
// Parameter names: w_l [c,h_o,h_i], w_r [c,w_i,w_o], b_h [h_o,1], b_w [1,w_o], b_c [c,1].
#pragma once

#include <string>

#include <torch/torch.h>

namespace nerv {

struct KroneckerFcOptions {
    KroneckerFcOptions(int64_t channels, int64_t in_height, int64_t in_width, int64_t out_height, int64_t out_width)
        : channels_(channels), in_height_(in_height), in_width_(in_width), out_height_(out_height),
          out_width_(out_width)
    {
    }
    TORCH_ARG(int64_t, channels);
    TORCH_ARG(int64_t, in_height);
    TORCH_ARG(int64_t, in_width);
    TORCH_ARG(int64_t, out_height);
    TORCH_ARG(int64_t, out_width);

public:  // TORCH_ARG leaves the section private

    /** c (h_o h_i + w_i w_o) + h_o + w_o + c */
    int64_t parameter_count() const;
    /** "KFc 40x80->120x240 (2 ch)" */
    std::string description() const;
};

class KroneckerFcImpl : public torch::nn::Module {
public:
    explicit KroneckerFcImpl(const KroneckerFcOptions &options);
    /** [B,c,h_i,w_i] -> [B,c,h_o,w_o] */
    torch::Tensor forward(const torch::Tensor &x);
    const KroneckerFcOptions &options() const { return options_; }

    torch::Tensor w_l, w_r, b_h, b_w, b_c;

private:
    KroneckerFcOptions options_;
};
TORCH_MODULE(KroneckerFc);

}  // namespace nerv

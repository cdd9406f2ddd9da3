// PNeRV's decoder blocks (Gupta et al., TMLR 2024, Sec. 3.4, Eq. 9, Fig. 8, Table 11).
//
// AdaIN (Karras et al., StyleGAN): per-sample instance normalisation, then a per-channel
// scale and shift computed from the style vector z by one Linear:
//   AdaIN(x, z) = IN(x) * gamma(z) + beta(z),   [gamma | beta] = Linear(z -> 2C)
// The Linear's bias starts at gamma = 1, beta = 0 (StyleGAN's initialisation), so the
// block starts as a plain normalisation.
//
// F block: AdaIN(z) -> Conv3x3 -> PixelShuffle(s) -> activation; the slim variant (F11,
// after E-NeRV's upgraded block) narrows the up-sampling conv:
//   Conv3x3 in -> narrow*s^2, PS(s), Conv3x3 narrow -> out, activation
// The pixel shuffle is skipped for s = 1.
//
// ProdPoly block: a 2nd-order NCP polynomial of its input r (Eq. 9):
//   y_1 = F_1(x) (*) Psi_1(r),   y_2 = F_2(y_1) (*) Psi_2(r),   output y_2
// with (*) the Hadamard product. In the first block r = z (Psi are Linear layers, their
// vectors broadcast over the map) and x = U(z); in later blocks r = x = the previous block's
// output and Psi are transposed convolutions bringing r to y_m's size. Their kernel equals
// their stride (k = s, no padding): like NCP's A^T z, Psi injects the input position by
// position, and all spatial mixing is left to F. Psi's bias starts at 1 (see the constructor).
// Parameters: f.{0,1}.adain.style.*, f.{m}.conv.* (or conv1/conv2 for the slim F), psi.{0,1}.*
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace nerv {

class AdaInImpl : public torch::nn::Module {
public:
    AdaInImpl(int64_t style_dim, int64_t channels);
    /** x: [N, C, H, W], style: [N, style_dim] */
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &style);
    static int64_t parameter_count(int64_t style_dim, int64_t channels) { return (style_dim + 1) * 2 * channels; }

private:
    int64_t channels_;
    torch::nn::Linear style_{nullptr};
};
TORCH_MODULE(AdaIn);

struct PolyFBlockOptions {
    PolyFBlockOptions(int64_t in_channels, int64_t out_channels, int64_t stride, int64_t style_dim)
        : in_channels_(in_channels), out_channels_(out_channels), stride_(stride), style_dim_(style_dim)
    {
    }
    int64_t parameter_count() const;
    /** "AdaIN, Conv3x3 324->2025, PS5, Conv3x3 81->324, GELU" */
    std::string description() const;

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, stride);
    TORCH_ARG(int64_t, style_dim);
    TORCH_ARG(int64_t, narrow) = 0;  // > 0: the slim variant with this inner width
    TORCH_ARG(std::string, act) = "gelu";
};

class PolyFBlockImpl : public torch::nn::Module {
public:
    explicit PolyFBlockImpl(const PolyFBlockOptions &options);
    /** x: [N, in, H, W], style: [N, style_dim] -> [N, out, H*s, W*s] */
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &style);

private:
    PolyFBlockOptions options_;
    AdaIn adain_{nullptr};
    torch::nn::Conv2d conv_{nullptr}, conv1_{nullptr}, conv2_{nullptr};
    torch::nn::AnyModule act_;
};
TORCH_MODULE(PolyFBlock);

struct ProdPolyOptions {
    ProdPolyOptions(int64_t in_channels, int64_t mid_channels, int64_t out_channels, int64_t style_dim)
        : in_channels_(in_channels), mid_channels_(mid_channels), out_channels_(out_channels), style_dim_(style_dim)
    {
    }
    PolyFBlockOptions first() const;
    PolyFBlockOptions second() const;
    /** Parameters of Psi_m (m = 0, 1). */
    int64_t psi_parameter_count(int m) const;
    std::string psi_description(int m) const;
    int64_t parameter_count() const;

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, in_channels);   // x (and r when Psi reads the block input)
    TORCH_ARG(int64_t, mid_channels);  // y_1
    TORCH_ARG(int64_t, out_channels);  // y_2
    TORCH_ARG(int64_t, style_dim);     // z, for AdaIN (and Psi in the first block)
    TORCH_ARG(int64_t, stride1) = 1;   // F_1's up-sampling
    TORCH_ARG(int64_t, stride2) = 1;   // F_2's up-sampling
    TORCH_ARG(int64_t, narrow) = 0;    // F_1's slim width (0: plain F_1)
    TORCH_ARG(bool, psi_from_style) = false;
    TORCH_ARG(std::string, act) = "gelu";
};

class ProdPolyBlockImpl : public torch::nn::Module {
public:
    explicit ProdPolyBlockImpl(const ProdPolyOptions &options);
    /** x: [N, in, H, W], style: [N, style_dim] -> [N, out, H*s1*s2, W*s1*s2] */
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &style);

private:
    torch::Tensor psi(size_t m, const torch::Tensor &x, const torch::Tensor &style);

    ProdPolyOptions options_;
    std::vector<PolyFBlock> f_;
    std::vector<torch::nn::Linear> psi_linear_;
    std::vector<torch::nn::ConvTranspose2d> psi_conv_;
};
TORCH_MODULE(ProdPolyBlock);

}  // namespace nerv

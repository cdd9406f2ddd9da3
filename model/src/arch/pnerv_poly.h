// Polynomial PNeRV (Gupta et al., "PNeRV: A Polynomial Neural Representation for Videos",
// TMLR 2024; no public code: built from the paper, Table 11 and Appendix A). A frame is
// rendered patch by patch from continuous coordinates:
//   t = i / (N-1); each of the M x N canvas tiles has a coarse centroid lambda and K x L
//   fine centroids Lambda (arch/layers/pnerv_patches.h)
//   z     = HMF(FPE(t), PPE(Lambda)) + TSE(lambda, t)              [160] per patch
//   o     = U(z)                                                   [324, 9+2, 16+2]
//   o_r   = ProdPoly_r(o_{r-1}; z), r = 1..3 (F blocks with AdaIN(z), Hadamard products)
//   patch = sigmoid(Conv1x1(o_3)); the patches are cross-faded into the canvas.
// Purely coordinate-indexed: nothing is transmitted per frame; every parameter is.
//
// Time. t = i / (N-1) (0 for a one-frame segment): the paper normalises the frame index to
// [0, 1] and follows E-NeRV, whose code uses i / (N-1); fractional indices render
// in-between times.
//
// Sizes. render() draws the canvas, M x N tiles of grid * prod(strides) pixels (720x1280:
// 4x4 tiles of 180x320 = 9x16 cells x 20). render_size() draws any size from the same tiles:
// the last feature maps are magnified s times (the smallest whole s that covers the size) and
// the 1x1 head and sigmoid applied at that size; other sizes are area-averaged from the next
// larger render. That is a magnification of the picture, no new detail: finer tilings and
// magnifying ahead of a convolution were measured worse (docs/models.md).
//
// Training. The generic trainer gives whole frames; a frame is all M x N = 16 patches, which
// is the paper's batch of 16 patches, so the default train_step (render the frame, loss on
// the coded area) trains all patches of a frame at once through the same blending render()
// uses. The recipe is the paper's: Adam (default betas) at 5e-4, cosine annealing without
// warm-up, 300 epochs, 0.7 L1 + 0.3 (1 - SSIM) (Fusion6), one frame per step.
//
// Parameters at 720x1280, default config: 12,030,430 (the paper: 11.89M, +1.2%). The paper
// leaves several sizes open; every assumption is listed (A = assumption, T11 = Table 11,
// A.4 = Appendix A.4, S = section):
//   layer        shape                                            params  source
//   ppe          PE 1.25_40 of 4x4 fine centroids -> [160,4,4];   256,480  S3.2 (K=L=4, 40 levels: A; the
//                non-local 160->80 (51,600), Linear 2560->80                    flattened Linear: A)
//   hmf          6 Linear 80->160 (order 3, rank 160)              77,760  S3.3, A.4 (80 x 160, k = 160)
//   tse          160 values (80 levels, b 1.25), no parameters          0  Eqs. 6-7 (80 levels so that
//                                                                            z = x3 + TSE is 160 wide: A)
//   u            Linear 160->16 x3, ConvT11x18 (16), ConvT3x3 x2,  68,580  T11 "MLP & TransposeConv2D &
//                ConvT1x1 16->324 -> [324,11,18]                               Reshape", Fig. 9; widths: A
//   blocks.0     F11 AdaIN, Conv3x3 324->2025, PS5, Conv3x3 81->324  6,247,773  A.4 slim F11; AdaIN = one
//                Psi11 Linear 160->324                             52,164    Linear z -> (gamma, beta): A
//                F12 AdaIN, Conv3x3 324->648, PS2                 1,994,544  T11
//                Psi12 Linear 160->162                             26,082    T11
//   blocks.1     F21 AdaIN, Conv3x3 162->1536, PS2                2,293,188  T11
//                Psi21 ConvT2x2/2 162->384                        249,216    T11 (kernel = stride: A)
//                F22 AdaIN, Conv3x3 384->96                       455,520    T11
//                Psi22 ConvT2x2/2 162->96 (reads the block input) 62,304     Eq. 9 / NCP (T11 lists no
//                                                                            up-scale here: A)
//   blocks.2     F31, F32 AdaIN, Conv3x3 96->96                   113,952 x2 T11
//                Psi31, Psi32 ConvT1x1 96->96                       9,312 x2 T11 (kernel = stride: A)
//   head         Conv1x1 96->3, sigmoid                               291    T11 "ToRGB" (1x1 and sigmoid,
//                                                                            as E-NeRV: A)
// Overlap margins (1 cell = 20 px each side at 720p) only enlarge U's projection kernel
// (11x18 instead of 9x16: +14,336 parameters); they replace the paper's Gaussian blur.
//
// Tensor names: ppe.*, hmf.*, u.*, blocks.{0,1,2}.{f,psi}.{0,1}.*, head.*.
// Stream keys: pnerv-poly.{patches, fine, grid, overlap, strides, channels, narrow, u_hidden,
// rank, ppe_dim, nonlocal_dim, pe_t_base, pe_t_levels, pe_fine_base, pe_fine_levels,
// tse_base, act}. Config and params: arch/pnerv_poly_config.h.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/layers/hmf.h"
#include "arch/layers/pnerv_poly_embedding.h"
#include "arch/layers/poly_upsampler.h"
#include "arch/layers/prodpoly.h"
#include "arch/pnerv_poly_config.h"
#include "arch/registry.h"

namespace nerv {

class PnervPolyImpl : public VideoModelImpl {
public:
    explicit PnervPolyImpl(const PnervPolyConfig &config);

    std::string arch() const override { return "pnerv-poly"; }
    void write_config(Metadata &meta) const override { write_pnerv_poly_config(config_, meta); }
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    /** render_size() at the canvas size. */
    torch::Tensor render(const FrameBatch &batch) override;
    /** [B, 3, out_height, out_width] in [0,1]: the canvas's unit square at that size (see the
     *  file comment for the patch geometry). -EINVAL for sizes outside [1, 16384]. */
    torch::Tensor render_size(const FrameBatch &batch, int out_height, int out_width) override;
    std::vector<std::string> prunable_parameters() const override;
    std::vector<LayerInfo> layers() const override { return pnerv_poly_layers(config_); }
    std::string summary() const override;

    const PnervPolyConfig &config() const { return config_; }
    /** t = i / (N-1) in float64 (t = 0 for a one-frame segment). */
    static torch::Tensor normalized_time(const torch::Tensor &index, int64_t frame_count);

private:
    /** The canvas's tiles (the training geometry), each patch drawn `scale` times larger. */
    torch::Tensor render_canvas(const FrameBatch &batch, int64_t scale);

    PnervPolyConfig config_;
    PnervPpe ppe_{nullptr};
    Hmf hmf_{nullptr};
    PolyUpsampler u_{nullptr};
    std::vector<ProdPolyBlock> blocks_;
    torch::nn::Conv2d head_{nullptr};
};

TrainRecipe pnerv_poly_recipe();
ArchEntry pnerv_poly_arch_entry();

}  // namespace nerv

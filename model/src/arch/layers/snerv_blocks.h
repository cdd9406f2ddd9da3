// Pieces shared by SNeRV-B and SNeRV-T (Kim et al., ECCV 2024, qwertja/SNeRV). Both
// decode a frame's Haar LL band (normalised to [0,1]) and its three high-frequency
// bands at half resolution, then invert the DWT (arch/layers/haar_dwt.h):
//
//   MultiResolutionFusion (MFU), two MF blocks over the last three decoder stages
//   f_a (stage n-3, ca channels), f_b (n-2, cb), f_c (n-1, cc):
//     m   = RB(ca+cb -> cb)(cat[ConvT_sb(f_a), f_b])    "0.up", "0.fuse"
//     out = RB(cb+cc -> cc)(cat[ConvT_sc(m),   f_c])    "1.up", "1.fuse"
//   ConvT_s = ConvTranspose2d(C, C, kernel s, stride s), s = the later stage's stride
//   (2 in every model of the paper), RB = ResidualBlocksWithInputConv.
//
//   HighFrequencyRestoration (HFR): three branches Conv1x1 C->C -> LeakyReLU(0.1) ->
//   Conv3x3 C->3 on the MFU output, giving bands 0, 1, 2 ("lh", "hl", "hh").
//
//   snerv_synthesize: head output -> tanh*0.5+0.5 (the normalised LL) -> de-normalised
//   with the frame's (min, max) -> inverse DWT with the HFR bands. No final clamp,
//   as the reference; models clamp what render() returns.
//
//   snerv_train_step: the paper's loss F(frame) + F(LL normalised) + F(HF bands 5-D),
//   each on the coded area (the bands' coded area is half of it, rounded up).
//
// Per-frame normalisation: the reference takes min/max over the whole batch tensor,
// which ties a frame's coding to its batch mates. A codec needs each frame decodable
// alone, so every frame is normalised by its own (min, max), transmitted as "norm" [2].
// With batch 1 (the paper's recipe) this is exactly the reference.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/layers/residual_blocks.h"
#include "arch/video_model.h"

namespace nerv {

class LossFunction;

struct MultiResolutionFusionOptions {
    MultiResolutionFusionOptions(std::vector<int64_t> widths, std::vector<int64_t> strides, int64_t num_blocks)
        : widths_(std::move(widths)), strides_(std::move(strides)), num_blocks_(num_blocks)
    {
    }
    TORCH_ARG(std::vector<int64_t>, widths);   // ca, cb, cc: the last three stages' widths
    TORCH_ARG(std::vector<int64_t>, strides);  // sb, sc: the last two stages' strides
    TORCH_ARG(int64_t, num_blocks);            // residual blocks per RB (N_RB)

public:  // TORCH_ARG leaves the section private

    /** Block i (0, 1): its ConvT's parameters and its RB. */
    int64_t up_parameter_count(int block) const;
    ResidualBlocksOptions fuse_options(int block) const;
    int64_t parameter_count() const;
};

/** One MF block: RB(cat[ConvT_s(coarse), fine]) ("up", "fuse"). */
class MfBlockImpl : public torch::nn::Module {
public:
    MfBlockImpl(int64_t coarse_channels, int64_t stride, const ResidualBlocksOptions &fuse);
    torch::Tensor forward(const torch::Tensor &coarse, const torch::Tensor &fine);

private:
    torch::nn::ConvTranspose2d up_{nullptr};
    ResidualBlocksWithInputConv fuse_{nullptr};
};
TORCH_MODULE(MfBlock);

class MultiResolutionFusionImpl : public torch::nn::Module {
public:
    explicit MultiResolutionFusionImpl(const MultiResolutionFusionOptions &options);
    torch::Tensor forward(const torch::Tensor &f_a, const torch::Tensor &f_b, const torch::Tensor &f_c);

private:
    MfBlock blocks_[2] = {nullptr, nullptr};  // "0", "1"
};
TORCH_MODULE(MultiResolutionFusion);

/** One HFR branch: Conv1x1 C->C ("conv1") -> LeakyReLU(0.1) -> Conv3x3 C->3 ("conv2"). */
class HfrBranchImpl : public torch::nn::Module {
public:
    explicit HfrBranchImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor &x);
    static int64_t parameter_count(int64_t channels);

private:
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(HfrBranch);

class HighFrequencyRestorationImpl : public torch::nn::Module {
public:
    explicit HighFrequencyRestorationImpl(int64_t channels);
    /** [B,C,h,w] -> bands [B,3,3,h,w] (colour, band, y, x). */
    torch::Tensor forward(const torch::Tensor &x);
    /** Branch names, in band order. */
    static const char *const kBranchNames[3];

private:
    HfrBranch branches_[3] = {nullptr, nullptr, nullptr};
};
TORCH_MODULE(HighFrequencyRestoration);

/** Each sample's (min, max) over all values of all `lls` (each [B,C,h,w]): [B,2], detached. */
torch::Tensor ll_value_range(const std::vector<torch::Tensor> &lls);
/** (ll - min) / (max - min) per sample; the range is floored at 1e-6 so a flat frame maps to 0. */
torch::Tensor normalize_ll(const torch::Tensor &ll, const torch::Tensor &range);

struct SnervOutput {
    torch::Tensor frame;          // [B,3,2h,2w], not clamped
    torch::Tensor ll_normalized;  // [B,3,h,w] in [0,1]
    torch::Tensor bands;          // [B,3,3,h,w]
};

/** pyramid: the MFU output [B,C,h,w]; range: [B,2] (min, max) of the frame's LL. */
SnervOutput snerv_synthesize(const torch::Tensor &pyramid, torch::nn::Conv2d &head, HighFrequencyRestoration &hfr,
                             const torch::Tensor &range);

/** The three-term loss against frames [B,3,2h,2w] (canvas-padded), on the coded area. */
TrainStep snerv_train_step(const SnervOutput &output, const torch::Tensor &frames, const torch::Tensor &visible,
                           const torch::Tensor &range,
                           const LossFunction &loss, int coded_height, int coded_width);

/** Layer rows "mfu.{0,1}.up", "mfu.{0,1}.fuse", "head", "hfr.{lh,hl,hh}" and a parameter-free
 *  "idwt" row, for a decoder whose last stage outputs the LL size ll_height x ll_width.
 *  fused_stage_names: the decoder rows whose outputs MF blocks 0 and 1 concatenate. */
std::vector<LayerInfo> snerv_tail_layers(const MultiResolutionFusionOptions &mfu, int64_t ll_height,
                                         int64_t ll_width, const std::vector<std::string> &fused_stage_names);

/** Checks a render input "norm": [B,2]; throws -EINVAL naming `arch`. */
void check_norm_input(const torch::Tensor &range, int64_t batch, const char *arch);

}  // namespace nerv

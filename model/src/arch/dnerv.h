// DNeRV (Zhao et al., CVPR 2023; QiZhao-NJU model/D_NeRV.py, cfgs/DNeRV.yaml): HNeRV's
// content embedding plus a "difference" embedding of the frame's temporal neighbours.
//   content stream (encoder side): frame -> 5 x [Conv s/s, LN_cf, DNeRV ConvNeXt(64)]
//       -> Conv1x1 64->16 = "embed" [16, Hc/P, Wc/P]                     (P = prod(strides))
//   difference stream (encoder side): interleaved [x_t - x_t-1, x_t+1 - x_t] (6 channels,
//       arch/layers/frame_difference.h) -> 3 x [Conv, LN_cf, ConvNeXt(64)] -> Conv1x1 64->2
//       = "diff" [2, Hc/Pd, Wc/Pd]                                  (Pd = prod(diff_strides))
//   decoder: stem Conv1x1 16->fc_dim (no activation), then pixel-shuffle blocks with
//       kernels 1,3,5,5,5 and widths C_{i+1} = Python's round(C_i // 1.2) (a floor);
//       after stage ccu_stage (2) the CCU (arch/layers/ccu.h) merges the difference branch
//       diff -> Conv1x1 2->C_in -> block Conv3x3 + PS(strides[ccu_stage]) + GELU;
//       head Conv3x3 -> 3, sigmoid.
// Both embeddings are transmitted per frame, so the decoder renders a frame from its own
// two tensors and never needs neighbour frames: random access holds.
// At 960x1920 (the reference): 3,948,426 parameters, 543,058 of them in the encoders (not
// transmitted; that figure includes the unused norm/gamma of DNeRV's ConvNeXt block, see
// arch/layers/dnerv_convnext_block.h) and 3,405,368 on the decoder side.
//
// Frame sizes: `strides` default to the stride plan (5 stages, about 2 embedding cells on
// the short side, arch/layers/stride_plan.h): 960x1920 -> 5,4,4,3,2, the reference. The
// difference grid must be the grid entering stage ccu_stage, so prod(diff_strides) =
// prod(strides[ccu_stage:]); the default diff_strides are exactly strides[ccu_stage:]
// (4,3,2 in the reference), and the branch up-samples by strides[ccu_stage].
//
// Request parameters (ArchRequest::params):
//   strides=5,4,4,3,2  content encoder and decoder strides
//   diff_strides=4,3,2  difference encoder strides (product as above)
//   ccu_stage=2        decoder stage after which the CCU fuses the branch (0..stages-1)
//   fc_dim=92          stem width (excludes `size`)    reduce=1.2  width divisor (floor)
//   enc_dim=64  embed_dim=16  diff_dim=2  kernels=1,3,5,5,5  diff_kernel=3  ccu_kernel=3
//   act=gelu
// size: "" = fc_dim 92 (the reference's c2); a parameter budget ("3M", "800k") picks the
// largest fc_dim whose transmitted model (decoder side, head included) fits. Per-frame
// embeddings are not counted: the reference's "3M" names the decoder alone.
//
// Tensor names: content_encoder.*, diff_encoder.* (not transmitted), stem.*,
// decoder.{i}.conv.*, diff_stem.*, diff_decoder.conv.*, ccu.*, head.*.
// Frame tensors: "embed" [embed_dim, Hc/P, Wc/P], "diff" [diff_dim, Hc/Pd, Wc/Pd].
// Stream keys: dnerv.{strides, diff_strides, ccu_stage, enc_dim, embed_dim, diff_dim,
// embed_height, embed_width, fc_dim, channels, kernels, diff_kernel, ccu_kernel, act,
// canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/ccu.h"
#include "arch/layers/pixel_shuffle_block.h"
#include "arch/layers/stream_encoder.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved DNeRV architecture (what the stream stores). */
struct DnervConfig {
    std::vector<int64_t> strides = {5, 4, 4, 3, 2};  // content encoder = decoder
    std::vector<int64_t> diff_strides = {4, 3, 2};   // difference encoder
    int64_t ccu_stage = 2;
    int64_t enc_dim = 64;                            // both encoders' width (c1)
    int64_t embed_dim = 16;                          // content embedding channels (d)
    int64_t diff_dim = 2;                            // difference embedding channels
    int64_t embed_height = 2, embed_width = 4;       // content embedding grid
    int64_t fc_dim = 92;                             // stem output width (c2)
    std::vector<int64_t> channels = {76, 63, 52, 43, 35};  // output width per decoder stage
    std::vector<int64_t> kernels = {1, 3, 5, 5, 5};
    int64_t diff_kernel = 3;                         // the difference branch's up-sampling conv
    int64_t ccu_kernel = 3;
    std::string act = "gelu";

    int64_t total_stride() const;
    int64_t diff_stride() const;
    int64_t canvas_height() const { return embed_height * total_stride(); }
    int64_t canvas_width() const { return embed_width * total_stride(); }
    int64_t diff_height() const { return canvas_height() / diff_stride(); }
    int64_t diff_width() const { return canvas_width() / diff_stride(); }
    /** Width entering decoder stage i (fc_dim for stage 0). */
    int64_t stage_in_channels(size_t stage) const { return stage == 0 ? fc_dim : channels[stage - 1]; }
};

/** Decoder widths: C_{i+1} = Python's C_i // reduce (floor division of floats). */
std::vector<int64_t> dnerv_stage_channels(int64_t fc_dim, size_t stages, double reduce);

/** Resolve a request (params, size budget, frame size) into a config. Throws -EINVAL. */
DnervConfig resolve_dnerv_config(const ArchRequest &request);

/** Layer rows in data-flow order (encoder rows marked not transmitted), from the config alone. */
std::vector<LayerInfo> dnerv_layer_table(const DnervConfig &config);

class DnervImpl : public VideoModelImpl {
public:
    DnervImpl(const DnervConfig &config, bool with_encoder);

    std::string arch() const override { return "dnerv"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    std::vector<FrameTensorSpec> frame_tensors() const override;
    /** "embed" from batch.frames, "diff" from the frames and their neighbours (batch.frames_at). */
    std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) override;
    torch::Tensor render(const FrameBatch &batch) override;
    bool is_transmitted(const std::string &parameter_name) const override;
    std::vector<std::string> prunable_parameters() const override;
    /** dnerv_layer_table(), without the encoder rows when they were not built. */
    std::vector<LayerInfo> layers() const override;
    std::string summary() const override;

    const DnervConfig &config() const { return config_; }
    bool has_encoder() const { return !content_encoder_.is_empty(); }
    /** Rebuild from "dnerv." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static DnervConfig read_config(const Metadata &meta);

private:
    DnervConfig config_;
    StreamEncoder content_encoder_{nullptr}, diff_encoder_{nullptr};
    torch::nn::Conv2d stem_{nullptr};
    std::vector<PixelShuffleBlock> decoder_;
    torch::nn::Conv2d diff_stem_{nullptr};
    PixelShuffleBlock diff_decoder_{nullptr};
    CollaborativeContentUnit ccu_{nullptr};
    torch::nn::Conv2d head_{nullptr};
};

TrainRecipe dnerv_recipe();
ArchEntry dnerv_arch_entry();

}  // namespace nerv

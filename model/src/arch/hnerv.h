// HNeRV (Chen et al., CVPR 2023): a frame is decoded from a tiny per-frame embedding
// that a ConvNeXt encoder computes from the frame itself.
//   frame [3,Hc,Wc] -> ConvNeXt encoder (not transmitted) -> embed [16, Hc/P, Wc/P]
//   -> decoder.0: Conv1x1 16 -> fc_dim * f^2 + act (f = P_enc / P_dec; f = 1 normally)
//   -> decoder.1..n: pixel-shuffle blocks, kernels min(ks_dec1 + 2i, ks_dec2),
//      widths int(max(python_round(C / reduce), lower_width))
//   -> head Conv3x3 C -> 3 -> tanh(x) * 0.5 + 0.5
//
// Request parameters (ArchRequest::params):
//   strides=5,4,4,2,2   encoder and decoder strides (default: the stride plan, ~2 embedding
//                       cells on the short side; 640x1280 -> 5,4,4,2,2 and a 2x4 embedding)
//   enc_strides=..., dec_strides=...  set them separately (P_enc must be a multiple of P_dec)
//   fc_dim=68           decoder width (overrides the size solver)
//   embed_dim=16  enc_dim=64  ks=0_1_5 (enc_dec1_dec2; the first is accepted and unused,
//   the ConvNeXt encoder's kernels equal its strides)  reduce=1.2  lower_width=12  act=gelu
// size: a parameter budget (default "1.5M") for decoder + embeddings of all `frames`,
// solved with the reference's quadratic (train_nerv_all.py): fc_dim = int(largest root of
// a C^2 + b C - (budget - embed_params)); embed_params counts the real embedding grid.
//
// Tensor names: encoder.stages.* (not transmitted), decoder.{i}.conv.{weight,bias},
// head.{weight,bias}. Frame tensor: "embed" [embed_dim, Hc/P_enc, Wc/P_enc].
// Stream keys: hnerv.{enc_strides, dec_strides, enc_dims, embed_height, embed_width, fc_dim,
// channels, kernels, act, canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/convnext.h"
#include "arch/layers/pixel_shuffle_block.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved HNeRV architecture (what the stream stores). */
struct HnervConfig {
    std::vector<int64_t> enc_strides = {5, 4, 4, 2, 2};
    std::vector<int64_t> dec_strides = {5, 4, 4, 2, 2};
    std::vector<int64_t> enc_dims = {64, 64, 64, 64, 16};  // last = embedding channels
    int64_t embed_height = 2, embed_width = 4;              // embedding grid
    int64_t fc_dim = 68;
    std::vector<int64_t> channels = {57, 48, 40, 33, 28};   // output width per decoder stage
    std::vector<int64_t> kernels = {1, 3, 5, 5, 5};         // kernel per decoder stage
    std::string act = "gelu";

    int64_t embed_dim() const { return enc_dims.back(); }
    int64_t enc_stride() const;
    int64_t dec_stride() const;
    /** Cells decoder.0 unfolds each embedding position into, per side: P_enc / P_dec. */
    int64_t fc_hw() const { return enc_stride() / dec_stride(); }
    int64_t canvas_height() const { return embed_height * enc_stride(); }
    int64_t canvas_width() const { return embed_width * enc_stride(); }
};

/** Decoder widths: int(max(python_round(C / reduce), lower_width)) per stage. */
std::vector<int64_t> hnerv_stage_channels(int64_t fc_dim, size_t stages, double reduce, int64_t lower_width);

/** The reference's budget solver; fc_dim (may be < 1 when the budget is too small). */
int64_t hnerv_solve_fc_dim(double budget, int64_t embed_parameters, int64_t embed_dim, int64_t fc_hw,
                           const std::vector<int64_t> &dec_strides, const std::vector<int64_t> &kernels,
                           double reduce);

/** Resolve a request (params, size budget, frame size, frames) into a config. Throws -EINVAL. */
HnervConfig resolve_hnerv_config(const ArchRequest &request);

/** Layer rows (encoder stages marked not transmitted) from the config alone. */
std::vector<LayerInfo> hnerv_layer_table(const HnervConfig &config);

class HnervImpl : public VideoModelImpl {
public:
    HnervImpl(const HnervConfig &config, bool with_encoder);

    std::string arch() const override { return "hnerv"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    std::vector<FrameTensorSpec> frame_tensors() const override;
    std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) override;
    torch::Tensor render(const FrameBatch &batch) override;
    bool is_transmitted(const std::string &parameter_name) const override;
    std::vector<std::string> prunable_parameters() const override;
    /** hnerv_layer_table(), without the encoder rows when it was not built. */
    std::vector<LayerInfo> layers() const override;
    std::string summary() const override;

    const HnervConfig &config() const { return config_; }
    bool has_encoder() const { return !encoder_.is_empty(); }
    /** Rebuild from "hnerv." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static HnervConfig read_config(const Metadata &meta);

private:
    HnervConfig config_;
    ConvNeXtEncoder encoder_{nullptr};
    torch::nn::ModuleList decoder_{nullptr};
    std::vector<PixelShuffleBlock> blocks_;  // decoder.0 (the 1x1 "downconv") first
    torch::nn::Conv2d head_{nullptr};
};

TrainRecipe hnerv_recipe();
ArchEntry hnerv_arch_entry();

}  // namespace nerv

// Pyramidal PNeRV (Zhao, Asif, Ma, CVPR 2024; QiZhao-NJU model/P_NeRV.py, cfgs/PNeRV.yaml;
// models.md §8): DNeRV's two embeddings, decoded by a pyramid that feeds the difference
// embedding to every scale.
//   content stream (encoder side): 5 x [Conv s/s, LN_cf, ConvNeXt(64)] -> Conv1x1 64->16
//       = "embed" [16, Hc/P, Wc/P]                                      (P = prod(enc_strides))
//   difference stream (encoder side): interleaved neighbour differences (6 channels)
//       -> 3 x [Conv, LN_cf, ConvNeXt(64)] -> Conv1x1 64->2 = "diff" [2, Hc/Pd, Wc/Pd]
//   decoder: stem Conv1x1 16 -> 16 s^2, PS(s), GELU (s = stem_stride, 10), then stages
//       Conv3x3 + PS(dec_strides[i]) + GELU, all dec_dim (105) wide; after every stage but the
//       last, BSM (arch/layers/bsm.h) fuses the pyramid feature of that scale: the diff
//       embedding itself where its grid already matches, else KFc (arch/layers/kfc.h) from the
//       diff grid to the stage's grid + BatchNorm + GELU. Head Conv3x3 -> 3, sigmoid.
// Both embeddings are transmitted per frame: the decoder renders a frame from its own tensors
// alone (random access).
// At 960x1920 (the 3M config): 3,861,084 parameters; encoders 543,058 (not transmitted);
// decoder side 3,318,026.
//
// BatchNorm at decode time: the reference never calls model.eval(), so its BN normalises each
// frame with that frame's own statistics (batch 1) in training and testing alike. We keep that
// behaviour as a rule, PerSampleBatchNorm (arch/layers/per_sample_batch_norm.h): every sample
// is normalised by its own per-channel (H,W) statistics with BN's affine parameters, in
// training and in decoding. With the recipe's batch 1 this equals the reference exactly; a
// decoded frame depends on its own tensors only; no running statistics exist or are stored.
// With batch > 1 each frame still uses its own statistics (PyTorch's train-mode BN would
// pool the batch), which keeps training identical to what the decoder computes.
//
// Frame sizes: enc_strides default to the stride plan (5 stages, about 2 embedding cells on
// the short side): 960x1920 -> 5,4,4,3,2. diff_strides default to the last three (4,3,2).
// dec_strides default so that the diff grid is stage 0's output (the reference's identity
// shortcut at stage 0): stage 0 takes the smallest prime factor of Q = P / Pd, the stem the
// rest of Q, the later stages the prime factors of Pd in descending order. 960x1920:
// Q = 20 -> stage 0 stride 2, stem 10; Pd = 24 -> 3,2,2,2: the reference's 10 | 2,3,2,2,2.
// The stem stride is always P / prod(dec_strides).
//
// Request parameters (ArchRequest::params):
//   enc_strides=5,4,4,3,2  diff_strides=4,3,2  dec_strides=2,3,2,2,2 (product must divide P)
//   dec_dim=105 decoder width (excludes `size`)  enc_dim=64  embed_dim=16  diff_dim=2
//   kernel=3 (decoder convs)  bsm_kernel=3  act=gelu
// size: "" = dec_dim 105 (the reference's 3M); a parameter budget picks the largest dec_dim
// whose transmitted model (decoder side, head included) fits; per-frame embeddings are not
// counted (the reference's "3M" names the decoder alone).
//
// Tensor names: content_encoder.*, diff_encoder.* (not transmitted), stem.conv.*,
// decoder.{i}.conv.*, pyramid.{i}.kfc.{w_l,w_r,b_h,b_w,b_c}, pyramid.{i}.norm.{weight,bias}
// (absent where the pyramid is the diff embedding itself), bsm.{i}.*, head.*.
// Frame tensors: "embed" [embed_dim, Hc/P, Wc/P], "diff" [diff_dim, Hc/Pd, Wc/Pd].
// Stream keys: pnerv-pyr.{enc_strides, diff_strides, dec_strides, stem_stride, enc_dim,
// embed_dim, diff_dim, embed_height, embed_width, dec_dim, kernel, bsm_kernel, act,
// canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/bsm.h"
#include "arch/layers/kfc.h"
#include "arch/layers/per_sample_batch_norm.h"
#include "arch/layers/pixel_shuffle_block.h"
#include "arch/layers/stream_encoder.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved pyramidal PNeRV architecture (what the stream stores). */
struct PnervPyramidalConfig {
    std::vector<int64_t> enc_strides = {5, 4, 4, 3, 2};  // content encoder
    std::vector<int64_t> diff_strides = {4, 3, 2};       // difference encoder
    std::vector<int64_t> dec_strides = {2, 3, 2, 2, 2};  // decoder stages (the reference's kfc_stride)
    int64_t stem_stride = 10;                            // = prod(enc_strides) / prod(dec_strides)
    int64_t enc_dim = 64;                                // both encoders' width (c1)
    int64_t embed_dim = 16;                              // content embedding channels (d)
    int64_t diff_dim = 2;                                // difference embedding channels
    int64_t embed_height = 2, embed_width = 4;           // content embedding grid
    int64_t dec_dim = 105;                               // every decoder stage's width
    int64_t kernel = 3;                                  // decoder convs
    int64_t bsm_kernel = 3;
    std::string act = "gelu";

    int64_t enc_stride() const;
    int64_t diff_stride() const;
    int64_t canvas_height() const { return embed_height * enc_stride(); }
    int64_t canvas_width() const { return embed_width * enc_stride(); }
    int64_t diff_height() const { return canvas_height() / diff_stride(); }
    int64_t diff_width() const { return canvas_width() / diff_stride(); }
    /** Output grid of decoder stage i. */
    int64_t stage_height(size_t stage) const;
    int64_t stage_width(size_t stage) const;
    /** BSM gates follow stages 0 .. stages-2. */
    size_t memory_stages() const { return dec_strides.size() - 1; }
    /** Whether stage i's pyramid feature is the diff embedding itself (same grid, no KFc). */
    bool pyramid_is_identity(size_t stage) const;
};

/** The default decoder strides (see the header comment); {} when P / Pd is not an integer. */
std::vector<int64_t> pnerv_default_dec_strides(int64_t enc_stride, int64_t diff_stride);

/** Resolve a request (params, size budget, frame size) into a config. Throws -EINVAL. */
PnervPyramidalConfig resolve_pnerv_pyramidal_config(const ArchRequest &request);

/** Layer rows in data-flow order (encoder rows marked not transmitted), from the config alone. */
std::vector<LayerInfo> pnerv_pyramidal_layer_table(const PnervPyramidalConfig &config);

class PnervPyramidalImpl : public VideoModelImpl {
public:
    PnervPyramidalImpl(const PnervPyramidalConfig &config, bool with_encoder);

    std::string arch() const override { return "pnerv-pyr"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    std::vector<FrameTensorSpec> frame_tensors() const override;
    /** "embed" from batch.frames, "diff" from the frames and their neighbours (batch.frames_at). */
    std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) override;
    torch::Tensor render(const FrameBatch &batch) override;
    bool is_transmitted(const std::string &parameter_name) const override;
    std::vector<std::string> prunable_parameters() const override;
    /** pnerv_pyramidal_layer_table(), without the encoder rows when they were not built. */
    std::vector<LayerInfo> layers() const override;
    std::string summary() const override;

    const PnervPyramidalConfig &config() const { return config_; }
    bool has_encoder() const { return !content_encoder_.is_empty(); }
    /** Rebuild from "pnerv-pyr." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static PnervPyramidalConfig read_config(const Metadata &meta);

private:
    /** The pyramid feature for stage i from the diff embedding. */
    torch::Tensor pyramid(size_t stage, const torch::Tensor &diff);

    PnervPyramidalConfig config_;
    StreamEncoder content_encoder_{nullptr}, diff_encoder_{nullptr};
    PixelShuffleBlock stem_{nullptr};
    std::vector<PixelShuffleBlock> decoder_;
    // Per memory stage; KFc and norm are null where the pyramid is the identity.
    std::vector<KroneckerFc> kfcs_;
    std::vector<PerSampleBatchNorm> norms_;
    std::vector<torch::nn::AnyModule> pyramid_acts_;
    std::vector<BenignSelectiveMemory> memories_;
    torch::nn::Conv2d head_{nullptr};
};

TrainRecipe pnerv_pyramidal_recipe();
ArchEntry pnerv_pyramidal_arch_entry();

}  // namespace nerv

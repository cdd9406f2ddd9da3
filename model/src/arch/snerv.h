// SNeRV-B (Kim et al., "SNeRV: Spectra-preserving Neural Representation for Video",
// ECCV 2024; qwertja/SNeRV model/snerv.py; spec: shared/reference/models.md §6.1-6.2):
// HNeRV applied to the frame's Haar LL band, with a multi-resolution fusion unit (MFU)
// and a high-frequency restoration head (HFR) that predicts the other three bands.
//
//   frame [3,Hc,Wc] -> Haar DWT -> LL [3,Hc/2,Wc/2] -> (LL - min) / (max - min)
//   -> ConvNeXt encoder (not transmitted) -> embed [16, Hc/2P, Wc/2P]
//   -> decoder.0: Conv1x1 16 -> C0 + act;  decoder.1..n: HNeRV's pixel-shuffle up-sampling
//      blocks (UBs), kernels min(ks1 + 2i, ks2), widths int(max(python_round(C/reduce), lower_width))
//   -> mfu: two MF blocks over the last three UB outputs -> pyramid [C_n, Hc/2, Wc/2]
//   -> head Conv3x3 C_n -> 3, tanh*0.5+0.5 (the normalised LL), * (max - min) + min
//   -> hfr: three branches -> the LH, HL, HH bands -> inverse DWT -> frame
// render() clamps the frame to [0,1]; training uses it unclamped, as the reference.
// Per-frame tensors: "embed" [16,h,w] and "norm" [2] = the LL's (min, max), both quantized
// like embeddings (the reference codes both with 6 bits). The reference normalises by the
// min/max of the whole batch; here each frame uses its own pair, so every frame decodes
// alone; with the paper's batch of 1 the two agree.
// Loss (train_step): F(frame) + F(LL normalised) + F(HF bands, 5-D), F = the recipe's loss.
//
// Request parameters (ArchRequest::params):
//   strides=5,4,2,2,2  encoder = decoder strides on the LL band, 3..8 of them (default: the
//                      stride plan for the LL size, ~2 embedding cells on the short side;
//                      640x1280 -> 5,4,2,2,2 and a 2x4 embedding)
//   fc_dim=111 (C0)  num_blocks=6 (N_RB)  embed_dim=16  enc_dim=64  ks=0_1_5 (ENC_DEC1_DEC2; ENC
//   unused, the ConvNeXt kernels equal its strides)  reduce=1.2  lower_width=12  act=gelu
// size: "0.35M", "0.75M", "1.5M", "3M" (default) are the paper's models (supplementary Table 4:
// C0 41/57/81/111, N_RB 2/3/4/6, whatever the frame count; the parameter count then follows
// the strides: 3M is 2,991,851 + 1,191 head at 640x1280, 2,010,662 in all at 176x144). Any
// other budget ("2M", "800k") takes N_RB from the nearest of Table 4's rows on a log scale
// (its 4.57M/8 and 5.95M/10 rows included) and the largest C0 whose transmitted parameters
// plus every frame's embed and norm values fit. fc_dim / num_blocks override either.
//
// Tensor names: encoder.* (not transmitted), decoder.{i}.conv.*, mfu.{0,1}.up.*,
// mfu.{0,1}.fuse.*, head.*, hfr.{lh,hl,hh}.{conv1,conv2}.*
// Stream keys: snerv.{strides, enc_dims, embed_height, embed_width, fc_dim, channels, kernels,
// num_blocks, act, canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/convnext.h"
#include "arch/layers/pixel_shuffle_block.h"
#include "arch/layers/snerv_blocks.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved SNeRV-B architecture (what the stream stores). */
struct SnervConfig {
    std::vector<int64_t> strides = {5, 4, 2, 2, 2};        // encoder and decoder, on the LL band
    std::vector<int64_t> enc_dims = {64, 64, 64, 64, 16};  // last = embedding channels
    int64_t embed_height = 2, embed_width = 4;
    int64_t fc_dim = 111;                                  // C0
    std::vector<int64_t> channels = {92, 77, 64, 53, 44};  // output width per UB
    std::vector<int64_t> kernels = {1, 3, 5, 5, 5};        // kernel per UB
    int64_t num_blocks = 6;                                // N_RB per MF block
    std::string act = "gelu";

    int64_t embed_dim() const { return enc_dims.back(); }
    int64_t stride() const;  // product of the strides
    int64_t ll_height() const { return embed_height * stride(); }
    int64_t ll_width() const { return embed_width * stride(); }
    int64_t canvas_height() const { return 2 * ll_height(); }
    int64_t canvas_width() const { return 2 * ll_width(); }
};

/** Resolve a request (params, size, frame size, frames) into a config. Throws -EINVAL. */
SnervConfig resolve_snerv_config(const ArchRequest &request);

/** Layer rows from the config alone (encoder rows marked not transmitted). */
std::vector<LayerInfo> snerv_layer_table(const SnervConfig &config);

class SnervImpl : public VideoModelImpl {
public:
    SnervImpl(const SnervConfig &config, bool with_encoder);

    std::string arch() const override { return "snerv"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    std::vector<FrameTensorSpec> frame_tensors() const override;
    std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) override;
    torch::Tensor render(const FrameBatch &batch) override;
    TrainStep train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height,
                         int coded_width) override;
    bool is_transmitted(const std::string &parameter_name) const override;
    std::vector<std::string> prunable_parameters() const override;
    std::vector<LayerInfo> layers() const override;
    std::string summary() const override;

    const SnervConfig &config() const { return config_; }
    bool has_encoder() const { return !encoder_.is_empty(); }
    /** Rebuild from "snerv." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static SnervConfig read_config(const Metadata &meta);

private:
    /** Decoder from inputs "embed" and "norm" (unclamped frame, normalised LL, bands). */
    SnervOutput synthesize(const FrameBatch &batch);

    SnervConfig config_;
    ConvNeXtEncoder encoder_{nullptr};
    torch::nn::ModuleList decoder_{nullptr};
    std::vector<PixelShuffleBlock> blocks_;  // decoder.0 (the 1x1 conv) first
    MultiResolutionFusion mfu_{nullptr};
    torch::nn::Conv2d head_{nullptr};
    HighFrequencyRestoration hfr_{nullptr};
};

TrainRecipe snerv_recipe();
ArchEntry snerv_arch_entry();

}  // namespace nerv

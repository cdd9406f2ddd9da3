// SNeRV-T (Kim et al., ECCV 2024, "temporally extended SNeRV"; qwertja/SNeRV
// model/snerv_t.py, train_snerv_t.py; spec: shared/reference/models.md §6.3): SNeRV-B
// whose last three up-sampling blocks also see the neighbouring frames through two small
// per-frame temporal embeddings.
//
// Encoder side, for frame t with neighbours p = t-1 and n = t+1 (at the segment's ends the
// missing neighbour mirrors to the other one, as the reference's VideoDataSet_pn; a
// one-frame segment uses the frame itself; fetched through FrameBatch::frames_at):
//   LL_p, LL_t, LL_n = Haar DWT LL bands -> normalised jointly by their (min, max) ("norm")
//   embed = ConvNeXt(LL_t)                              [16, h, w]        ("encoder")
//   ebw   = ConvNeXt_prev(low(LL_t, LL_p) / 2)           [3, th, tw]      ("encoder_prev")
//   efw   = ConvNeXt_next(low(LL_t, LL_n) / 2)           [3, th, tw]      ("encoder_next")
//   low(a, b) = (a + b) / sqrt(2), the temporal Haar low-pass (arch/layers/haar_dwt.h).
// The decoder only sees the four per-frame tensors (embed, norm, ebw, efw), so every frame
// decodes alone.
//
// Decoder (n stages; the paper's model has 5: strides 5,4,2,2,2, widths 103->86->72->60->50->42):
//   decoder.0: Conv1x1 16 -> C0 + act
//   decoder.1..n-3: UpsampleBlock2d (ConvT + two 3x3 convs with a skip)
//   temporal_input: ebw and efw -> Conv1x1 3 -> C + act -> ConvT_2 per temporal_up stride
//   decoder.n-2, n-1: TUBs over [prev, cur, next];  decoder.n: the last TUB (time -> cur)
//   then mfu, head, hfr and the inverse DWT exactly as SNeRV-B (arch/layers/snerv_blocks.h).
//   temporal=conv2d selects the paper's cheaper variant with time folded into channels
//   ("Ours(T)(2D)"); it has MORE parameters than the 3-D TUBs at the same widths (a 3x3x3
//   kernel shared over time vs. a full 3C x 3eC 3x3 kernel): the 3M model's decoder grows
//   from 2,339,468 to 3,848,408 parameters (+1,137 head) for the same MACs.
// The MFU's ConvTs use the last two stages' strides (the reference fixes k=s=2, which is
// what those strides are in all its models).
//
// Training: loss as SNeRV-B. One deliberate difference: the reference's LL loss target is
// normalised by the current frame's own LL (min, max), while the LL it de-normalises uses
// the joint (min, max) of the three frames, so its two LL terms disagree. Here the target is
// normalised by the same joint pair that de-normalises, so the LL term and the frame term
// ask for the same band.
//
// Request parameters: those of SNeRV-B except ks (strides, fc_dim, num_blocks, embed_dim,
// enc_dim, reduce, lower_width, act), plus
//   temporal=conv3d|conv2d   expansion=2 (TUB channel expansion e, 1..8)
//   temporal_up=2            ConvT strides after the temporal embedding ("1" = none);
//                            the temporal grid is the first TUB's input grid / their product
//   temporal_strides=...     the temporal encoders' strides; default: temporal_up's product
//                            factored over {5,4,3,2}, then the last three decoder strides, in
//                            non-increasing order (640x1280: 2,2,2,2 -> ebw/efw 3x20x40)
// size: "0.35M", "0.75M", "1.5M", "3M" (default) are Table 4's Ours(T) models: C0 39/61/82/103,
// N_RB 2/3/4/6, temporal embeddings 3x5x10/3x5x10/3x10x20/3x20x40 at 640x1280 (temporal_up
// 2,2,2 / 2,2,2 / 2,2 / 2; factors the frame's grid cannot take are dropped). The parameter
// count follows the strides, as for SNeRV-B. Other budgets take N_RB and temporal_up from the
// nearest preset (log scale) and the largest C0 whose transmitted parameters plus every
// frame's embed, norm, ebw and efw values fit.
//
// Tensor names: encoder.*, encoder_prev.*, encoder_next.* (not transmitted), decoder.0.conv.*,
// decoder.{i}.{up,conv1,conv2}.*, temporal_input.{conv,up.{j}}.*,
// decoder.{i}.{up_cur,up_prev,up_next,conv1,conv2}.*, mfu.*, head.*, hfr.*
// Stream keys: snerv-t.{strides, enc_dims, embed_height, embed_width, fc_dim, channels,
// num_blocks, act, temporal, expansion, temporal_up, temporal_strides, temporal_dims,
// canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/convnext.h"
#include "arch/layers/pixel_shuffle_block.h"
#include "arch/layers/snerv_blocks.h"
#include "arch/layers/snerv_temporal_blocks.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved SNeRV-T architecture (what the stream stores). */
struct SnervTConfig {
    std::vector<int64_t> strides = {5, 4, 2, 2, 2};        // encoder and decoder, on the LL band
    std::vector<int64_t> enc_dims = {64, 64, 64, 64, 16};  // last = embedding channels
    int64_t embed_height = 2, embed_width = 4;
    int64_t fc_dim = 103;
    std::vector<int64_t> channels = {86, 72, 60, 50, 42};  // output width per stage
    int64_t num_blocks = 6;                                // N_RB per MF block
    std::string act = "gelu";                              // decoder.0 and temporal_input
    TemporalConv temporal = TemporalConv::Conv3d;
    int64_t expansion = 2;
    std::vector<int64_t> temporal_up = {2};                // may be empty
    std::vector<int64_t> temporal_strides = {2, 2, 2, 2};
    std::vector<int64_t> temporal_dims = {64, 64, 64, 3};  // last = temporal embedding channels

    int64_t embed_dim() const { return enc_dims.back(); }
    int64_t temporal_embed_dim() const { return temporal_dims.back(); }
    int64_t stride() const;  // product of the strides
    /** Index of the first temporal stage (the last three stages are temporal). */
    size_t first_temporal_stage() const { return strides.size() - 3; }
    /** Width and grid entering the first temporal stage (= temporal_input's output). */
    int64_t temporal_input_width() const;
    int64_t temporal_input_height() const;   // rows of that grid
    int64_t temporal_input_columns() const;  // columns of that grid
    int64_t temporal_up_factor() const;
    int64_t temporal_height() const { return temporal_input_height() / temporal_up_factor(); }
    int64_t temporal_width() const { return temporal_input_columns() / temporal_up_factor(); }
    int64_t ll_height() const { return embed_height * stride(); }
    int64_t ll_width() const { return embed_width * stride(); }
    int64_t canvas_height() const { return 2 * ll_height(); }
    int64_t canvas_width() const { return 2 * ll_width(); }
};

/** Resolve a request into a config. Throws -EINVAL naming the offending param. */
SnervTConfig resolve_snerv_t_config(const ArchRequest &request);

/** Layer rows from the config alone (encoder rows marked not transmitted). */
std::vector<LayerInfo> snerv_t_layer_table(const SnervTConfig &config);

class SnervTImpl : public VideoModelImpl {
public:
    SnervTImpl(const SnervTConfig &config, bool with_encoder);

    std::string arch() const override { return "snerv-t"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    std::vector<FrameTensorSpec> frame_tensors() const override;
    /** Needs batch.frames, batch.index, batch.frame_count and batch.frames_at (neighbours). */
    std::map<std::string, torch::Tensor> embed(const FrameBatch &batch) override;
    torch::Tensor render(const FrameBatch &batch) override;
    TrainStep train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height,
                         int coded_width) override;
    bool is_transmitted(const std::string &parameter_name) const override;
    std::vector<std::string> prunable_parameters() const override;
    std::vector<LayerInfo> layers() const override;
    std::string summary() const override;

    const SnervTConfig &config() const { return config_; }
    bool has_encoder() const { return !encoder_.is_empty(); }
    /** The neighbours frame `index` of an N-frame segment uses: {previous, next}. */
    static std::pair<int64_t, int64_t> neighbours(int64_t index, int64_t frame_count);
    /** Rebuild from "snerv-t." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static SnervTConfig read_config(const Metadata &meta);

private:
    SnervOutput synthesize(const FrameBatch &batch);

    SnervTConfig config_;
    ConvNeXtEncoder encoder_{nullptr}, encoder_prev_{nullptr}, encoder_next_{nullptr};
    torch::nn::ModuleList decoder_{nullptr};
    PixelShuffleBlock first_{nullptr};              // decoder.0
    std::vector<UpsampleBlock2d> spatial_;          // decoder.1 .. n-3
    std::vector<TemporalUpsampleBlock> temporal_;   // decoder.n-2 .. n
    TemporalEmbeddingInput temporal_input_{nullptr};
    MultiResolutionFusion mfu_{nullptr};
    torch::nn::Conv2d head_{nullptr};
    HighFrequencyRestoration hfr_{nullptr};
};

TrainRecipe snerv_t_recipe();
ArchEntry snerv_t_arch_entry();

}  // namespace nerv

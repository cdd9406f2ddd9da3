// E-NeRV (Li et al., ECCV 2022, kyleleey/E-NeRV model/E_NeRV.py): NeRV with the frame
// index split into a temporal and a spatial context.
//   t = i / (N-1)
//   t_emb  = MLP(PE(t))                                       [B, d]
//   S      = Transformer_1head(MLP(PE(x) | PE(y)))            [fc_h*fc_w, d]  (fixed grid)
//   f      = Linear(Transformer_8heads(S * t_emb)) -> [B, fc_dim, fc_h, fc_w]
//   stage i: InstanceNorm(f) * gamma_i(t) + beta_i(t), then an up-sampling block
//   head   : Conv1x1 -> sigmoid
// Purely time-indexed: nothing is transmitted per frame. Spec: shared/reference/models.md §4.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/layers/enerv_transformer.h"
#include "arch/layers/enerv_up_blocks.h"
#include "arch/layers/positional_encoding.h"
#include "arch/registry.h"

namespace nerv {

/** Where the first feature map sits and how it grows: canvas = fc grid * prod(strides). */
struct EnervGrid {
    int64_t fc_h = 0, fc_w = 0;
    std::vector<int64_t> strides;
};

/** Encoder-side rule for the stage widths (the reference's expansion/reduction/lower_width):
 *  stage 0: int(fc_dim * expansion); stage i > 0: max(C / reduction, lower_width), or
 *  max(C, lower_width) for stride 1. Only its result (EnervConfig::channels) is stored. */
struct EnervWidthRule {
    double expansion = 3;
    int64_t reduction = 2;
    int64_t lower_width = 96;
};

/** The fully resolved configuration; the decoder builds exactly this (stored under "enerv."). */
struct EnervConfig {
    int64_t fc_h = 9, fc_w = 16;               // spatial tokens = first feature map size
    int64_t fc_dim = 196;                      // channels of the first feature map
    std::vector<int64_t> strides{5, 2, 2, 2, 2};
    std::vector<int64_t> channels{588, 294, 147, 96, 96};  // output channels of each stage
    int64_t block_dim = 256;                   // d: token width (transformers, t_emb)
    int64_t stem_dim = 512;                    // hidden width of the temporal MLP
    int64_t mlp_dim = 128;                     // transformers' FFN hidden width
    int64_t xy_heads = 1, fusion_heads = 8;    // heads of the spatial / fusion transformer
    int64_t dim_head = 64;
    int64_t mod_dim = 128;                     // d0: width of the modulation time branch
    std::string act = "gelu";                  // MLPs, modulation, conv blocks
    PositionalEncodingOptions pe_t{1.25, 80, PeOrder::Interleaved};    // t_emb's input
    PositionalEncodingOptions pe_xy{1.25, 80, PeOrder::Interleaved};   // each grid coordinate
    PositionalEncodingOptions pe_mod{1.25, 80, PeOrder::Interleaved};  // modulation branch's input

    int64_t canvas_height() const;
    int64_t canvas_width() const;
};

/** The bunny configuration of cfgs/E-NeRV-bunny.yaml (12,490,314 parameters + the grid). */
EnervConfig default_enerv_config();
/** Strides 5,2,2,2,2 and the grid H/80 x W/80 (the reference) when both are multiples of 80; other
 *  sizes get plan_strides() (about 9 cells on the short side) on the smallest covering canvas. */
EnervGrid default_enerv_grid(int width, int height);
std::vector<int64_t> enerv_stage_channels(int64_t fc_dim, const std::vector<int64_t> &strides,
                                          const EnervWidthRule &rule);

/**
 * Resolve a request. Params (KeyValues) override, each validated with its range:
 *   fc_dim, fc_hw (h,w), strides (s1,...), expansion, reduction, lower_width, block_dim,
 *   stem_dim, mlp_dim, heads (spatial,fusion), dim_head, mod_dim, act, pe / pe_xy / pe_mod ("b_l").
 * The grid comes from params (strides and/or fc_hw), else from `planned` (a stride planner's
 * answer), else from default_enerv_grid(). The canvas must cover the coded size.
 * request.size: "" = the bunny model; a budget ("3M", "800k") picks the largest fc_dim
 * in [4, 4096] whose parameter count fits, the stage widths following the width rule and
 * everything else fixed by params. The fc_dim-independent part (MLPs, transformers, the
 * lower_width stages) sets a floor: 2.17M parameters with the default params at 5 stages;
 * smaller budgets need smaller block_dim/stem_dim/lower_width params. 3M gives fc_dim 57.
 */
EnervConfig resolve_enerv_config(const ArchRequest &request, const EnervGrid *planned = nullptr);

/** Why this config cannot be built ("" when it can): shape limits that bound memory. */
std::string enerv_config_problem(const EnervConfig &config);
void write_enerv_config(const EnervConfig &config, Metadata &meta);
/** Bounded read; malformed or out-of-range values throw NERV_ERROR_INVALIDDATA. */
EnervConfig read_enerv_config(const Metadata &meta);

/** Layer table from the config alone (rows sum to the parameter count). */
std::vector<LayerInfo> enerv_layers(const EnervConfig &config);
int64_t enerv_parameter_count(const EnervConfig &config);

class EnervImpl : public VideoModelImpl {
public:
    explicit EnervImpl(const EnervConfig &config);

    std::string arch() const override { return "enerv"; }
    void write_config(Metadata &meta) const override { write_enerv_config(config_, meta); }
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    torch::Tensor render(const FrameBatch &batch) override;
    std::vector<std::string> prunable_parameters() const override;
    /** The reference's frozen nn.Parameter grid: counted like it, rebuilt rather than stored. */
    std::vector<std::string> reference_counted_buffers() const override { return {"xy_grid"}; }
    std::vector<LayerInfo> layers() const override { return enerv_layers(config_); }
    std::string summary() const override;

    const EnervConfig &config() const { return config_; }
    /** The reference's time convention t = i / (N-1); t = 0 for a one-frame segment. */
    static torch::Tensor normalized_time(const torch::Tensor &index, int64_t frame_count);

private:
    /** The first feature map [B, fc_dim, fc_h, fc_w] from t_emb [B, d]. */
    torch::Tensor spatial_features(const torch::Tensor &t_emb);

    EnervConfig config_;
    torch::Tensor xy_grid_;  // [2, fc_h*fc_w] buffer: (row/fc_h, col/fc_w), rebuilt from the config
    torch::nn::Sequential stem_t_{nullptr}, stem_xy_{nullptr}, t_branch_{nullptr};
    EnervTransformerBlock trans1_{nullptr}, trans2_{nullptr};
    torch::nn::Linear toconv_{nullptr};  // absent when block_dim == fc_dim (the reference's Identity)
    torch::nn::AnyModule toconv_act_;
    std::vector<torch::nn::Sequential> t_layers_;  // per stage: Linear mod_dim -> 2C, act
    EnervUpgradedBlock first_stage_{nullptr};      // "layers.0"
    std::vector<EnervNervBlock> later_stages_;     // "layers.1", ...
    torch::nn::Conv2d head_{nullptr};
};

ArchEntry enerv_arch_entry();

}  // namespace nerv

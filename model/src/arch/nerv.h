// NeRV (Chen et al., NeurIPS 2021): a frame is a function of its time alone.
//   t = i / N -> PE (interleaved sin/cos) -> MLP stem (activation after every Linear)
//   -> view [B, fc_dim, fc_h, fc_w] -> pixel-shuffle blocks (Conv3x3, PS, act)
//   -> Conv1x1 head -> (tanh + 1) / 2
// Channel rule: stage 0 int(fc_dim * expansion); later max(C // reduction, lower_width)
// (a stride-1 stage keeps its width, as in the reference).
//
// Request parameters (ArchRequest::params):
//   strides=5,2,2,2,2  up-sampling strides (default: the stride plan, ~9 stem cells on the
//                      short side; 720x1280 -> 5,2,2,2,2 on 9x16)
//   fc_hw=9x16         stem grid, rows x columns (default: ceil(size / product of strides));
//                      fc_hw times the strides must cover the frame
//   fc_dim=26          stem channels C1 (overrides `size`)
//   expansion=1  reduction=2  lower_width=96  pe=1.25_40  stem=512_1 (width_count)  act=swish
// size: "S"/"M"/"L" (fc_dim 26/58/112, case-insensitive; default "S") or a parameter
// budget ("3.2M"): the largest fc_dim whose exact parameter count fits.
//
// Tensor names: stem.{0,2,..}.{weight,bias}, layers.{i}.conv.{weight,bias}, head.{weight,bias}.
// Stream keys: nerv.{pe_base, pe_levels, stem_dims, fc_height, fc_width, fc_dim, strides,
// channels, act, canvas_height, canvas_width}.
#pragma once

#include <string>
#include <vector>

#include "arch/layers/pixel_shuffle_block.h"
#include "arch/registry.h"
#include "arch/video_model.h"

namespace nerv {

/** Fully resolved NeRV architecture (what the stream stores). */
struct NervConfig {
    double pe_base = 1.25;
    int64_t pe_levels = 40;
    std::vector<int64_t> stem_dims = {512};  // hidden Linear widths of the stem
    int64_t fc_height = 9, fc_width = 16;    // stem grid
    int64_t fc_dim = 26;                     // stem channels (C1)
    std::vector<int64_t> strides = {5, 2, 2, 2, 2};
    std::vector<int64_t> channels = {26, 96, 96, 96, 96};  // output width per stage
    std::string act = "swish";

    int64_t total_stride() const;
    int64_t canvas_height() const { return fc_height * total_stride(); }
    int64_t canvas_width() const { return fc_width * total_stride(); }
};

/** Per-stage widths from NeRV's rule. */
std::vector<int64_t> nerv_stage_channels(int64_t fc_dim, const std::vector<int64_t> &strides, double expansion,
                                         int64_t reduction, int64_t lower_width);

/** Resolve a request (params, size budget, frame size) into a config. Throws -EINVAL. */
NervConfig resolve_nerv_config(const ArchRequest &request);

/** Layer rows computed from the config alone; their parameters sum to the model's count. */
std::vector<LayerInfo> nerv_layer_table(const NervConfig &config);
int64_t nerv_parameter_count(const NervConfig &config);

class NervImpl : public VideoModelImpl {
public:
    explicit NervImpl(const NervConfig &config);

    std::string arch() const override { return "nerv"; }
    void write_config(Metadata &meta) const override;
    int canvas_width() const override { return static_cast<int>(config_.canvas_width()); }
    int canvas_height() const override { return static_cast<int>(config_.canvas_height()); }
    torch::Tensor render(const FrameBatch &batch) override;
    std::vector<std::string> prunable_parameters() const override;
    std::vector<LayerInfo> layers() const override { return nerv_layer_table(config_); }
    std::string summary() const override;

    const NervConfig &config() const { return config_; }
    /** Rebuild from "nerv." keys (bounded reads; NERV_ERROR_INVALIDDATA on hostile values). */
    static NervConfig read_config(const Metadata &meta);

private:
    NervConfig config_;
    torch::nn::Sequential stem_{nullptr};
    torch::nn::ModuleList layers_{nullptr};
    std::vector<PixelShuffleBlock> blocks_;
    torch::nn::Conv2d head_{nullptr};
};

TrainRecipe nerv_recipe();
ArchEntry nerv_arch_entry();

}  // namespace nerv

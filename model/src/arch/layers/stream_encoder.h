// The convolutional encoders of DNeRV and pyramidal PNeRV (QiZhao-NJU model/D_NeRV.py,
// model/P_NeRV.py). Both models run two: a content stream on the frame (3 channels ->
// the [16,2,4] "embed") and a difference stream on its temporal differences (6 channels,
// arch/layers/frame_difference.h -> the [2,40,80] "diff"). Per stage:
//   Conv s x s, stride s (in -> width) -> LN_cf(width) -> one ConvNeXt block(width)
// then a 1x1 conv width -> out_channels produces the embedding. Differences from HNeRV's
// ConvNeXtEncoder: the LN always follows the conv, the embedding is an extra 1x1
// projection, and weights keep PyTorch's default initialisation (neither reference
// re-initialises its encoders; HNeRV's truncated normal would change the starting point).
//
// Block kinds: Standard = the ConvNeXt block of arch/layers/convnext.h (PNeRV);
// Dnerv = DNeRV's block that skips its norm and layer scale (dnerv_convnext_block.h).
// Parameter names: stages.{i}.conv.*, stages.{i}.norm.*, stages.{i}.block.*, embed.*
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arch/layers/convnext.h"

namespace nerv {

enum class StreamBlockKind { Standard, Dnerv };

struct StreamEncoderOptions {
    StreamEncoderOptions(int64_t in_channels, std::vector<int64_t> strides, int64_t width, int64_t out_channels)
        : in_channels_(in_channels), strides_(std::move(strides)), width_(width), out_channels_(out_channels)
    {
    }
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(std::vector<int64_t>, strides);  // one per stage
    TORCH_ARG(int64_t, width);                 // every stage's channels (the references' c1 = 64)
    TORCH_ARG(int64_t, out_channels);          // embedding channels
    TORCH_ARG(StreamBlockKind, block) = StreamBlockKind::Standard;

public:  // TORCH_ARG leaves the section private

    int64_t stage_count() const { return static_cast<int64_t>(strides_.size()); }
    int64_t total_stride() const;
    int64_t stage_parameter_count(int64_t stage) const;
    int64_t embed_parameter_count() const { return width_ * out_channels_ + out_channels_; }
    int64_t parameter_count() const;
    /** "Conv5x5/5 3->64, LN_cf, ConvNeXt(64)" (DNeRV's block: "ConvNeXt(64, no norm/gamma)") */
    std::string stage_description(int64_t stage) const;
};

class StreamEncoderImpl : public torch::nn::Module {
public:
    explicit StreamEncoderImpl(const StreamEncoderOptions &options);
    /** [B,in,H,W] -> [B,out_channels,H/P,W/P]; H and W must be multiples of P. */
    torch::Tensor forward(const torch::Tensor &x);
    const StreamEncoderOptions &options() const { return options_; }

private:
    StreamEncoderOptions options_;
    std::vector<torch::nn::Conv2d> convs_;
    std::vector<LayerNormChannelsFirst> norms_;
    std::vector<torch::nn::AnyModule> blocks_;
    torch::nn::Conv2d embed_{nullptr};
};
TORCH_MODULE(StreamEncoder);

}  // namespace nerv

// SNeRV-T's decoder blocks (qwertja/SNeRV model/snerv_t.py and model/layers.py; models.md §6.3).
// LReLU below is LeakyReLU(0.1); ConvT_s = ConvTranspose2d(in, out, kernel s, stride s).
//
//   UpsampleBlock2d (the stages before the temporal ones):
//     y = ConvT_s(x);  out = y + LReLU(Conv3x3 2C->C (LReLU(Conv3x3 C->2C (y))))
//     names "up", "conv1", "conv2"
//
//   TemporalUpsampleBlock (TUB): the current frame's features and the previous / next
//   frames' temporal features are up-sampled by their own ConvT_s ("up_cur", "up_prev",
//   "up_next") and processed jointly over time T = [prev, cur, next] by two convolutions
//   "conv1" (C -> eC) and "conv2" (eC -> C), each followed by LReLU, plus a skip from the
//   up-sampled input. Two forms:
//     conv3d (the paper's TUB): Conv3d 3x3x3 on [B,C,3,H,W], padding 1 everywhere;
//     conv2d (the paper's cheaper "Ours(T)(2D)"): time folded into channels,
//            Conv3x3 3C -> 3eC and 3eC -> 3C on cat[prev, cur, next].
//   The last TUB collapses time to the current frame: conv3d's "conv2" has no temporal
//   padding (T 3 -> 1), conv2d's maps 3eC -> C, and the skip is the current map alone.
//
//   TemporalEmbeddingInput: a transmitted 3-channel temporal embedding -> Conv1x1 3 -> C +
//   activation ("conv") -> ConvT_u for each temporal up-sampling stride u ("up.{i}").
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace nerv {

enum class TemporalConv { Conv3d, Conv2d };

/** "conv3d" / "conv2d"; false for anything else. */
bool parse_temporal_conv(const std::string &text, TemporalConv *out);
const char *temporal_conv_name(TemporalConv mode);

class UpsampleBlock2dImpl : public torch::nn::Module {
public:
    UpsampleBlock2dImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
    torch::Tensor forward(const torch::Tensor &x);
    static int64_t parameter_count(int64_t in_channels, int64_t out_channels, int64_t stride);

private:
    torch::nn::ConvTranspose2d up_{nullptr};
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(UpsampleBlock2d);

struct TemporalUpsampleOptions {
    TemporalUpsampleOptions(int64_t in_channels, int64_t out_channels, int64_t stride)
        : in_channels_(in_channels), out_channels_(out_channels), stride_(stride)
    {
    }
    TORCH_ARG(int64_t, in_channels);
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, stride);
    TORCH_ARG(int64_t, expansion) = 2;
    TORCH_ARG(TemporalConv, mode) = TemporalConv::Conv3d;
    TORCH_ARG(bool, last) = false;

public:  // TORCH_ARG leaves the section private

    int64_t parameter_count() const;
    /** "3 x ConvT2x2/2 72->60, Conv3d 60->120->60" (", T->1" for the last) */
    std::string description() const;
};

/** Features of the current frame and its two temporal neighbours, each [B,C,H,W]. */
struct TemporalFeatures {
    torch::Tensor cur, prev, next;  // prev/next undefined after the last TUB
};

class TemporalUpsampleBlockImpl : public torch::nn::Module {
public:
    explicit TemporalUpsampleBlockImpl(const TemporalUpsampleOptions &options);
    TemporalFeatures forward(const TemporalFeatures &x);

private:
    TemporalUpsampleOptions options_;
    torch::nn::ConvTranspose2d up_cur_{nullptr}, up_prev_{nullptr}, up_next_{nullptr};
    torch::nn::AnyModule conv1_, conv2_;
};
TORCH_MODULE(TemporalUpsampleBlock);

class TemporalEmbeddingInputImpl : public torch::nn::Module {
public:
    TemporalEmbeddingInputImpl(int64_t embed_channels, int64_t channels, const std::vector<int64_t> &up_strides,
                               const std::string &activation);
    torch::Tensor forward(const torch::Tensor &embedding);
    static int64_t parameter_count(int64_t embed_channels, int64_t channels, const std::vector<int64_t> &up_strides);

private:
    torch::nn::Conv2d conv_{nullptr};
    torch::nn::AnyModule act_;
    torch::nn::Sequential up_{nullptr};
};
TORCH_MODULE(TemporalEmbeddingInput);

}  // namespace nerv

#include "arch/layers/snerv_blocks.h"

#include <algorithm>

#include "arch/layers/haar_dwt.h"
#include "arch/layers/layer_text.h"
#include "core/error.h"
#include "train/loss.h"

namespace nerv {
namespace {

constexpr double kMinRange = 1e-6;

/** The top-left height x width of the last two dimensions. */
torch::Tensor crop_last_two(const torch::Tensor &t, int64_t height, int64_t width)
{
    return t.narrow(-2, 0, std::min(height, t.size(-2))).narrow(-1, 0, std::min(width, t.size(-1)));
}

}  // namespace

int64_t MultiResolutionFusionOptions::up_parameter_count(int block) const
{
    const int64_t c = widths_[block], s = strides_[block];
    return c * c * s * s + c;
}

ResidualBlocksOptions MultiResolutionFusionOptions::fuse_options(int block) const
{
    return ResidualBlocksOptions(widths_[block] + widths_[block + 1], widths_[block + 1], num_blocks_);
}

int64_t MultiResolutionFusionOptions::parameter_count() const
{
    int64_t n = 0;
    for (int i = 0; i < 2; ++i)
        n += up_parameter_count(i) + fuse_options(i).parameter_count();
    return n;
}

MfBlockImpl::MfBlockImpl(int64_t coarse_channels, int64_t stride, const ResidualBlocksOptions &fuse)
{
    up_ = register_module("up", torch::nn::ConvTranspose2d(
                                    torch::nn::ConvTranspose2dOptions(coarse_channels, coarse_channels, stride)
                                        .stride(stride)));
    fuse_ = register_module("fuse", ResidualBlocksWithInputConv(fuse));
}

torch::Tensor MfBlockImpl::forward(const torch::Tensor &coarse, const torch::Tensor &fine)
{
    return fuse_->forward(torch::cat({up_->forward(coarse), fine}, 1));
}

MultiResolutionFusionImpl::MultiResolutionFusionImpl(const MultiResolutionFusionOptions &o)
{
    if (o.widths().size() != 3 || o.strides().size() != 2)
        fail_invalid_argument("MFU: needs the last three stages' widths and the last two strides");
    for (int i = 0; i < 2; ++i) {
        if (o.widths()[i] < 1 || o.widths()[i + 1] < 1 || o.strides()[i] < 1)
            fail_invalid_argument("MFU: widths and strides must be >= 1");
        blocks_[i] = register_module(std::to_string(i), MfBlock(o.widths()[i], o.strides()[i], o.fuse_options(i)));
    }
}

torch::Tensor MultiResolutionFusionImpl::forward(const torch::Tensor &f_a, const torch::Tensor &f_b,
                                                 const torch::Tensor &f_c)
{
    return blocks_[1]->forward(blocks_[0]->forward(f_a, f_b), f_c);
}

HfrBranchImpl::HfrBranchImpl(int64_t channels)
{
    conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 3, 3).padding(1)));
}

torch::Tensor HfrBranchImpl::forward(const torch::Tensor &x)
{
    return conv2_->forward(torch::leaky_relu(conv1_->forward(x), 0.1));
}

int64_t HfrBranchImpl::parameter_count(int64_t channels) { return channels * channels + channels + channels * 27 + 3; }

const char *const HighFrequencyRestorationImpl::kBranchNames[3] = {"lh", "hl", "hh"};

HighFrequencyRestorationImpl::HighFrequencyRestorationImpl(int64_t channels)
{
    if (channels < 1)
        fail_invalid_argument("HFR: channels must be >= 1");
    for (int i = 0; i < 3; ++i)
        branches_[i] = register_module(kBranchNames[i], HfrBranch(channels));
}

torch::Tensor HighFrequencyRestorationImpl::forward(const torch::Tensor &x)
{
    return torch::stack({branches_[0]->forward(x), branches_[1]->forward(x), branches_[2]->forward(x)}, 2);
}

torch::Tensor ll_value_range(const std::vector<torch::Tensor> &lls)
{
    if (lls.empty())
        fail_invalid_argument("ll_value_range: no LL bands given");
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor &ll : lls)
        flat.push_back(ll.detach().reshape({ll.size(0), -1}));
    const torch::Tensor all = torch::cat(flat, 1);
    return torch::stack({std::get<0>(all.min(1)), std::get<0>(all.max(1))}, 1);
}

torch::Tensor normalize_ll(const torch::Tensor &ll, const torch::Tensor &range)
{
    const torch::Tensor lo = range.select(1, 0).view({-1, 1, 1, 1});
    const torch::Tensor span = (range.select(1, 1) - range.select(1, 0)).clamp_min(kMinRange).view({-1, 1, 1, 1});
    return (ll - lo) / span;
}

SnervOutput snerv_synthesize(const torch::Tensor &pyramid, torch::nn::Conv2d &head, HighFrequencyRestoration &hfr,
                             const torch::Tensor &range)
{
    SnervOutput out;
    out.ll_normalized = torch::tanh(head->forward(pyramid)) * 0.5 + 0.5;
    const torch::Tensor lo = range.select(1, 0).view({-1, 1, 1, 1});
    const torch::Tensor span = (range.select(1, 1) - range.select(1, 0)).view({-1, 1, 1, 1});
    out.bands = hfr->forward(pyramid);
    out.frame = haar_idwt2d(out.ll_normalized * span + lo, out.bands);
    return out;
}

TrainStep snerv_train_step(const SnervOutput &output, const torch::Tensor &frames, const torch::Tensor &visible,
                           const torch::Tensor &range, const LossFunction &loss, int coded_height, int coded_width)
{
    const int64_t h = coded_height > 0 ? coded_height : frames.size(2);
    const int64_t w = coded_width > 0 ? coded_width : frames.size(3);
    const int64_t band_h = (h + 1) / 2, band_w = (w + 1) / 2;
    const HaarBands2d truth = haar_dwt2d(frames);
    const torch::Tensor ll_target = normalize_ll(truth.ll, range);
    // Inpainting: a band coefficient is seen only if all four pixels of its 2x2 block are
    // (a min-pool of the pixel mask), so no term of the loss reaches into a hole.
    torch::Tensor band_visible, pixel_visible;
    if (visible.defined()) {
        pixel_visible = crop_last_two(visible, h, w);
        band_visible = crop_last_two(-torch::max_pool2d(-visible, {2, 2}, {2, 2}, {0, 0}, {1, 1}, true), band_h, band_w);
    }
    torch::Tensor total = loss(crop_last_two(output.frame, h, w), crop_last_two(frames, h, w), pixel_visible);
    total = total + loss(crop_last_two(output.ll_normalized, band_h, band_w), crop_last_two(ll_target, band_h, band_w),
                         band_visible);
    total = total + loss(crop_last_two(output.bands, band_h, band_w), crop_last_two(truth.bands, band_h, band_w),
                         band_visible.defined() ? band_visible.unsqueeze(1) : torch::Tensor());
    return {total, output.frame};
}

std::vector<LayerInfo> snerv_tail_layers(const MultiResolutionFusionOptions &mfu, int64_t ll_height,
                                         int64_t ll_width, const std::vector<std::string> &fused_stage_names)
{
    std::vector<LayerInfo> rows;
    for (int b = 0; b < 2; ++b) {
        const int64_t width = mfu.widths()[b], s = mfu.strides()[b];
        // Block 1 outputs the LL size; block 0 one stride (the last stage's) smaller.
        const int64_t h = b == 1 ? ll_height : ll_height / mfu.strides()[1];
        const int64_t w = b == 1 ? ll_width : ll_width / mfu.strides()[1];
        const std::string prefix = "mfu." + std::to_string(b);
        rows.push_back({prefix + ".up", conv_label(s, width, width, s).replace(0, 4, "ConvT"),
                        shape_text({width, h, w}), mfu.up_parameter_count(b), true});
        const ResidualBlocksOptions fuse = mfu.fuse_options(b);
        rows.push_back({prefix + ".fuse", "cat " + fused_stage_names[static_cast<size_t>(b)] + ", " +
                                              fuse.description(),
                        shape_text({fuse.out_channels(), h, w}), fuse.parameter_count(), true});
    }
    const int64_t c = mfu.widths()[2];
    rows.push_back({"head", conv_label(3, c, 3) + ", tanh*0.5+0.5, * (max-min) + min",
                    shape_text({3, ll_height, ll_width}), c * 27 + 3, true});
    for (const char *band : HighFrequencyRestorationImpl::kBranchNames)
        rows.push_back({std::string("hfr.") + band,
                        conv_label(1, c, c) + ", LeakyReLU(0.1), " + conv_label(3, c, 3),
                        shape_text({3, ll_height, ll_width}), HfrBranchImpl::parameter_count(c), true});
    rows.push_back({"idwt", "inverse Haar DWT of LL + 3 bands", shape_text({3, 2 * ll_height, 2 * ll_width}), 0, true});
    return rows;
}

void check_norm_input(const torch::Tensor &range, int64_t batch, const char *arch)
{
    if (!range.defined() || range.dim() != 2 || range.size(0) != batch || range.size(1) != 2)
        fail_invalid_argument(format("%s: render needs inputs[\"norm\"] [B,2] (the frames' LL min and max)", arch));
}

}  // namespace nerv

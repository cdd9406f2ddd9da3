#include "arch/snerv_t.h"

#include <algorithm>
#include <functional>
#include <numeric>

#include "arch/hnerv.h"
#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/haar_dwt.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/snerv_sizes.h"
#include "arch/snerv.h"
#include "core/error.h"

namespace nerv {

namespace {

constexpr int64_t kMaxEmbedDim = 256;
constexpr int64_t kMaxResidualBlocks = 64;
constexpr int64_t kMaxExpansion = 8;
constexpr int64_t kMinStages = 3;  // the last three stages are temporal (and fused by the MFU)

int64_t product(const std::vector<int64_t> &v)
{
    int64_t p = 1;
    for (int64_t x : v)
        p *= x;
    return p;
}

/** Product of v[begin, end); the caller keeps the bounds within v. */
int64_t product(const std::vector<int64_t> &v, size_t begin, size_t end)
{
    return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end),
                           int64_t(1), std::multiplies<int64_t>());
}

/** Product of the last three strides (the temporal stages'). */
int64_t temporal_stage_stride(const SnervTConfig &c)
{
    return product(c.strides, c.first_temporal_stage(), c.strides.size());
}

ConvNeXtEncoderOptions encoder_options(const SnervTConfig &c) { return ConvNeXtEncoderOptions(c.strides, c.enc_dims); }

ConvNeXtEncoderOptions temporal_encoder_options(const SnervTConfig &c)
{
    return ConvNeXtEncoderOptions(c.temporal_strides, c.temporal_dims);
}

PixelShuffleBlockOptions first_options(const SnervTConfig &c)
{
    return PixelShuffleBlockOptions(c.embed_dim(), c.fc_dim, 1).kernel(1).activation(c.act);
}

int64_t stage_input_width(const SnervTConfig &c, size_t stage) { return stage == 0 ? c.fc_dim : c.channels[stage - 1]; }

TemporalUpsampleOptions tub_options(const SnervTConfig &c, size_t stage)
{
    return TemporalUpsampleOptions(stage_input_width(c, stage), c.channels[stage], c.strides[stage])
        .expansion(c.expansion)
        .mode(c.temporal)
        .last(stage + 1 == c.strides.size());
}

MultiResolutionFusionOptions mfu_options(const SnervTConfig &c)
{
    const size_t n = c.channels.size();
    return MultiResolutionFusionOptions({c.channels[n - 3], c.channels[n - 2], c.channels[n - 1]},
                                        {c.strides[n - 2], c.strides[n - 1]}, c.num_blocks);
}

std::string up_label(int64_t stride, int64_t in, int64_t out)
{
    return conv_label(stride, in, out, stride).replace(0, 4, "ConvT");
}

int64_t transmitted_total(const SnervTConfig &c)
{
    int64_t n = 0;
    for (const LayerInfo &row : snerv_t_layer_table(c)) {
        if (row.transmitted)
            n += row.parameters;
    }
    return n;
}

void check_widths(const std::vector<int64_t> &widths, const char *what, ArchFailFunction fail)
{
    for (int64_t d : widths) {
        if (d < 1 || d > kMaxArchChannels)
            fail(format("snerv-t: %s width %lld out of range (valid 1..%lld)", what, (long long)d,
                        (long long)kMaxArchChannels));
    }
}

void check_strides(const std::vector<int64_t> &strides, size_t min_n, const char *what, ArchFailFunction fail)
{
    if (strides.size() < min_n || strides.size() > static_cast<size_t>(kMaxArchStages))
        fail(format("snerv-t: %zu %s (valid %zu..%lld)", strides.size(), what, min_n, (long long)kMaxArchStages));
    for (int64_t s : strides) {
        if (s < 1 || s > kMaxArchStride)
            fail(format("snerv-t: %s: %lld out of range (valid 1..%lld)", what, (long long)s,
                        (long long)kMaxArchStride));
    }
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. The parameter
 *  bound counts the encoder only when it will be built (with_encoder). */
void validate(const SnervTConfig &c, ArchFailFunction fail, bool with_encoder)
{
    if (!is_activation_name(c.act))
        fail(format("snerv-t: unknown activation '%s'", c.act.c_str()));
    check_strides(c.strides, kMinStages, "strides", fail);
    if (c.enc_dims.size() != c.strides.size() || c.channels.size() != c.strides.size())
        fail("snerv-t: one encoder width and one decoder width per stride needed");
    check_widths(c.enc_dims, "encoder", fail);
    check_widths(c.channels, "decoder", fail);
    if (c.embed_dim() > kMaxEmbedDim)
        fail(format("snerv-t: embed_dim %lld out of range (valid 1..%lld)", (long long)c.embed_dim(),
                    (long long)kMaxEmbedDim));
    if (c.fc_dim < 1 || c.fc_dim > kMaxArchChannels)
        fail(format("snerv-t: fc_dim %lld out of range (valid 1..%lld)", (long long)c.fc_dim,
                    (long long)kMaxArchChannels));
    if (c.num_blocks < 0 || c.num_blocks > kMaxResidualBlocks)
        fail(format("snerv-t: num_blocks %lld out of range (valid 0..%lld)", (long long)c.num_blocks,
                    (long long)kMaxResidualBlocks));
    if (c.expansion < 1 || c.expansion > kMaxExpansion)
        fail(format("snerv-t: expansion %lld out of range (valid 1..%lld)", (long long)c.expansion,
                    (long long)kMaxExpansion));
    const int64_t p = c.stride();
    if (c.embed_height < 1 || c.embed_width < 1 || c.embed_height > kMaxArchCanvas / (2 * p) ||
        c.embed_width > kMaxArchCanvas / (2 * p))
        fail(format("snerv-t: embedding grid %lldx%lld times 2 x %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.embed_height, (long long)c.embed_width, (long long)p, (long long)kMaxArchCanvas));
    check_strides(c.temporal_up, 0, "temporal_up strides", fail);
    for (int64_t s : c.temporal_up) {
        if (s < 2)
            fail("snerv-t: temporal_up strides must be >= 2 (none at all for no up-sampling)");
    }
    check_strides(c.temporal_strides, 1, "temporal_strides", fail);
    if (c.temporal_dims.size() != c.temporal_strides.size())
        fail("snerv-t: one temporal encoder width per temporal stride needed");
    check_widths(c.temporal_dims, "temporal encoder", fail);
    if (c.temporal_embed_dim() > kMaxEmbedDim)
        fail(format("snerv-t: temporal embedding channels %lld out of range (valid 1..%lld)",
                    (long long)c.temporal_embed_dim(), (long long)kMaxEmbedDim));
    // The temporal embedding, up-sampled by temporal_up, must land on the first temporal
    // stage's input grid, and the temporal encoders must reach it from the LL band.
    const int64_t up = c.temporal_up_factor();
    if (up > kMaxArchCanvas || c.temporal_input_height() % up != 0 || c.temporal_input_columns() % up != 0)
        fail(format("snerv-t: temporal_up's product %lld does not divide the %lldx%lld grid of the first temporal stage",
                    (long long)up, (long long)c.temporal_input_columns(), (long long)c.temporal_input_height()));
    const int64_t pt = product(c.temporal_strides);
    if (pt * c.temporal_height() != c.ll_height() || pt * c.temporal_width() != c.ll_width())
        fail(format("snerv-t: temporal_strides' product %lld must equal temporal_up's product %lld times the last "
                    "three strides' %lld",
                    (long long)pt, (long long)up, (long long)temporal_stage_stride(c)));
    const int64_t n = table_parameters(snerv_t_layer_table(c), with_encoder);
    if (n > kMaxArchParameters)
        fail(format("snerv-t: %lld parameters exceed the limit of %lld", (long long)n, (long long)kMaxArchParameters));
}

/** temporal_up's product factored over {5,4,3,2}, then the last three strides, non-increasing. */
std::vector<int64_t> default_temporal_strides(const std::vector<int64_t> &temporal_up,
                                              const std::vector<int64_t> &strides)
{
    std::vector<int64_t> out(strides.end() - 3, strides.end());
    int64_t up = product(temporal_up);
    for (int64_t d : {5, 4, 3, 2}) {
        while (up % d == 0) {
            out.push_back(d);
            up /= d;
        }
    }
    if (up > 1)
        out.push_back(up);
    std::sort(out.begin(), out.end(), std::greater<int64_t>());
    return out;
}

}  // namespace

int64_t SnervTConfig::stride() const { return product(strides); }

int64_t SnervTConfig::temporal_input_width() const { return stage_input_width(*this, first_temporal_stage()); }

int64_t SnervTConfig::temporal_input_height() const
{
    return embed_height * product(strides, 0, first_temporal_stage());
}

int64_t SnervTConfig::temporal_input_columns() const
{
    return embed_width * product(strides, 0, first_temporal_stage());
}

int64_t SnervTConfig::temporal_up_factor() const { return product(temporal_up); }

SnervTConfig resolve_snerv_t_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("snerv-t: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    SnervTConfig c;
    c.act = params.get_string("act", "gelu");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    const std::string temporal = params.get_string("temporal", "conv3d");
    if (!parse_temporal_conv(temporal, &c.temporal))
        fail_invalid_argument(format("param 'temporal' = '%s' is invalid: expected conv3d or conv2d", temporal.c_str()));
    c.expansion = params.get_int("expansion", 2, 1, kMaxExpansion);
    const double reduce = params.get_double("reduce", 1.2, 0.1, 16.0);
    const int64_t lower_width = params.get_int("lower_width", 12, 1, kMaxArchChannels);
    const int64_t embed_dim = params.get_int("embed_dim", 16, 1, kMaxEmbedDim);
    const int64_t enc_dim = params.get_int("enc_dim", 64, 1, kMaxArchChannels);
    const std::vector<int64_t> strides =
        params.get_ints("strides", {}, 1, kMaxArchStride, kMinStages, kMaxArchStages);
    const StridePlan plan = plan_ll_strides(request.width, request.height, strides);
    if (plan.strides.size() < static_cast<size_t>(kMinStages))
        fail_invalid_argument("snerv-t: the stride plan needs at least 3 stages (param 'strides')");
    if (2 * plan.canvas_height > kMaxArchCanvas || 2 * plan.canvas_width > kMaxArchCanvas)
        fail_invalid_argument(format("snerv-t: the canvas %lldx%lld exceeds %lld pixels per side (param 'strides')",
                                     (long long)(2 * plan.canvas_width), (long long)(2 * plan.canvas_height),
                                     (long long)kMaxArchCanvas));
    c.strides = plan.strides;
    c.embed_height = plan.grid_height;
    c.embed_width = plan.grid_width;
    c.enc_dims.assign(c.strides.size(), enc_dim);
    c.enc_dims.back() = embed_dim;

    const std::string size = request.size.empty() ? "3M" : request.size;
    const double budget = parse_parameter_budget(size);
    if (budget < 0)
        fail_invalid_argument(format("snerv-t: size '%s' is invalid: expected a preset (0.35M, 0.75M, 1.5M, 3M) or a "
                                     "parameter budget such as \"2M\", \"800k\"",
                                     size.c_str()));
    const SnervSizePreset *preset = find_snerv_preset(snerv_t_presets(), budget);
    const SnervSizePreset &anchor = preset ? *preset : nearest_snerv_preset(snerv_t_presets(), budget);
    c.num_blocks = params.get_int("num_blocks", anchor.num_blocks, 0, kMaxResidualBlocks);

    // The temporal grid = the first temporal stage's input grid / temporal_up's product.
    const int64_t grid_h = c.temporal_input_height(), grid_w = c.temporal_input_columns();
    if (params.has("temporal_up")) {
        c.temporal_up = params.get_ints("temporal_up", {}, 1, kMaxArchStride, 1, kMaxArchStages);
        if (c.temporal_up == std::vector<int64_t>{1})
            c.temporal_up.clear();
        const int64_t up = product(c.temporal_up);
        if (std::count(c.temporal_up.begin(), c.temporal_up.end(), 1) > 0 || grid_h % up != 0 || grid_w % up != 0)
            fail_invalid_argument(format("param 'temporal_up' = '%s' is invalid: strides >= 2 (or just 1 for none) "
                                         "whose product divides the %lldx%lld grid of the first temporal stage",
                                         join_ints(c.temporal_up).c_str(), (long long)grid_w, (long long)grid_h));
    } else {
        c.temporal_up.assign(static_cast<size_t>(anchor.temporal_up_layers), 2);
        while (!c.temporal_up.empty() &&
               (grid_h % product(c.temporal_up) != 0 || grid_w % product(c.temporal_up) != 0))
            c.temporal_up.pop_back();
    }
    c.temporal_strides = params.get_ints("temporal_strides", default_temporal_strides(c.temporal_up, c.strides), 1,
                                         kMaxArchStride, 1, kMaxArchStages);
    if (product(c.temporal_strides) != product(c.temporal_up) * temporal_stage_stride(c))
        fail_invalid_argument(format("param 'temporal_strides' = '%s' is invalid: their product must be %lld "
                                     "(temporal_up's product times the last three strides')",
                                     join_ints(c.temporal_strides).c_str(),
                                     (long long)(product(c.temporal_up) * temporal_stage_stride(c))));
    c.temporal_dims.assign(c.temporal_strides.size(), enc_dim);
    c.temporal_dims.back() = 3;

    int64_t lw = lower_width;
    const auto with_fc_dim = [&](int64_t fc_dim) {
        SnervTConfig t = c;
        t.fc_dim = fc_dim;
        t.channels = hnerv_stage_channels(fc_dim, t.strides.size(), reduce, lw);
        return t;
    };
    if (params.has("fc_dim")) {
        c = with_fc_dim(params.get_int("fc_dim", 103, 1, kMaxArchChannels));
    } else if (preset) {
        c = with_fc_dim(preset->fc_dim);
    } else {
        if (request.frames < 1)
            fail_invalid_argument("snerv-t: a size budget needs the segment's frame count (frames >= 1)");
        const int64_t per_frame = embed_dim * c.embed_height * c.embed_width + 2 +
                                  2 * c.temporal_embed_dim() * c.temporal_height() * c.temporal_width();
        const int64_t fc_dim = largest_fitting_width_narrowing(
            budget, kMaxArchChannels, &lw, params.has("lower_width"),
            [&](int64_t f) { return transmitted_total(with_fc_dim(f)) + per_frame * request.frames; });
        if (fc_dim < 1)
            fail_invalid_argument(format("snerv-t: size '%s' is too small for %lld frames of %lld per-frame values "
                                         "(%lld parameters at fc_dim 1)",
                                         size.c_str(), (long long)request.frames, (long long)per_frame,
                                         (long long)(transmitted_total(with_fc_dim(1)) + per_frame * request.frames)));
        c = with_fc_dim(fc_dim);
    }
    validate(c, fail_invalid_argument, /*with_encoder=*/true);
    return c;
}

std::vector<LayerInfo> snerv_t_layer_table(const SnervTConfig &c)
{
    std::vector<LayerInfo> rows;
    const struct {
        const char *name;
        ConvNeXtEncoderOptions options;
    } encoders[] = {{"encoder", encoder_options(c)},
                    {"encoder_prev", temporal_encoder_options(c)},
                    {"encoder_next", temporal_encoder_options(c)}};
    for (const auto &e : encoders) {
        int64_t h = c.ll_height(), w = c.ll_width();
        for (int64_t i = 0; i < e.options.stage_count(); ++i) {
            h /= e.options.strides()[i];
            w /= e.options.strides()[i];
            rows.push_back({std::string(e.name) + ".stages." + std::to_string(i), e.options.stage_description(i),
                            shape_text({e.options.dims()[i], h, w}), e.options.stage_parameter_count(i), false});
        }
    }
    int64_t h = c.embed_height, w = c.embed_width;
    const PixelShuffleBlockOptions first = first_options(c);
    rows.push_back({"decoder.0", first.description(), shape_text({c.fc_dim, h, w}), first.parameter_count(), true});
    for (size_t i = 0; i < c.strides.size(); ++i) {
        const int64_t in = stage_input_width(c, i), out = c.channels[i], s = c.strides[i];
        if (i == c.first_temporal_stage()) {
            std::string op = conv_label(1, c.temporal_embed_dim(), in) + ", " + activation_label(c.act);
            for (int64_t u : c.temporal_up)
                op += ", " + up_label(u, in, in);
            rows.push_back({"temporal_input", op + " (ebw, efw)", shape_text({in, h, w}),
                            TemporalEmbeddingInputImpl::parameter_count(c.temporal_embed_dim(), in, c.temporal_up),
                            true});
        }
        h *= s;
        w *= s;
        const std::string name = "decoder." + std::to_string(i + 1);
        if (i < c.first_temporal_stage()) {
            rows.push_back({name,
                            up_label(s, in, out) + ", " + conv_label(3, out, 2 * out) + ", " +
                                conv_label(3, 2 * out, out) + ", LeakyReLU(0.1), + skip",
                            shape_text({out, h, w}), UpsampleBlock2dImpl::parameter_count(in, out, s), true});
        } else {
            const TemporalUpsampleOptions o = tub_options(c, i);
            rows.push_back({name, o.description(), shape_text({out, h, w}), o.parameter_count(), true});
        }
    }
    const size_t n = c.strides.size();
    const std::vector<LayerInfo> tail =
        snerv_tail_layers(mfu_options(c), h, w, {"decoder." + std::to_string(n - 1), "decoder." + std::to_string(n)});
    rows.insert(rows.end(), tail.begin(), tail.end());
    return rows;
}

SnervTImpl::SnervTImpl(const SnervTConfig &config, bool with_encoder) : config_(config)
{
    validate(config_, fail_invalid_argument, with_encoder);
    if (with_encoder) {
        encoder_ = register_module("encoder", ConvNeXtEncoder(encoder_options(config_)));
        encoder_prev_ = register_module("encoder_prev", ConvNeXtEncoder(temporal_encoder_options(config_)));
        encoder_next_ = register_module("encoder_next", ConvNeXtEncoder(temporal_encoder_options(config_)));
    }
    decoder_ = register_module("decoder", torch::nn::ModuleList());
    first_ = PixelShuffleBlock(first_options(config_));
    decoder_->push_back(first_);
    for (size_t i = 0; i < config_.strides.size(); ++i) {
        if (i == config_.first_temporal_stage()) {
            temporal_input_ = register_module(
                "temporal_input", TemporalEmbeddingInput(config_.temporal_embed_dim(), config_.temporal_input_width(),
                                                         config_.temporal_up, config_.act));
        }
        const int64_t in = stage_input_width(config_, i);
        if (i < config_.first_temporal_stage()) {
            spatial_.push_back(UpsampleBlock2d(in, config_.channels[i], config_.strides[i]));
            decoder_->push_back(spatial_.back());
        } else {
            temporal_.push_back(TemporalUpsampleBlock(tub_options(config_, i)));
            decoder_->push_back(temporal_.back());
        }
    }
    mfu_ = register_module("mfu", MultiResolutionFusion(mfu_options(config_)));
    head_ = register_module("head",
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(config_.channels.back(), 3, 3).padding(1)));
    hfr_ = register_module("hfr", HighFrequencyRestoration(config_.channels.back()));
}

std::vector<FrameTensorSpec> SnervTImpl::frame_tensors() const
{
    const std::vector<int64_t> temporal = {config_.temporal_embed_dim(), config_.temporal_height(),
                                           config_.temporal_width()};
    return {{"embed", {config_.embed_dim(), config_.embed_height, config_.embed_width}, true},
            {"norm", {2}, true},
            {"ebw", temporal, true},
            {"efw", temporal, true}};
}

std::pair<int64_t, int64_t> SnervTImpl::neighbours(int64_t index, int64_t frame_count)
{
    if (frame_count < 2)
        return {index, index};
    const int64_t prev = index > 0 ? index - 1 : index + 1;
    const int64_t next = index + 1 < frame_count ? index + 1 : index - 1;
    return {prev, next};
}

std::map<std::string, torch::Tensor> SnervTImpl::embed(const FrameBatch &batch)
{
    if (!has_encoder())
        fail_invalid_argument("snerv-t: this model was loaded without its encoder");
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) != config_.canvas_height() ||
        x.size(3) != config_.canvas_width())
        fail_invalid_argument(format("snerv-t: embed needs frames [B,3,%lld,%lld] (the canvas-padded frames)",
                                     (long long)config_.canvas_height(), (long long)config_.canvas_width()));
    if (!batch.frames_at || !batch.index.defined() || batch.index.numel() != x.size(0) || batch.frame_count < 1)
        fail_invalid_argument("snerv-t: embed needs the batch's frame indices, frame_count and frames_at (the "
                              "neighbouring frames)");
    const torch::Tensor index = batch.index.to(torch::kCPU, torch::kDouble).round().to(torch::kLong).contiguous();
    std::vector<int64_t> prev, next;
    for (int64_t b = 0; b < index.numel(); ++b) {
        const int64_t i = index.data_ptr<int64_t>()[b];
        if (i < 0 || i >= batch.frame_count)
            fail_invalid_argument(format("snerv-t: frame index %lld outside the segment of %lld frames", (long long)i,
                                         (long long)batch.frame_count));
        const auto pn = neighbours(i, batch.frame_count);
        prev.push_back(pn.first);
        next.push_back(pn.second);
    }
    const torch::Tensor ll = haar_dwt2d(x).ll;
    const torch::Tensor ll_prev = haar_dwt2d(batch.frames_at(torch::tensor(prev))).ll;
    const torch::Tensor ll_next = haar_dwt2d(batch.frames_at(torch::tensor(next))).ll;
    const torch::Tensor range = ll_value_range({ll, ll_prev, ll_next});
    const torch::Tensor cur = normalize_ll(ll, range);
    // The temporal Haar low-pass of (current, neighbour), halved as the reference feeds it.
    const torch::Tensor low_prev = haar_dwt1d_pair(cur, normalize_ll(ll_prev, range)).low * 0.5;
    const torch::Tensor low_next = haar_dwt1d_pair(cur, normalize_ll(ll_next, range)).low * 0.5;
    return {{"embed", encoder_->forward(cur)},
            {"norm", range},
            {"ebw", encoder_prev_->forward(low_prev)},
            {"efw", encoder_next_->forward(low_next)}};
}

SnervOutput SnervTImpl::synthesize(const FrameBatch &batch)
{
    const char *names[] = {"embed", "norm", "ebw", "efw"};
    for (const char *name : names) {
        if (batch.inputs.find(name) == batch.inputs.end())
            fail_invalid_argument("snerv-t: render needs inputs \"embed\", \"norm\", \"ebw\" and \"efw\"");
    }
    const torch::Tensor &e = batch.inputs.at("embed");
    if (e.dim() != 4 || e.size(1) != config_.embed_dim() || e.size(2) != config_.embed_height ||
        e.size(3) != config_.embed_width)
        fail_invalid_argument(format("snerv-t: embed must be [B,%lld,%lld,%lld]", (long long)config_.embed_dim(),
                                     (long long)config_.embed_height, (long long)config_.embed_width));
    const int64_t b = e.size(0);
    for (const char *name : {"ebw", "efw"}) {
        const torch::Tensor &t = batch.inputs.at(name);
        if (t.dim() != 4 || t.size(0) != b || t.size(1) != config_.temporal_embed_dim() ||
            t.size(2) != config_.temporal_height() || t.size(3) != config_.temporal_width())
            fail_invalid_argument(format("snerv-t: %s must be [B,%lld,%lld,%lld]", name,
                                         (long long)config_.temporal_embed_dim(), (long long)config_.temporal_height(),
                                         (long long)config_.temporal_width()));
    }
    check_norm_input(batch.inputs.at("norm"), b, "snerv-t");

    torch::Tensor x = first_->forward(e);
    std::vector<torch::Tensor> stages;
    for (UpsampleBlock2d &block : spatial_) {
        x = block->forward(x);
        stages.push_back(x);
    }
    // Both neighbours share the temporal input layer: one pass over [ebw; efw].
    const torch::Tensor t =
        temporal_input_->forward(torch::cat({batch.inputs.at("ebw"), batch.inputs.at("efw")}, 0));
    TemporalFeatures f{x, t.slice(0, 0, b), t.slice(0, b, 2 * b)};
    for (TemporalUpsampleBlock &block : temporal_) {
        f = block->forward(f);
        stages.push_back(f.cur);
    }
    const size_t n = stages.size();
    const torch::Tensor pyramid = mfu_->forward(stages[n - 3], stages[n - 2], stages[n - 1]);
    return snerv_synthesize(pyramid, head_, hfr_, batch.inputs.at("norm"));
}

torch::Tensor SnervTImpl::render(const FrameBatch &batch) { return synthesize(batch).frame.clamp(0, 1); }

TrainStep SnervTImpl::train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height, int coded_width)
{
    FrameBatch b = batch;
    for (auto &kv : embed(batch))
        b.inputs[kv.first] = kv.second;
    return snerv_train_step(synthesize(b), batch.frames, batch.visible, b.inputs.at("norm"), loss, coded_height, coded_width);
}

bool SnervTImpl::is_transmitted(const std::string &parameter_name) const
{
    // encoder.*, encoder_prev.*, encoder_next.*
    return parameter_name.compare(0, 7, "encoder") != 0;
}

std::vector<std::string> SnervTImpl::prunable_parameters() const
{
    // Every transmitted conv weight but the LL head's (NeRV's rule: not biases, not the head).
    std::vector<std::string> names;
    for (const auto &p : named_parameters(true)) {
        const std::string &key = p.key();
        const bool weight = key.size() > 7 && key.compare(key.size() - 7, 7, ".weight") == 0;
        if (weight && is_transmitted(key) && key.compare(0, 5, "head.") != 0)
            names.push_back(key);
    }
    return names;
}

std::vector<LayerInfo> SnervTImpl::layers() const
{
    std::vector<LayerInfo> rows = snerv_t_layer_table(config_);
    if (!has_encoder())
        rows.erase(std::remove_if(rows.begin(), rows.end(), [](const LayerInfo &r) { return !r.transmitted; }),
                   rows.end());
    return rows;
}

std::string SnervTImpl::summary() const
{
    const std::string embed = join_ints({config_.embed_dim(), config_.embed_height, config_.embed_width}, "x");
    const std::string temporal =
        join_ints({config_.temporal_embed_dim(), config_.temporal_height(), config_.temporal_width()}, "x");
    std::vector<int64_t> widths = {config_.fc_dim};
    widths.insert(widths.end(), config_.channels.begin(), config_.channels.end());
    return format("fc_dim=%lld channels=%s strides=%s num_blocks=%lld temporal=%s expansion=%lld temporal_up=%s "
                  "embed=%s+norm2+2x%s act=%s canvas=%lldx%lld",
                  (long long)config_.fc_dim, join_ints(widths).c_str(), join_ints(config_.strides).c_str(),
                  (long long)config_.num_blocks, temporal_conv_name(config_.temporal), (long long)config_.expansion,
                  config_.temporal_up.empty() ? "1" : join_ints(config_.temporal_up).c_str(), embed.c_str(),
                  temporal.c_str(), config_.act.c_str(), (long long)config_.canvas_width(),
                  (long long)config_.canvas_height());
}

void SnervTImpl::write_config(Metadata &meta) const
{
    meta.set_ints("snerv-t.strides", config_.strides);
    meta.set_ints("snerv-t.enc_dims", config_.enc_dims);
    meta.set_int("snerv-t.embed_height", config_.embed_height);
    meta.set_int("snerv-t.embed_width", config_.embed_width);
    meta.set_int("snerv-t.fc_dim", config_.fc_dim);
    meta.set_ints("snerv-t.channels", config_.channels);
    meta.set_int("snerv-t.num_blocks", config_.num_blocks);
    meta.set_string("snerv-t.act", config_.act);
    meta.set_string("snerv-t.temporal", temporal_conv_name(config_.temporal));
    meta.set_int("snerv-t.expansion", config_.expansion);
    meta.set_ints("snerv-t.temporal_up", config_.temporal_up);
    meta.set_ints("snerv-t.temporal_strides", config_.temporal_strides);
    meta.set_ints("snerv-t.temporal_dims", config_.temporal_dims);
    meta.set_int("snerv-t.canvas_height", config_.canvas_height());
    meta.set_int("snerv-t.canvas_width", config_.canvas_width());
}

SnervTConfig SnervTImpl::read_config(const Metadata &meta)
{
    SnervTConfig c;
    c.strides = meta.get_ints("snerv-t.strides", kMinStages, kMaxArchStages, 1, kMaxArchStride);
    const size_t n = c.strides.size();
    c.enc_dims = meta.get_ints("snerv-t.enc_dims", n, n, 1, kMaxArchChannels);
    c.embed_height = meta.get_int("snerv-t.embed_height", 1, kMaxArchCanvas);
    c.embed_width = meta.get_int("snerv-t.embed_width", 1, kMaxArchCanvas);
    c.fc_dim = meta.get_int("snerv-t.fc_dim", 1, kMaxArchChannels);
    c.channels = meta.get_ints("snerv-t.channels", n, n, 1, kMaxArchChannels);
    c.num_blocks = meta.get_int("snerv-t.num_blocks", 0, kMaxResidualBlocks);
    c.act = meta.get_string("snerv-t.act");
    if (!parse_temporal_conv(meta.get_string("snerv-t.temporal"), &c.temporal))
        fail_invalid_data("snerv-t: unknown temporal block type");
    c.expansion = meta.get_int("snerv-t.expansion", 1, kMaxExpansion);
    c.temporal_up = meta.get_ints("snerv-t.temporal_up", 0, kMaxArchStages, 2, kMaxArchStride);
    c.temporal_strides = meta.get_ints("snerv-t.temporal_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    const size_t nt = c.temporal_strides.size();
    c.temporal_dims = meta.get_ints("snerv-t.temporal_dims", nt, nt, 1, kMaxArchChannels);
    validate(c, fail_invalid_data, /*with_encoder=*/false);  // the stream holds no encoder
    if (meta.get_int("snerv-t.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("snerv-t.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("snerv-t: the stored canvas does not match 2 x the embedding grid times the strides");
    return c;
}

TrainRecipe snerv_t_recipe()
{
    // train_snerv_t.py: SNeRV-B's recipe but lr_type cosine_0.2_1_0.1: a 20 % warm-up from 0.1x.
    TrainRecipe r = snerv_recipe();
    r.schedule.warmup_fraction = 0.2;
    return r;
}

namespace {

VideoModel create_snerv_t(const ArchRequest &request)
{
    return std::make_shared<SnervTImpl>(resolve_snerv_t_config(request), true);
}

VideoModel load_snerv_t(const Metadata &meta, bool with_encoder)
{
    return std::make_shared<SnervTImpl>(SnervTImpl::read_config(meta), with_encoder);
}

}  // namespace

ArchEntry snerv_t_arch_entry()
{
    return {"snerv-t",
            "SNeRV-T (ECCV'24): SNeRV with temporal Haar embeddings of the neighbouring frames and 3-D up-sampling "
            "blocks",
            snerv_t_recipe, create_snerv_t, load_snerv_t};
}

}  // namespace nerv

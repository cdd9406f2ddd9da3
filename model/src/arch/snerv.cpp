#include "arch/snerv.h"

#include <algorithm>

#include "arch/hnerv.h"
#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/haar_dwt.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/snerv_sizes.h"
#include "core/error.h"

namespace nerv {

namespace {

constexpr int64_t kMaxEmbedDim = 256;
constexpr int64_t kMaxResidualBlocks = 64;
constexpr int64_t kMinStages = 3;  // the MFU fuses the last three stages

int64_t product(const std::vector<int64_t> &v)
{
    int64_t p = 1;
    for (int64_t x : v)
        p *= x;
    return p;
}

ConvNeXtEncoderOptions encoder_options(const SnervConfig &c) { return ConvNeXtEncoderOptions(c.strides, c.enc_dims); }

/** decoder.0 is the 1x1 conv of the embedding; decoder.i (i >= 1) is UB i-1. */
PixelShuffleBlockOptions decoder_options(const SnervConfig &c, size_t index)
{
    if (index == 0)
        return PixelShuffleBlockOptions(c.embed_dim(), c.fc_dim, 1).kernel(1).activation(c.act);
    const size_t stage = index - 1;
    const int64_t in = stage == 0 ? c.fc_dim : c.channels[stage - 1];
    return PixelShuffleBlockOptions(in, c.channels[stage], c.strides[stage])
        .kernel(c.kernels[stage])
        .activation(c.act);
}

MultiResolutionFusionOptions mfu_options(const SnervConfig &c)
{
    const size_t n = c.channels.size();
    return MultiResolutionFusionOptions({c.channels[n - 3], c.channels[n - 2], c.channels[n - 1]},
                                        {c.strides[n - 2], c.strides[n - 1]}, c.num_blocks);
}

int64_t transmitted_total(const SnervConfig &c)
{
    int64_t n = 0;
    for (const LayerInfo &row : snerv_layer_table(c)) {
        if (row.transmitted)
            n += row.parameters;
    }
    return n;
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. The parameter
 *  bound counts the encoder only when it will be built (with_encoder). */
void validate(const SnervConfig &c, ArchFailFunction fail, bool with_encoder)
{
    if (!is_activation_name(c.act))
        fail(format("snerv: unknown activation '%s'", c.act.c_str()));
    const int64_t stages = static_cast<int64_t>(c.strides.size());
    if (stages < kMinStages || stages > kMaxArchStages)
        fail(format("snerv: %lld strides (valid %lld..%lld)", (long long)stages, (long long)kMinStages,
                    (long long)kMaxArchStages));
    for (int64_t s : c.strides) {
        if (s < 1 || s > kMaxArchStride)
            fail(format("snerv: stride %lld out of range (valid 1..%lld)", (long long)s, (long long)kMaxArchStride));
    }
    if (c.enc_dims.size() != c.strides.size() || c.channels.size() != c.strides.size() ||
        c.kernels.size() != c.strides.size())
        fail("snerv: one encoder width, decoder width and kernel per stride needed");
    for (size_t i = 0; i < c.strides.size(); ++i) {
        if (c.enc_dims[i] < 1 || c.enc_dims[i] > kMaxArchChannels || c.channels[i] < 1 ||
            c.channels[i] > kMaxArchChannels)
            fail(format("snerv: stage %zu width out of range (valid 1..%lld)", i, (long long)kMaxArchChannels));
        // Odd kernels keep the size ("same" padding); even ones would shrink the map.
        if (c.kernels[i] < 1 || c.kernels[i] > kMaxArchKernel || c.kernels[i] % 2 == 0)
            fail(format("snerv: decoder kernel %lld invalid (odd, 1..%lld)", (long long)c.kernels[i],
                        (long long)kMaxArchKernel));
    }
    if (c.embed_dim() > kMaxEmbedDim)
        fail(format("snerv: embed_dim %lld out of range (valid 1..%lld)", (long long)c.embed_dim(),
                    (long long)kMaxEmbedDim));
    if (c.fc_dim < 1 || c.fc_dim > kMaxArchChannels)
        fail(format("snerv: fc_dim %lld out of range (valid 1..%lld)", (long long)c.fc_dim,
                    (long long)kMaxArchChannels));
    if (c.num_blocks < 0 || c.num_blocks > kMaxResidualBlocks)
        fail(format("snerv: num_blocks %lld out of range (valid 0..%lld)", (long long)c.num_blocks,
                    (long long)kMaxResidualBlocks));
    const int64_t p = c.stride();
    if (c.embed_height < 1 || c.embed_width < 1 || c.embed_height > kMaxArchCanvas / (2 * p) ||
        c.embed_width > kMaxArchCanvas / (2 * p))
        fail(format("snerv: embedding grid %lldx%lld times 2 x %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.embed_height, (long long)c.embed_width, (long long)p, (long long)kMaxArchCanvas));
    const int64_t n = table_parameters(snerv_layer_table(c), with_encoder);
    if (n > kMaxArchParameters)
        fail(format("snerv: %lld parameters exceed the limit of %lld", (long long)n, (long long)kMaxArchParameters));
}

std::vector<int64_t> parse_decoder_kernels(const std::string &text, size_t stages)
{
    std::vector<int64_t> ks;
    size_t start = 0;
    bool ok = true;
    while (ok && start <= text.size()) {
        size_t end = text.find('_', start);
        if (end == std::string::npos)
            end = text.size();
        int64_t v = 0;
        ok = parse_int64(text.substr(start, end - start), &v) && v >= 0 && v <= kMaxArchKernel;
        ks.push_back(v);
        start = end + 1;
    }
    if (!ok || ks.size() != 3 || ks[1] < 1 || ks[1] % 2 == 0 || ks[2] < ks[1] || ks[2] % 2 == 0)
        fail_invalid_argument(format("param 'ks' = '%s' is invalid: expected ENC_DEC1_DEC2, e.g. 0_1_5, with odd "
                                     "decoder kernels 1 <= DEC1 <= DEC2 <= %lld",
                                     text.c_str(), (long long)kMaxArchKernel));
    std::vector<int64_t> kernels;
    for (size_t i = 0; i < stages; ++i)
        kernels.push_back(std::min<int64_t>(ks[1] + 2 * static_cast<int64_t>(i), ks[2]));
    return kernels;
}

}  // namespace

int64_t SnervConfig::stride() const { return product(strides); }

SnervConfig resolve_snerv_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("snerv: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    SnervConfig c;
    c.act = params.get_string("act", "gelu");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    const double reduce = params.get_double("reduce", 1.2, 0.1, 16.0);
    const int64_t lower_width = params.get_int("lower_width", 12, 1, kMaxArchChannels);
    const int64_t embed_dim = params.get_int("embed_dim", 16, 1, kMaxEmbedDim);
    const int64_t enc_dim = params.get_int("enc_dim", 64, 1, kMaxArchChannels);
    const std::vector<int64_t> strides =
        params.get_ints("strides", {}, 1, kMaxArchStride, kMinStages, kMaxArchStages);
    const StridePlan plan = plan_ll_strides(request.width, request.height, strides);
    if (plan.strides.size() < static_cast<size_t>(kMinStages))
        fail_invalid_argument("snerv: the stride plan needs at least 3 stages (param 'strides')");
    if (2 * plan.canvas_height > kMaxArchCanvas || 2 * plan.canvas_width > kMaxArchCanvas)
        fail_invalid_argument(format("snerv: the canvas %lldx%lld exceeds %lld pixels per side (param 'strides')",
                                     (long long)(2 * plan.canvas_width), (long long)(2 * plan.canvas_height),
                                     (long long)kMaxArchCanvas));
    c.strides = plan.strides;
    c.embed_height = plan.grid_height;
    c.embed_width = plan.grid_width;
    c.enc_dims.assign(c.strides.size(), enc_dim);
    c.enc_dims.back() = embed_dim;
    c.kernels = parse_decoder_kernels(params.get_string("ks", "0_1_5"), c.strides.size());

    const std::string size = request.size.empty() ? "3M" : request.size;
    const double budget = parse_parameter_budget(size);
    if (budget < 0)
        fail_invalid_argument(format("snerv: size '%s' is invalid: expected a preset (0.35M, 0.75M, 1.5M, 3M) or a "
                                     "parameter budget such as \"2M\", \"800k\"",
                                     size.c_str()));
    const SnervSizePreset *preset = find_snerv_preset(snerv_b_presets(), budget);
    const SnervSizePreset &anchor = preset ? *preset : nearest_snerv_preset(snerv_b_presets(), budget);
    c.num_blocks = params.get_int("num_blocks", anchor.num_blocks, 0, kMaxResidualBlocks);
    int64_t lw = lower_width;
    const auto with_fc_dim = [&](int64_t fc_dim) {
        SnervConfig t = c;
        t.fc_dim = fc_dim;
        t.channels = hnerv_stage_channels(fc_dim, t.strides.size(), reduce, lw);
        return t;
    };
    if (params.has("fc_dim")) {
        c = with_fc_dim(params.get_int("fc_dim", 111, 1, kMaxArchChannels));
    } else if (preset) {
        c = with_fc_dim(preset->fc_dim);
    } else {
        if (request.frames < 1)
            fail_invalid_argument("snerv: a size budget needs the segment's frame count (frames >= 1)");
        const int64_t per_frame = embed_dim * c.embed_height * c.embed_width + 2;
        const int64_t fc_dim = largest_fitting_width_narrowing(
            budget, kMaxArchChannels, &lw, params.has("lower_width"),
            [&](int64_t f) { return transmitted_total(with_fc_dim(f)) + per_frame * request.frames; });
        if (fc_dim < 1)
            fail_invalid_argument(format("snerv: size '%s' is too small for %lld frames of %lld embedding values "
                                         "(%lld parameters at fc_dim 1)",
                                         size.c_str(), (long long)request.frames, (long long)per_frame,
                                         (long long)(transmitted_total(with_fc_dim(1)) + per_frame * request.frames)));
        c = with_fc_dim(fc_dim);
    }
    validate(c, fail_invalid_argument, /*with_encoder=*/true);
    return c;
}

std::vector<LayerInfo> snerv_layer_table(const SnervConfig &c)
{
    std::vector<LayerInfo> rows;
    const ConvNeXtEncoderOptions enc = encoder_options(c);
    int64_t h = c.ll_height(), w = c.ll_width();
    for (int64_t i = 0; i < enc.stage_count(); ++i) {
        h /= c.strides[i];
        w /= c.strides[i];
        rows.push_back({"encoder.stages." + std::to_string(i), enc.stage_description(i),
                        shape_text({c.enc_dims[i], h, w}), enc.stage_parameter_count(i), false});
    }
    h = c.embed_height;
    w = c.embed_width;
    for (size_t i = 0; i <= c.strides.size(); ++i) {
        if (i > 0) {
            h *= c.strides[i - 1];
            w *= c.strides[i - 1];
        }
        const PixelShuffleBlockOptions o = decoder_options(c, i);
        const int64_t channels = i == 0 ? c.fc_dim : c.channels[i - 1];
        rows.push_back({"decoder." + std::to_string(i), o.description(), shape_text({channels, h, w}),
                        o.parameter_count(), true});
    }
    const size_t n = c.strides.size();
    const std::vector<LayerInfo> tail = snerv_tail_layers(
        mfu_options(c), h, w, {"decoder." + std::to_string(n - 1), "decoder." + std::to_string(n)});
    rows.insert(rows.end(), tail.begin(), tail.end());
    return rows;
}

SnervImpl::SnervImpl(const SnervConfig &config, bool with_encoder) : config_(config)
{
    validate(config_, fail_invalid_argument, with_encoder);
    if (with_encoder)
        encoder_ = register_module("encoder", ConvNeXtEncoder(encoder_options(config_)));
    decoder_ = register_module("decoder", torch::nn::ModuleList());
    for (size_t i = 0; i <= config_.strides.size(); ++i) {
        PixelShuffleBlock block(decoder_options(config_, i));
        decoder_->push_back(block);
        blocks_.push_back(block);
    }
    mfu_ = register_module("mfu", MultiResolutionFusion(mfu_options(config_)));
    head_ = register_module("head",
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(config_.channels.back(), 3, 3).padding(1)));
    hfr_ = register_module("hfr", HighFrequencyRestoration(config_.channels.back()));
}

std::vector<FrameTensorSpec> SnervImpl::frame_tensors() const
{
    return {{"embed", {config_.embed_dim(), config_.embed_height, config_.embed_width}, true}, {"norm", {2}, true}};
}

std::map<std::string, torch::Tensor> SnervImpl::embed(const FrameBatch &batch)
{
    if (!has_encoder())
        fail_invalid_argument("snerv: this model was loaded without its encoder");
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) != config_.canvas_height() ||
        x.size(3) != config_.canvas_width())
        fail_invalid_argument(format("snerv: embed needs frames [B,3,%lld,%lld] (the canvas-padded frames)",
                                     (long long)config_.canvas_height(), (long long)config_.canvas_width()));
    const torch::Tensor ll = haar_dwt2d(x).ll;
    const torch::Tensor range = ll_value_range({ll});
    return {{"embed", encoder_->forward(normalize_ll(ll, range))}, {"norm", range}};
}

SnervOutput SnervImpl::synthesize(const FrameBatch &batch)
{
    const auto embed_it = batch.inputs.find("embed");
    const auto norm_it = batch.inputs.find("norm");
    if (embed_it == batch.inputs.end() || norm_it == batch.inputs.end())
        fail_invalid_argument("snerv: render needs inputs[\"embed\"] and inputs[\"norm\"]");
    const torch::Tensor &e = embed_it->second;
    if (e.dim() != 4 || e.size(1) != config_.embed_dim() || e.size(2) != config_.embed_height ||
        e.size(3) != config_.embed_width)
        fail_invalid_argument(format("snerv: embed must be [B,%lld,%lld,%lld]", (long long)config_.embed_dim(),
                                     (long long)config_.embed_height, (long long)config_.embed_width));
    check_norm_input(norm_it->second, e.size(0), "snerv");
    torch::Tensor x = blocks_[0]->forward(e);
    std::vector<torch::Tensor> stages;
    for (size_t i = 1; i < blocks_.size(); ++i) {
        x = blocks_[i]->forward(x);
        stages.push_back(x);
    }
    const size_t n = stages.size();
    const torch::Tensor pyramid = mfu_->forward(stages[n - 3], stages[n - 2], stages[n - 1]);
    return snerv_synthesize(pyramid, head_, hfr_, norm_it->second);
}

torch::Tensor SnervImpl::render(const FrameBatch &batch) { return synthesize(batch).frame.clamp(0, 1); }

TrainStep SnervImpl::train_step(const FrameBatch &batch, const LossFunction &loss, int coded_height, int coded_width)
{
    FrameBatch b = batch;
    for (auto &kv : embed(batch))
        b.inputs[kv.first] = kv.second;
    return snerv_train_step(synthesize(b), batch.frames, batch.visible, b.inputs.at("norm"), loss, coded_height, coded_width);
}

bool SnervImpl::is_transmitted(const std::string &parameter_name) const
{
    return parameter_name.compare(0, 8, "encoder.") != 0;
}

std::vector<std::string> SnervImpl::prunable_parameters() const
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

std::vector<LayerInfo> SnervImpl::layers() const
{
    std::vector<LayerInfo> rows = snerv_layer_table(config_);
    if (!has_encoder())
        rows.erase(std::remove_if(rows.begin(), rows.end(), [](const LayerInfo &r) { return !r.transmitted; }),
                   rows.end());
    return rows;
}

std::string SnervImpl::summary() const
{
    const std::string embed = join_ints({config_.embed_dim(), config_.embed_height, config_.embed_width}, "x");
    std::vector<int64_t> widths = {config_.fc_dim};
    widths.insert(widths.end(), config_.channels.begin(), config_.channels.end());
    return format("fc_dim=%lld channels=%s strides=%s kernels=%s num_blocks=%lld embed=%s+norm2 act=%s "
                  "canvas=%lldx%lld",
                  (long long)config_.fc_dim, join_ints(widths).c_str(), join_ints(config_.strides).c_str(),
                  join_ints(config_.kernels).c_str(), (long long)config_.num_blocks, embed.c_str(),
                  config_.act.c_str(), (long long)config_.canvas_width(), (long long)config_.canvas_height());
}

void SnervImpl::write_config(Metadata &meta) const
{
    meta.set_ints("snerv.strides", config_.strides);
    meta.set_ints("snerv.enc_dims", config_.enc_dims);
    meta.set_int("snerv.embed_height", config_.embed_height);
    meta.set_int("snerv.embed_width", config_.embed_width);
    meta.set_int("snerv.fc_dim", config_.fc_dim);
    meta.set_ints("snerv.channels", config_.channels);
    meta.set_ints("snerv.kernels", config_.kernels);
    meta.set_int("snerv.num_blocks", config_.num_blocks);
    meta.set_string("snerv.act", config_.act);
    meta.set_int("snerv.canvas_height", config_.canvas_height());
    meta.set_int("snerv.canvas_width", config_.canvas_width());
}

SnervConfig SnervImpl::read_config(const Metadata &meta)
{
    SnervConfig c;
    c.strides = meta.get_ints("snerv.strides", kMinStages, kMaxArchStages, 1, kMaxArchStride);
    const size_t n = c.strides.size();
    c.enc_dims = meta.get_ints("snerv.enc_dims", n, n, 1, kMaxArchChannels);
    c.embed_height = meta.get_int("snerv.embed_height", 1, kMaxArchCanvas);
    c.embed_width = meta.get_int("snerv.embed_width", 1, kMaxArchCanvas);
    c.fc_dim = meta.get_int("snerv.fc_dim", 1, kMaxArchChannels);
    c.channels = meta.get_ints("snerv.channels", n, n, 1, kMaxArchChannels);
    c.kernels = meta.get_ints("snerv.kernels", n, n, 1, kMaxArchKernel);
    c.num_blocks = meta.get_int("snerv.num_blocks", 0, kMaxResidualBlocks);
    c.act = meta.get_string("snerv.act");
    validate(c, fail_invalid_data, /*with_encoder=*/false);  // the stream holds no encoder
    if (meta.get_int("snerv.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("snerv.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("snerv: the stored canvas does not match 2 x the embedding grid times the strides");
    return c;
}

TrainRecipe snerv_recipe()
{
    // README / train_snerv.py: Adam (0.9, 0.999), lr 1e-3, batch 1, 300 epochs, cosine_0.1_1_0.1
    // (exact 10 % warm-up from 0.1x, then cosine), Fusion6, gradient norm clipped at 1.0.
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 1e-3;
    r.beta1 = 0.9;
    r.beta2 = 0.999;
    r.batch_size = 1;
    r.loss = LossKind::Fusion6;
    r.grad_clip = 1.0;
    r.schedule.warmup_fraction = 0.1;
    r.schedule.warmup_whole_epochs = false;
    r.schedule.start_multiplier = 0.1;
    r.schedule.power = 1.0;
    return r;
}

namespace {

VideoModel create_snerv(const ArchRequest &request)
{
    return std::make_shared<SnervImpl>(resolve_snerv_config(request), true);
}

VideoModel load_snerv(const Metadata &meta, bool with_encoder)
{
    return std::make_shared<SnervImpl>(SnervImpl::read_config(meta), with_encoder);
}

}  // namespace

ArchEntry snerv_arch_entry()
{
    return {"snerv", "SNeRV-B (ECCV'24): HNeRV on the Haar LL band + multi-resolution fusion + high-frequency bands",
            snerv_recipe, create_snerv, load_snerv};
}

}  // namespace nerv

#include "arch/hnerv.h"

#include <algorithm>
#include <cmath>

#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"
#include "core/python_round.h"

namespace nerv {

namespace {

constexpr int64_t kMaxEmbedDim = 256;
constexpr int64_t kMaxUnfold = 16;  // fc_hw = P_enc / P_dec

int64_t product(const std::vector<int64_t> &v)
{
    int64_t p = 1;
    for (int64_t x : v)
        p *= x;
    return p;
}

ConvNeXtEncoderOptions encoder_options(const HnervConfig &c)
{
    return ConvNeXtEncoderOptions(c.enc_strides, c.enc_dims);
}

/** decoder.0 is the 1x1 "downconv" (a stride-1 block); decoder.i (i >= 1) up-samples. */
PixelShuffleBlockOptions decoder_options(const HnervConfig &c, size_t index)
{
    if (index == 0) {
        const int64_t f = c.fc_hw();
        return PixelShuffleBlockOptions(c.embed_dim(), c.fc_dim * f * f, 1).kernel(1).activation(c.act);
    }
    const size_t stage = index - 1;
    const int64_t in = stage == 0 ? c.fc_dim : c.channels[stage - 1];
    return PixelShuffleBlockOptions(in, c.channels[stage], c.dec_strides[stage])
        .kernel(c.kernels[stage])
        .activation(c.act);
}

void check_strides(const std::vector<int64_t> &strides, const char *what, ArchFailFunction fail)
{
    if (strides.empty() || static_cast<int64_t>(strides.size()) > kMaxArchStages)
        fail(format("hnerv: %s: %zu strides (valid 1..%lld)", what, strides.size(), (long long)kMaxArchStages));
    for (int64_t s : strides) {
        if (s < 1 || s > kMaxArchStride)
            fail(format("hnerv: %s: stride %lld out of range (valid 1..%lld)", what, (long long)s,
                        (long long)kMaxArchStride));
    }
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. The parameter
 *  bound counts the encoder only when it will be built (with_encoder). */
void validate(const HnervConfig &c, ArchFailFunction fail, bool with_encoder)
{
    if (!is_activation_name(c.act))
        fail(format("hnerv: unknown activation '%s'", c.act.c_str()));
    check_strides(c.enc_strides, "enc_strides", fail);
    check_strides(c.dec_strides, "dec_strides", fail);
    if (c.enc_dims.size() != c.enc_strides.size())
        fail("hnerv: one encoder width per encoder stride needed");
    for (int64_t d : c.enc_dims) {
        if (d < 1 || d > kMaxArchChannels)
            fail(format("hnerv: encoder width %lld out of range (valid 1..%lld)", (long long)d,
                        (long long)kMaxArchChannels));
    }
    if (c.embed_dim() > kMaxEmbedDim)
        fail(format("hnerv: embed_dim %lld out of range (valid 1..%lld)", (long long)c.embed_dim(),
                    (long long)kMaxEmbedDim));
    const int64_t pe = c.enc_stride(), pd = c.dec_stride();
    if (pe % pd != 0 || pe / pd > kMaxUnfold)
        fail(format("hnerv: the encoder strides' product %lld must be a multiple (1..%lld times) of the decoder "
                    "strides' product %lld",
                    (long long)pe, (long long)kMaxUnfold, (long long)pd));
    if (c.fc_dim < 1 || c.fc_dim > kMaxArchChannels)
        fail(format("hnerv: fc_dim %lld out of range (valid 1..%lld)", (long long)c.fc_dim,
                    (long long)kMaxArchChannels));
    if (c.channels.size() != c.dec_strides.size() || c.kernels.size() != c.dec_strides.size())
        fail("hnerv: one width and one kernel per decoder stride needed");
    for (size_t i = 0; i < c.channels.size(); ++i) {
        if (c.channels[i] < 1 || c.channels[i] > kMaxArchChannels)
            fail(format("hnerv: decoder width %lld out of range (valid 1..%lld)", (long long)c.channels[i],
                        (long long)kMaxArchChannels));
        // Odd kernels keep the size ("same" padding); even ones would shrink the map.
        if (c.kernels[i] < 1 || c.kernels[i] > kMaxArchKernel || c.kernels[i] % 2 == 0)
            fail(format("hnerv: decoder kernel %lld invalid (odd, 1..%lld)", (long long)c.kernels[i],
                        (long long)kMaxArchKernel));
    }
    if (c.embed_height < 1 || c.embed_width < 1 || c.embed_height > kMaxArchCanvas / pe ||
        c.embed_width > kMaxArchCanvas / pe)
        fail(format("hnerv: embedding grid %lldx%lld times %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.embed_height, (long long)c.embed_width, (long long)pe, (long long)kMaxArchCanvas));
    const int64_t n = table_parameters(hnerv_layer_table(c), with_encoder);
    if (n > kMaxArchParameters)
        fail(format("hnerv: %lld parameters exceed the limit of %lld", (long long)n, (long long)kMaxArchParameters));
}

std::vector<int64_t> parse_ks(const std::string &text)
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
    return ks;
}

}  // namespace

int64_t HnervConfig::enc_stride() const { return product(enc_strides); }
int64_t HnervConfig::dec_stride() const { return product(dec_strides); }

std::vector<int64_t> hnerv_stage_channels(int64_t fc_dim, size_t stages, double reduce, int64_t lower_width)
{
    std::vector<int64_t> out;
    int64_t c = fc_dim;
    for (size_t i = 0; i < stages; ++i) {
        // Python's round (half to even): round(92.5) = 92.
        c = std::max(python_round(static_cast<double>(c) / reduce), lower_width);
        out.push_back(c);
    }
    return out;
}

int64_t hnerv_solve_fc_dim(double budget, int64_t embed_parameters, int64_t embed_dim, int64_t fc_hw,
                           const std::vector<int64_t> &dec_strides, const std::vector<int64_t> &kernels,
                           double reduce)
{
    // Decoder parameters ~ a C^2 + b C: stage i has about (C r^i)(C r^(i+1)) s^2 k^2 weights
    // (r = 1/reduce), decoder.0 about embed_dim * C * 9 f^2. No stage saturates at
    // lower_width in the reference's default, so the constant term is 0.
    const double r = 1.0 / reduce;
    double a = 0;
    for (size_t i = 0; i < dec_strides.size(); ++i) {
        const double s = static_cast<double>(dec_strides[i]), k = static_cast<double>(kernels[i]);
        a += std::pow(r, 2.0 * static_cast<double>(i)) * s * s * k * k;
    }
    a *= r;
    const double b = static_cast<double>(embed_dim) * static_cast<double>(fc_hw * fc_hw) * 9.0;
    const double decoder_budget = budget - static_cast<double>(embed_parameters);
    const double disc = b * b + 4.0 * a * decoder_budget;
    if (!(decoder_budget > 0) || !(disc >= 0))
        return 0;
    const double root = (-b + std::sqrt(disc)) / (2.0 * a);
    return root >= static_cast<double>(kMaxArchChannels + 1) ? kMaxArchChannels + 1 : static_cast<int64_t>(root);
}

namespace {

/** Decoder (head included) and every frame's embedding values: what a size budget counts. */
int64_t budget_count(const HnervConfig &c, int64_t frames)
{
    return table_parameters(hnerv_layer_table(c), /*with_encoder=*/false) +
           c.embed_dim() * c.embed_height * c.embed_width * frames;
}

/** The fc_dim formula ignores stages held at lower_width, which dominate small models (a 25k
 *  budget at 192x80 gave 50,511 parameters). Past the budget, the largest fc_dim that fits, with
 *  lower_width (unless given: `fixed_lower_width` > 0) lowered from 12 as far as it takes. */
void fit_small_budget(HnervConfig &c, double budget, int64_t frames, double reduce, int64_t fixed_lower_width)
{
    if (static_cast<double>(budget_count(c, frames)) <= budget * 1.01)
        return;
    const int64_t widest = fixed_lower_width > 0 ? fixed_lower_width : 12;
    const int64_t narrowest = fixed_lower_width > 0 ? fixed_lower_width : 1;
    for (int64_t lw = widest; lw >= narrowest; --lw) {
        for (int64_t fc_dim = c.fc_dim; fc_dim >= 1; --fc_dim) {
            HnervConfig t = c;
            t.fc_dim = fc_dim;
            t.channels = hnerv_stage_channels(fc_dim, c.dec_strides.size(), reduce, lw);
            if (static_cast<double>(budget_count(t, frames)) <= budget) {
                c = t;
                return;
            }
        }
    }
    // Unreachable: the smallest model stands and the caller refuses it with its count.
    c.fc_dim = 1;
    c.channels = hnerv_stage_channels(1, c.dec_strides.size(), reduce, narrowest);
}

}  // namespace

HnervConfig resolve_hnerv_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("hnerv: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    HnervConfig c;
    c.act = params.get_string("act", "gelu");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    const double reduce = params.get_double("reduce", 1.2, 0.1, 16.0);
    const int64_t lower_width = params.get_int("lower_width", 12, 1, kMaxArchChannels);
    const int64_t embed_dim = params.get_int("embed_dim", 16, 1, kMaxEmbedDim);
    const int64_t enc_dim = params.get_int("enc_dim", 64, 1, kMaxArchChannels);
    const std::vector<int64_t> ks = parse_ks(params.get_string("ks", "0_1_5"));

    // Strides: specific keys override "strides"; the decoder defaults to the encoder's.
    std::vector<int64_t> both = params.get_ints("strides", {}, 1, kMaxArchStride, 1, kMaxArchStages);
    std::vector<int64_t> enc = params.get_ints("enc_strides", both, 1, kMaxArchStride, 1, kMaxArchStages);
    if (enc.empty()) {
        StridePlanOptions opts;
        opts.target_product = embedding_target_product(request.height, request.width);
        enc = plan_strides(request.height, request.width, opts).strides;
    }
    std::vector<int64_t> dec = params.get_ints("dec_strides", both.empty() ? enc : both, 1, kMaxArchStride, 1,
                                               kMaxArchStages);
    c.enc_strides = enc;
    c.dec_strides = dec;
    if (c.enc_stride() % c.dec_stride() != 0 || c.enc_stride() / c.dec_stride() > kMaxUnfold)
        fail_invalid_argument(format("params 'enc_strides' = %s and 'dec_strides' = %s are invalid: the encoder's "
                                     "product must be 1..%lld times the decoder's",
                                     join_ints(enc).c_str(), join_ints(dec).c_str(), (long long)kMaxUnfold));
    const StridePlan plan = plan_for_strides(request.height, request.width, enc);
    if (plan.canvas_height > kMaxArchCanvas || plan.canvas_width > kMaxArchCanvas)
        fail_invalid_argument(format("hnerv: the canvas %lldx%lld exceeds %lld pixels per side",
                                     (long long)plan.canvas_width, (long long)plan.canvas_height,
                                     (long long)kMaxArchCanvas));
    c.embed_height = plan.grid_height;
    c.embed_width = plan.grid_width;
    c.enc_dims.assign(enc.size(), enc_dim);
    c.enc_dims.back() = embed_dim;
    c.kernels.clear();
    for (size_t i = 0; i < dec.size(); ++i)
        c.kernels.push_back(std::min<int64_t>(ks[1] + 2 * static_cast<int64_t>(i), ks[2]));

    double budget = -1;  // from size, when fc_dim is not given
    if (params.has("fc_dim")) {
        c.fc_dim = params.get_int("fc_dim", 68, 1, kMaxArchChannels);
    } else {
        const std::string size = request.size.empty() ? "1.5M" : request.size;
        budget = parse_parameter_budget(size);
        if (budget < 0)
            fail_invalid_argument(format("hnerv: size '%s' is invalid: expected a parameter budget such as \"1.5M\", "
                                         "\"300k\"",
                                         size.c_str()));
        if (request.frames < 1)
            fail_invalid_argument("hnerv: the size budget needs the segment's frame count (frames >= 1)");
        const int64_t embed_parameters = embed_dim * c.embed_height * c.embed_width * request.frames;
        c.fc_dim = hnerv_solve_fc_dim(budget, embed_parameters, embed_dim, c.fc_hw(), c.dec_strides, c.kernels,
                                      reduce);
        if (c.fc_dim < 1 || c.fc_dim > kMaxArchChannels)
            fail_invalid_argument(format("hnerv: size '%s' gives fc_dim %lld for %lld frames of %lld embedding "
                                         "values (valid fc_dim 1..%lld)",
                                         size.c_str(), (long long)c.fc_dim, (long long)request.frames,
                                         (long long)(embed_dim * c.embed_height * c.embed_width),
                                         (long long)kMaxArchChannels));
    }
    c.channels = hnerv_stage_channels(c.fc_dim, c.dec_strides.size(), reduce, lower_width);
    if (budget > 0)
        fit_small_budget(c, budget, request.frames, reduce, params.has("lower_width") ? lower_width : 0);
    validate(c, fail_invalid_argument, /*with_encoder=*/true);
    return c;
}

std::vector<LayerInfo> hnerv_layer_table(const HnervConfig &c)
{
    std::vector<LayerInfo> rows;
    const ConvNeXtEncoderOptions enc = encoder_options(c);
    int64_t h = c.canvas_height(), w = c.canvas_width();
    for (int64_t i = 0; i < enc.stage_count(); ++i) {
        h /= c.enc_strides[i];
        w /= c.enc_strides[i];
        rows.push_back({"encoder.stages." + std::to_string(i), enc.stage_description(i),
                        shape_text({c.enc_dims[i], h, w}), enc.stage_parameter_count(i), false});
    }
    const int64_t f = c.fc_hw();
    h = c.embed_height * f;
    w = c.embed_width * f;
    for (size_t i = 0; i <= c.dec_strides.size(); ++i) {
        const PixelShuffleBlockOptions o = decoder_options(c, i);
        std::string op = o.description();
        if (i == 0 && f > 1)
            op += ", unfold " + std::to_string(f) + "x" + std::to_string(f);
        if (i > 0) {
            h *= c.dec_strides[i - 1];
            w *= c.dec_strides[i - 1];
        }
        const int64_t channels = i == 0 ? c.fc_dim : c.channels[i - 1];
        rows.push_back({"decoder." + std::to_string(i), op, shape_text({channels, h, w}), o.parameter_count(), true});
    }
    rows.push_back({"head", conv_label(3, c.channels.back(), 3) + ", tanh*0.5+0.5", shape_text({3, h, w}),
                    c.channels.back() * 3 * 9 + 3, true});
    return rows;
}

HnervImpl::HnervImpl(const HnervConfig &config, bool with_encoder) : config_(config)
{
    validate(config_, fail_invalid_argument, with_encoder);
    if (with_encoder)
        encoder_ = register_module("encoder", ConvNeXtEncoder(encoder_options(config_)));
    decoder_ = register_module("decoder", torch::nn::ModuleList());
    for (size_t i = 0; i <= config_.dec_strides.size(); ++i) {
        PixelShuffleBlock block(decoder_options(config_, i));
        decoder_->push_back(block);
        blocks_.push_back(block);
    }
    head_ = register_module(
        "head", torch::nn::Conv2d(torch::nn::Conv2dOptions(config_.channels.back(), 3, 3).padding(1)));
}

std::vector<FrameTensorSpec> HnervImpl::frame_tensors() const
{
    return {{"embed", {config_.embed_dim(), config_.embed_height, config_.embed_width}, true}};
}

std::map<std::string, torch::Tensor> HnervImpl::embed(const FrameBatch &batch)
{
    if (!has_encoder())
        fail_invalid_argument("hnerv: this model was loaded without its encoder");
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) != config_.canvas_height() ||
        x.size(3) != config_.canvas_width())
        fail_invalid_argument(format("hnerv: embed needs frames [B,3,%lld,%lld] (the canvas-padded frames)",
                                     (long long)config_.canvas_height(), (long long)config_.canvas_width()));
    return {{"embed", encoder_->forward(x)}};
}

torch::Tensor HnervImpl::render(const FrameBatch &batch)
{
    auto it = batch.inputs.find("embed");
    if (it == batch.inputs.end())
        fail_invalid_argument("hnerv: render needs inputs[\"embed\"]");
    const torch::Tensor &e = it->second;
    if (e.dim() != 4 || e.size(1) != config_.embed_dim() || e.size(2) != config_.embed_height ||
        e.size(3) != config_.embed_width)
        fail_invalid_argument(format("hnerv: embed must be [B,%lld,%lld,%lld]", (long long)config_.embed_dim(),
                                     (long long)config_.embed_height, (long long)config_.embed_width));
    torch::Tensor x = blocks_[0]->forward(e);
    const int64_t f = config_.fc_hw();
    if (f > 1) {
        // Each embedding cell's channels hold an f x f patch of fc_dim-channel cells.
        const int64_t n = x.size(0), h = x.size(2), w = x.size(3);
        x = x.view({n, config_.fc_dim, f, f, h, w})
                .permute({0, 1, 4, 2, 5, 3})
                .reshape({n, config_.fc_dim, f * h, f * w});
    }
    for (size_t i = 1; i < blocks_.size(); ++i)
        x = blocks_[i]->forward(x);
    return torch::tanh(head_->forward(x)) * 0.5 + 0.5;
}

bool HnervImpl::is_transmitted(const std::string &parameter_name) const
{
    return parameter_name.compare(0, 8, "encoder.") != 0;
}

std::vector<std::string> HnervImpl::prunable_parameters() const
{
    std::vector<std::string> names;
    for (size_t i = 0; i < blocks_.size(); ++i)
        names.push_back("decoder." + std::to_string(i) + ".conv.weight");
    return names;
}

std::vector<LayerInfo> HnervImpl::layers() const
{
    std::vector<LayerInfo> rows = hnerv_layer_table(config_);
    if (!has_encoder())
        rows.erase(std::remove_if(rows.begin(), rows.end(), [](const LayerInfo &r) { return !r.transmitted; }),
                   rows.end());
    return rows;
}

std::string HnervImpl::summary() const
{
    const std::string embed = join_ints({config_.embed_dim(), config_.embed_height, config_.embed_width}, "x");
    std::vector<int64_t> widths = {config_.fc_dim};
    widths.insert(widths.end(), config_.channels.begin(), config_.channels.end());
    const std::string strides = config_.enc_strides == config_.dec_strides
                                    ? "strides=" + join_ints(config_.enc_strides)
                                    : "enc_strides=" + join_ints(config_.enc_strides) +
                                          " dec_strides=" + join_ints(config_.dec_strides);
    return format("fc_dim=%lld channels=%s %s kernels=%s embed=%s act=%s canvas=%lldx%lld", (long long)config_.fc_dim,
                  join_ints(widths).c_str(), strides.c_str(), join_ints(config_.kernels).c_str(), embed.c_str(),
                  config_.act.c_str(), (long long)config_.canvas_width(), (long long)config_.canvas_height());
}

void HnervImpl::write_config(Metadata &meta) const
{
    meta.set_ints("hnerv.enc_strides", config_.enc_strides);
    meta.set_ints("hnerv.dec_strides", config_.dec_strides);
    meta.set_ints("hnerv.enc_dims", config_.enc_dims);
    meta.set_int("hnerv.embed_height", config_.embed_height);
    meta.set_int("hnerv.embed_width", config_.embed_width);
    meta.set_int("hnerv.fc_dim", config_.fc_dim);
    meta.set_ints("hnerv.channels", config_.channels);
    meta.set_ints("hnerv.kernels", config_.kernels);
    meta.set_string("hnerv.act", config_.act);
    meta.set_int("hnerv.canvas_height", config_.canvas_height());
    meta.set_int("hnerv.canvas_width", config_.canvas_width());
}

HnervConfig HnervImpl::read_config(const Metadata &meta)
{
    HnervConfig c;
    c.enc_strides = meta.get_ints("hnerv.enc_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.dec_strides = meta.get_ints("hnerv.dec_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.enc_dims =
        meta.get_ints("hnerv.enc_dims", c.enc_strides.size(), c.enc_strides.size(), 1, kMaxArchChannels);
    c.embed_height = meta.get_int("hnerv.embed_height", 1, kMaxArchCanvas);
    c.embed_width = meta.get_int("hnerv.embed_width", 1, kMaxArchCanvas);
    c.fc_dim = meta.get_int("hnerv.fc_dim", 1, kMaxArchChannels);
    c.channels = meta.get_ints("hnerv.channels", c.dec_strides.size(), c.dec_strides.size(), 1, kMaxArchChannels);
    c.kernels = meta.get_ints("hnerv.kernels", c.dec_strides.size(), c.dec_strides.size(), 1, kMaxArchKernel);
    c.act = meta.get_string("hnerv.act");
    validate(c, fail_invalid_data, /*with_encoder=*/false);  // the stream holds no encoder
    if (meta.get_int("hnerv.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("hnerv.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("hnerv: the stored canvas does not match the embedding grid times the strides");
    return c;
}

TrainRecipe hnerv_recipe()
{
    // README bunny command: Adam (0.9, 0.999), lr 1e-3, batch 2, 300 epochs, cosine_0.1_1_0.1
    // (exact 10 % warm-up from 0.1x), --loss L2, no clipping.
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 1e-3;
    r.beta1 = 0.9;
    r.beta2 = 0.999;
    r.batch_size = 2;
    r.loss = LossKind::L2;
    r.grad_clip = 0.0;
    r.schedule.warmup_fraction = 0.1;
    r.schedule.warmup_whole_epochs = false;
    r.schedule.start_multiplier = 0.1;
    r.schedule.power = 1.0;
    return r;
}

namespace {

VideoModel create_hnerv(const ArchRequest &request)
{
    return std::make_shared<HnervImpl>(resolve_hnerv_config(request), true);
}

VideoModel load_hnerv(const Metadata &meta, bool with_encoder)
{
    return std::make_shared<HnervImpl>(HnervImpl::read_config(meta), with_encoder);
}

}  // namespace

ArchEntry hnerv_arch_entry()
{
    return {"hnerv", "HNeRV (CVPR'23): ConvNeXt frame embedding -> pixel-shuffle decoder", hnerv_recipe, create_hnerv,
            load_hnerv};
}

}  // namespace nerv

#include "arch/nerv.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/narrowing.h"
#include "arch/layers/positional_encoding.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"
#include "core/python_round.h"

namespace nerv {

namespace {

PixelShuffleBlockOptions stage_options(const NervConfig &c, size_t stage)
{
    const int64_t in = stage == 0 ? c.fc_dim : c.channels[stage - 1];
    return PixelShuffleBlockOptions(in, c.channels[stage], c.strides[stage]).kernel(3).activation(c.act);
}

/** Linear layer widths of the stem: 2L, hidden..., fc_h * fc_w * fc_dim. */
std::vector<int64_t> stem_widths(const NervConfig &c)
{
    std::vector<int64_t> w = {2 * c.pe_levels};
    w.insert(w.end(), c.stem_dims.begin(), c.stem_dims.end());
    w.push_back(c.fc_height * c.fc_width * c.fc_dim);
    return w;
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. */
void validate(const NervConfig &c, ArchFailFunction fail)
{
    if (!is_activation_name(c.act))
        fail(format("nerv: unknown activation '%s'", c.act.c_str()));
    if (c.strides.empty() || static_cast<int64_t>(c.strides.size()) > kMaxArchStages ||
        c.channels.size() != c.strides.size())
        fail(format("nerv: %zu strides and %zu stage widths (need 1..%lld, one width per stride)", c.strides.size(),
                    c.channels.size(), (long long)kMaxArchStages));
    for (size_t i = 0; i < c.strides.size(); ++i) {
        if (c.strides[i] < 1 || c.strides[i] > kMaxArchStride || c.channels[i] < 1 ||
            c.channels[i] > kMaxArchChannels)
            fail(format("nerv: stage %zu: stride %lld (valid 1..%lld) or width %lld (valid 1..%lld) out of range", i,
                        (long long)c.strides[i], (long long)kMaxArchStride, (long long)c.channels[i],
                        (long long)kMaxArchChannels));
    }
    if (c.fc_dim < 1 || c.fc_dim > kMaxArchChannels)
        fail(format("nerv: fc_dim %lld out of range (valid 1..%lld)", (long long)c.fc_dim,
                    (long long)kMaxArchChannels));
    if (c.pe_levels < 1 || c.pe_levels > 256 || !(c.pe_base > 0) || c.pe_base > 100)
        fail("nerv: positional encoding out of range (levels 1..256, base in (0, 100])");
    if (c.stem_dims.empty() || c.stem_dims.size() > 4)
        fail("nerv: the stem needs 1..4 hidden layers");
    for (int64_t d : c.stem_dims) {
        if (d < 1 || d > kMaxArchChannels)
            fail(format("nerv: stem width %lld out of range (valid 1..%lld)", (long long)d,
                        (long long)kMaxArchChannels));
    }
    const int64_t p = c.total_stride();  // <= 16^8, no overflow
    if (c.fc_height < 1 || c.fc_width < 1 || c.fc_height > kMaxArchCanvas / p || c.fc_width > kMaxArchCanvas / p)
        fail(format("nerv: stem grid %lldx%lld times the strides' product %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.fc_height, (long long)c.fc_width, (long long)p, (long long)kMaxArchCanvas));
    const int64_t n = nerv_parameter_count(c);
    if (n > kMaxArchParameters)
        fail(format("nerv: %lld parameters exceed the limit of %lld", (long long)n, (long long)kMaxArchParameters));
}

/** fc_dim from the size string: preset or budget. */
int64_t solve_fc_dim(const std::string &size_text, NervConfig probe, double expansion, int64_t reduction,
                     int64_t lower_width)
{
    std::string size = size_text.empty() ? "S" : size_text;
    std::string upper = size;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (upper == "S")
        return 26;
    if (upper == "M")
        return 58;
    if (upper == "L")
        return 112;
    const double budget = parse_parameter_budget(size);
    if (budget < 0)
        fail_invalid_argument(format("nerv: size '%s' is invalid: expected S, M, L or a parameter budget such as "
                                     "\"3.2M\", \"300k\"",
                                     size.c_str()));
    auto count_for = [&](int64_t fc_dim) {
        probe.fc_dim = fc_dim;
        probe.channels = nerv_stage_channels(fc_dim, probe.strides, expansion, reduction, lower_width);
        return static_cast<double>(nerv_parameter_count(probe));
    };
    // The count grows with fc_dim (every width is non-decreasing in it): binary search.
    if (count_for(1) > budget)
        fail_invalid_argument(format("nerv: size '%s' is below the smallest model for this frame size (%.0f "
                                     "parameters with fc_dim 1)",
                                     size.c_str(), count_for(1)));
    int64_t lo = 1, hi = kMaxArchChannels;
    if (count_for(hi) <= budget)
        return hi;
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (count_for(mid) <= budget ? lo : hi) = mid;
    }
    return lo;
}

/** The stem (512 wide) and lower_width (96) set a floor of about a million parameters whatever
 *  fc_dim is. A numeric budget below it narrows both by the same factor (steps of 0.85, at
 *  least 4 and 2 wide) until fc_dim 1 fits; the references' sizes never reach this. */
void narrow_for_budget(const std::string &size_text, NervConfig &c, double expansion, int64_t reduction,
                       int64_t *lower_width)
{
    const double budget = parse_parameter_budget(size_text);
    if (!(budget > 0))
        return;
    struct Widths {
        int64_t stem, lower;
    };
    const Widths w = narrow_until_fits(
        [&](double s) { return Widths{narrowed(c.stem_dims.front(), s, 4), narrowed(*lower_width, s, 2)}; },
        [&](const Widths &t) {
            NervConfig probe = c;
            probe.stem_dims.assign(c.stem_dims.size(), t.stem);
            probe.fc_dim = 1;
            probe.channels = nerv_stage_channels(1, probe.strides, expansion, reduction, t.lower);
            return static_cast<double>(nerv_parameter_count(probe)) <= budget;
        });
    c.stem_dims.assign(c.stem_dims.size(), w.stem);
    *lower_width = w.lower;
}

void parse_grid(const std::string &text, int64_t *rows, int64_t *cols)
{
    const size_t x = text.find('x');
    if (x == std::string::npos || !parse_int64(text.substr(0, x), rows) || !parse_int64(text.substr(x + 1), cols) ||
        *rows < 1 || *cols < 1 || *rows > kMaxArchCanvas || *cols > kMaxArchCanvas)
        fail_invalid_argument(format("param 'fc_hw' = '%s' is invalid: expected ROWSxCOLUMNS (e.g. 9x16), each "
                                     "1..%lld",
                                     text.c_str(), (long long)kMaxArchCanvas));
}

}  // namespace

int64_t NervConfig::total_stride() const
{
    int64_t p = 1;
    for (int64_t s : strides)
        p *= s;
    return p;
}

std::vector<int64_t> nerv_stage_channels(int64_t fc_dim, const std::vector<int64_t> &strides, double expansion,
                                         int64_t reduction, int64_t lower_width)
{
    std::vector<int64_t> out;
    int64_t c = fc_dim;
    for (size_t i = 0; i < strides.size(); ++i) {
        if (i == 0)
            c = static_cast<int64_t>(static_cast<double>(c) * expansion);  // Python int(): truncation
        else
            c = std::max(floor_div(c, strides[i] == 1 ? 1 : reduction), lower_width);
        out.push_back(c);
    }
    return out;
}

NervConfig resolve_nerv_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("nerv: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    NervConfig c;
    c.act = params.get_string("act", "swish");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    const std::string pe = params.get_string("pe", "1.25_40");
    int levels = 0;
    if (!parse_pe_spec(pe, &c.pe_base, &levels) || c.pe_base > 100)
        fail_invalid_argument(format("param 'pe' = '%s' is invalid: expected BASE_LEVELS, e.g. 1.25_40 (base in (0, "
                                     "100], levels 1..256)",
                                     pe.c_str()));
    c.pe_levels = levels;
    const std::string stem = params.get_string("stem", "512_1");
    {
        const size_t us = stem.find('_');
        int64_t width = 0, count = 0;
        if (us == std::string::npos || !parse_int64(stem.substr(0, us), &width) ||
            !parse_int64(stem.substr(us + 1), &count) || width < 1 || width > kMaxArchChannels || count < 1 ||
            count > 4)
            fail_invalid_argument(format("param 'stem' = '%s' is invalid: expected WIDTH_COUNT, e.g. 512_1 (width "
                                         "1..%lld, count 1..4)",
                                         stem.c_str(), (long long)kMaxArchChannels));
        c.stem_dims.assign(static_cast<size_t>(count), width);
    }
    const double expansion = params.get_double("expansion", 1.0, 0.01, 64.0);
    const int64_t reduction = params.get_int("reduction", 2, 1, 64);
    const int64_t lower_width = params.get_int("lower_width", 96, 1, kMaxArchChannels);

    // Geometry: strides and stem grid, given or planned.
    const bool have_strides = params.has("strides");
    std::vector<int64_t> strides = params.get_ints("strides", {}, 1, kMaxArchStride, 1, kMaxArchStages);
    StridePlan plan;
    if (have_strides) {
        plan = plan_for_strides(request.height, request.width, strides);
    } else {
        StridePlanOptions opts;
        opts.target_product = stem_grid_target_product(request.height, request.width);
        plan = plan_strides(request.height, request.width, opts);
    }
    c.strides = plan.strides;
    c.fc_height = plan.grid_height;
    c.fc_width = plan.grid_width;
    if (params.has("fc_hw")) {
        parse_grid(params.get_string("fc_hw", ""), &c.fc_height, &c.fc_width);
        if (c.fc_height * plan.product < request.height || c.fc_width * plan.product < request.width)
            fail_invalid_argument(format("param 'fc_hw' = %lldx%lld with strides %s renders %lldx%lld, smaller than "
                                         "the %dx%d frame; give larger fc_hw or strides",
                                         (long long)c.fc_height, (long long)c.fc_width, join_ints(c.strides).c_str(),
                                         (long long)(c.fc_width * plan.product),
                                         (long long)(c.fc_height * plan.product), request.width, request.height));
    }
    if (c.fc_height * plan.product > kMaxArchCanvas || c.fc_width * plan.product > kMaxArchCanvas)
        fail_invalid_argument(format("nerv: the canvas %lldx%lld exceeds %lld pixels per side",
                                     (long long)(c.fc_width * plan.product), (long long)(c.fc_height * plan.product),
                                     (long long)kMaxArchCanvas));

    int64_t lower = lower_width;
    if (params.has("fc_dim"))
        c.fc_dim = params.get_int("fc_dim", 26, 1, kMaxArchChannels);
    else {
        if (!params.has("stem") && !params.has("lower_width"))
            narrow_for_budget(request.size, c, expansion, reduction, &lower);
        c.fc_dim = solve_fc_dim(request.size, c, expansion, reduction, lower);
    }
    const int64_t lower_width_used = lower;
    c.channels = nerv_stage_channels(c.fc_dim, c.strides, expansion, reduction, lower_width_used);
    for (int64_t ch : c.channels) {
        if (ch < 1 || ch > kMaxArchChannels)
            fail_invalid_argument(format("nerv: a stage width of %lld results from fc_dim %lld, expansion %g, "
                                         "reduction %lld, lower_width %lld (valid widths 1..%lld)",
                                         (long long)ch, (long long)c.fc_dim, expansion, (long long)reduction,
                                         (long long)lower_width, (long long)kMaxArchChannels));
    }
    validate(c, fail_invalid_argument);
    return c;
}

std::vector<LayerInfo> nerv_layer_table(const NervConfig &c)
{
    std::vector<LayerInfo> rows;
    const std::vector<int64_t> widths = stem_widths(c);
    const std::string act = activation_label(c.act);
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
        LayerInfo row;
        row.name = "stem." + std::to_string(2 * i);
        row.op = "Linear " + std::to_string(widths[i]) + "->" + std::to_string(widths[i + 1]) + ", " + act;
        row.output = i + 2 == widths.size() ? shape_text({c.fc_dim, c.fc_height, c.fc_width})
                                            : shape_text({widths[i + 1]});
        row.parameters = widths[i] * widths[i + 1] + widths[i + 1];
        rows.push_back(row);
    }
    int64_t h = c.fc_height, w = c.fc_width;
    for (size_t i = 0; i < c.strides.size(); ++i) {
        const PixelShuffleBlockOptions o = stage_options(c, i);
        h *= c.strides[i];
        w *= c.strides[i];
        rows.push_back({"layers." + std::to_string(i), o.description(), shape_text({c.channels[i], h, w}),
                        o.parameter_count(), true});
    }
    rows.push_back({"head", conv_label(1, c.channels.back(), 3) + ", (tanh+1)/2", shape_text({3, h, w}),
                    c.channels.back() * 3 + 3, true});
    return rows;
}

int64_t nerv_parameter_count(const NervConfig &config)
{
    int64_t n = 0;
    for (const LayerInfo &row : nerv_layer_table(config))
        n += row.parameters;
    return n;
}

NervImpl::NervImpl(const NervConfig &config) : config_(config)
{
    validate(config_, fail_invalid_argument);
    const std::vector<int64_t> widths = stem_widths(config_);
    stem_ = register_module("stem", torch::nn::Sequential());
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
        stem_->push_back(torch::nn::Linear(widths[i], widths[i + 1]));
        stem_->push_back(make_activation(config_.act));  // after every Linear, the last included
    }
    layers_ = register_module("layers", torch::nn::ModuleList());
    for (size_t i = 0; i < config_.strides.size(); ++i) {
        PixelShuffleBlock block(stage_options(config_, i));
        layers_->push_back(block);
        blocks_.push_back(block);
    }
    head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(config_.channels.back(), 3, 1)));
}

torch::Tensor NervImpl::render(const FrameBatch &batch)
{
    if (batch.frame_count < 1 || !batch.index.defined() || batch.index.dim() != 1)
        fail_invalid_argument("nerv: render needs index [B] and frame_count >= 1");
    // t = i / N in double, rounded once to float32 like the reference's torch.tensor(i / N)
    // (to the weights' type: float64 in the gradient checks).
    torch::Tensor t = (batch.index.to(torch::kDouble) / static_cast<double>(batch.frame_count))
                          .to(head_->weight.scalar_type());
    PositionalEncodingOptions pe;
    pe.base = config_.pe_base;
    pe.levels = static_cast<int>(config_.pe_levels);
    pe.order = PeOrder::Interleaved;
    torch::Tensor x = stem_->forward(positional_encoding(t, pe));
    x = x.view({x.size(0), config_.fc_dim, config_.fc_height, config_.fc_width});
    for (auto &block : blocks_)
        x = block->forward(x);
    return (torch::tanh(head_->forward(x)) + 1) * 0.5;
}

void NervImpl::write_config(Metadata &meta) const
{
    meta.set_float("nerv.pe_base", config_.pe_base);
    meta.set_int("nerv.pe_levels", config_.pe_levels);
    meta.set_ints("nerv.stem_dims", config_.stem_dims);
    meta.set_int("nerv.fc_height", config_.fc_height);
    meta.set_int("nerv.fc_width", config_.fc_width);
    meta.set_int("nerv.fc_dim", config_.fc_dim);
    meta.set_ints("nerv.strides", config_.strides);
    meta.set_ints("nerv.channels", config_.channels);
    meta.set_string("nerv.act", config_.act);
    meta.set_int("nerv.canvas_height", config_.canvas_height());
    meta.set_int("nerv.canvas_width", config_.canvas_width());
}

NervConfig NervImpl::read_config(const Metadata &meta)
{
    NervConfig c;
    c.pe_base = meta.get_float("nerv.pe_base", 1e-6, 100.0);
    c.pe_levels = meta.get_int("nerv.pe_levels", 1, 256);
    c.stem_dims = meta.get_ints("nerv.stem_dims", 1, 4, 1, kMaxArchChannels);
    c.fc_height = meta.get_int("nerv.fc_height", 1, kMaxArchCanvas);
    c.fc_width = meta.get_int("nerv.fc_width", 1, kMaxArchCanvas);
    c.fc_dim = meta.get_int("nerv.fc_dim", 1, kMaxArchChannels);
    c.strides = meta.get_ints("nerv.strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.channels = meta.get_ints("nerv.channels", c.strides.size(), c.strides.size(), 1, kMaxArchChannels);
    c.act = meta.get_string("nerv.act");
    validate(c, fail_invalid_data);
    if (meta.get_int("nerv.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("nerv.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("nerv: the stored canvas does not match the stem grid times the strides");
    return c;
}

std::vector<std::string> NervImpl::prunable_parameters() const
{
    std::vector<std::string> names;
    for (size_t i = 0; i < config_.stem_dims.size() + 1; ++i)
        names.push_back("stem." + std::to_string(2 * i) + ".weight");
    for (size_t i = 0; i < config_.strides.size(); ++i)
        names.push_back("layers." + std::to_string(i) + ".conv.weight");
    return names;
}

std::string NervImpl::summary() const
{
    return format("fc=%lldx%lldx%lld channels=%s strides=%s pe=%g_%lld act=%s canvas=%lldx%lld",
                  (long long)config_.fc_dim, (long long)config_.fc_height, (long long)config_.fc_width,
                  join_ints(config_.channels).c_str(), join_ints(config_.strides).c_str(), config_.pe_base,
                  (long long)config_.pe_levels, config_.act.c_str(), (long long)config_.canvas_width(),
                  (long long)config_.canvas_height());
}

TrainRecipe nerv_recipe()
{
    // README NeRV-S command: Adam(0.5, 0.999), lr 5e-4, batch 1, 300 epochs, 20 % warm-up
    // truncated to whole epochs, cosine, Fusion6 (0.7 L1 + 0.3 (1 - SSIM)), no clipping.
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 5e-4;
    r.beta1 = 0.5;
    r.beta2 = 0.999;
    r.batch_size = 1;
    r.loss = LossKind::Fusion6;
    r.grad_clip = 0.0;
    r.schedule.warmup_fraction = 0.2;
    r.schedule.warmup_whole_epochs = true;
    r.schedule.start_multiplier = 0.1;
    r.schedule.power = 1.0;
    return r;
}

namespace {

VideoModel create_nerv(const ArchRequest &request)
{
    return std::make_shared<NervImpl>(resolve_nerv_config(request));
}

VideoModel load_nerv(const Metadata &meta, bool /*with_encoder*/)
{
    return std::make_shared<NervImpl>(NervImpl::read_config(meta));
}

}  // namespace

ArchEntry nerv_arch_entry()
{
    return {"nerv", "NeRV (NeurIPS'21): frame index -> MLP stem -> pixel-shuffle conv blocks", nerv_recipe,
            create_nerv, load_nerv};
}

}  // namespace nerv

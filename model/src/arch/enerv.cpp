#include "arch/enerv.h"

#include "arch/layers/activation.h"
#include "arch/layers/narrowing.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"

namespace nerv {

namespace {

// Limits shared by request validation and stream parsing: they bound what a hostile
// stream can make the decoder allocate (weights, attention maps, canvas).
constexpr size_t kMaxStages = 8;
constexpr int64_t kMaxStride = 8;
constexpr int64_t kMaxGridSide = 256;
constexpr int64_t kMaxTokens = 4096;  // attention is tokens^2 per head
constexpr int64_t kMaxCanvasSide = 16384;
constexpr int64_t kMaxWidth = 4096;   // any channel or hidden width
constexpr int64_t kMinFcDim = 4;      // the upgraded first block narrows to fc_dim / 4
constexpr int64_t kMaxHeads = 64;
constexpr int64_t kMaxDimHead = 512;
constexpr int64_t kMaxPeLevels = 256;
constexpr double kMaxPeBase = 64.0;
constexpr int64_t kMaxParameters = int64_t(1) << 28;  // 1 GiB of float32 weights

// A function, not a global vector: no static-initialisation order to worry about.
std::vector<int64_t> default_strides() { return {5, 2, 2, 2, 2}; }

int64_t product(const std::vector<int64_t> &v)
{
    int64_t p = 1;
    for (int64_t x : v)
        p *= x;
    return p;
}

std::string join(const std::vector<int64_t> &v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? "," : "") + std::to_string(v[i]);
    return s;
}

std::string pe_text(const PositionalEncodingOptions &pe) { return format("%g_%d", pe.base, pe.levels); }

int64_t linear_parameters(int64_t in, int64_t out) { return in * out + out; }

EnervTransformerOptions xy_transformer(const EnervConfig &c)
{
    return EnervTransformerOptions(c.block_dim, c.xy_heads, c.dim_head, c.mlp_dim);
}

EnervTransformerOptions fusion_transformer(const EnervConfig &c)
{
    return EnervTransformerOptions(c.block_dim, c.fusion_heads, c.dim_head, c.mlp_dim);
}

EnervUpOptions stage_options(const EnervConfig &c, size_t i)
{
    const int64_t in = i == 0 ? c.fc_dim : c.channels[i - 1];
    return EnervUpOptions(in, c.channels[i], c.strides[i]).act(c.act);
}

// The reference replaces `toconv` by an identity when the token width already equals fc_dim.
bool has_toconv(const EnervConfig &c) { return c.block_dim != c.fc_dim; }

PositionalEncodingOptions pe_param(const KeyValues &params, const char *key, const PositionalEncodingOptions &fallback)
{
    if (!params.has(key))
        return fallback;
    const std::string spec = params.get_string(key, "");
    PositionalEncodingOptions pe = fallback;
    if (!parse_pe_spec(spec, &pe.base, &pe.levels) || pe.base > kMaxPeBase)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected BASE_LEVELS with base in (0, %g] and "
                                     "levels in [1, %lld], e.g. 1.25_80",
                                     key, spec.c_str(), kMaxPeBase, (long long)kMaxPeLevels));
    return pe;
}

/** Grid from params, else the planner's, else the default; see resolve_enerv_config(). */
EnervGrid resolve_grid(const ArchRequest &request, const KeyValues &params, const EnervGrid *planned)
{
    const bool has_strides = params.has("strides"), has_fc_hw = params.has("fc_hw");
    const std::vector<int64_t> strides = params.get_ints("strides", {}, 1, kMaxStride, 1, kMaxStages);
    const std::vector<int64_t> fc_hw = params.get_ints("fc_hw", {}, 1, kMaxGridSide, 2, 2);
    if (!has_strides && !has_fc_hw)
        return planned ? *planned : default_enerv_grid(request.width, request.height);

    EnervGrid grid;
    grid.strides = has_strides ? strides : (planned ? planned->strides : default_strides());
    const int64_t p = product(grid.strides);
    if (has_fc_hw) {
        grid.fc_h = fc_hw[0];
        grid.fc_w = fc_hw[1];
    } else {
        // The smallest grid whose canvas covers the frame (cropped back to it).
        grid.fc_h = (request.height + p - 1) / p;
        grid.fc_w = (request.width + p - 1) / p;
    }
    return grid;
}

/** The largest fc_dim whose model fits the budget; every other width follows `rule`. */
EnervConfig solve_budget(EnervConfig c, const EnervWidthRule &rule, double budget)
{
    // Every width, hence every layer's count, is non-decreasing in fc_dim: the first fc_dim
    // over budget (or over a limit) ends the scan.
    int64_t best = -1;
    for (int64_t fc_dim = kMinFcDim; fc_dim <= kMaxWidth; ++fc_dim) {
        c.fc_dim = fc_dim;
        c.channels = enerv_stage_channels(fc_dim, c.strides, rule);
        const std::string problem = enerv_config_problem(c);
        if (!problem.empty()) {
            if (best < 0)
                fail_invalid_argument("E-NeRV: " + problem);
            break;
        }
        if (static_cast<double>(enerv_parameter_count(c)) > budget)
            break;
        best = fc_dim;
    }
    if (best < 0) {
        c.fc_dim = kMinFcDim;
        c.channels = enerv_stage_channels(kMinFcDim, c.strides, rule);
        fail_invalid_argument(format("E-NeRV: a budget of %.0f parameters is below the smallest model (%lld "
                                     "parameters at fc_dim %lld with these params)",
                                     budget, (long long)enerv_parameter_count(c), (long long)kMinFcDim));
    }
    c.fc_dim = best;
    c.channels = enerv_stage_channels(best, c.strides, rule);
    return c;
}

/** The transformer, MLP and lower widths (256, 512, 128, 128, 64, 96) set a floor of about two
 *  million parameters whatever fc_dim is. A budget below it narrows them all by one factor
 *  (steps of 0.85, each at least 2) until the smallest fc_dim fits; the bunny model never
 *  reaches this. */
void narrow_for_budget(EnervConfig &c, EnervWidthRule &rule, double budget)
{
    struct Narrowed {
        EnervConfig config;
        EnervWidthRule rule;
    };
    const Narrowed n = narrow_until_fits(
        [&](double s) {
            Narrowed t{c, rule};
            t.config.block_dim = narrowed(c.block_dim, s, 2);
            t.config.stem_dim = narrowed(c.stem_dim, s, 2);
            t.config.mlp_dim = narrowed(c.mlp_dim, s, 2);
            t.config.mod_dim = narrowed(c.mod_dim, s, 2);
            t.config.dim_head = narrowed(c.dim_head, s, 2);
            t.rule.lower_width = narrowed(rule.lower_width, s, 2);
            t.config.fc_dim = kMinFcDim;
            t.config.channels = enerv_stage_channels(kMinFcDim, t.config.strides, t.rule);
            return t;
        },
        [&](const Narrowed &t) { return static_cast<double>(enerv_parameter_count(t.config)) <= budget; });
    c = n.config;
    rule = n.rule;
}

std::string dims_problem(const char *name, int64_t v, int64_t lo, int64_t hi)
{
    if (v < lo || v > hi)
        return format("%s = %lld is outside [%lld, %lld]", name, (long long)v, (long long)lo, (long long)hi);
    return "";
}

torch::nn::Sequential mlp(const std::vector<int64_t> &dims, const std::string &act)
{
    // Linear, act, Linear, act, ...: the reference's NeRV_MLP (an activation after every Linear).
    torch::nn::Sequential seq;
    for (size_t i = 0; i + 1 < dims.size(); ++i) {
        seq->push_back(torch::nn::Linear(dims[i], dims[i + 1]));
        seq->push_back(make_activation(act));
    }
    return seq;
}

}  // namespace

int64_t EnervConfig::canvas_height() const { return fc_h * product(strides); }
int64_t EnervConfig::canvas_width() const { return fc_w * product(strides); }

EnervConfig default_enerv_config() { return EnervConfig(); }

EnervGrid default_enerv_grid(int width, int height)
{
    if (width < 1 || height < 1)
        fail_invalid_argument(format("E-NeRV: frame %dx%d is invalid: expected a positive size", width, height));
    EnervGrid grid;
    const int64_t p = product(default_strides());
    if (width % p == 0 && height % p == 0) {
        // The reference's geometry: 5,2,2,2,2 on a grid of (H/80) x (W/80) cells (9x16 at 720p).
        grid.fc_h = height / p;
        grid.fc_w = width / p;
        grid.strides = default_strides();
        return grid;
    }
    // Other sizes: NeRV's plan (about 9 cells on the short side) on the smallest covering canvas;
    // the frame is its top-left corner.
    StridePlanOptions opts;
    opts.target_product = stem_grid_target_product(height, width);
    const StridePlan plan = plan_strides(height, width, opts);
    grid.fc_h = plan.grid_height;
    grid.fc_w = plan.grid_width;
    grid.strides = plan.strides;
    return grid;
}

std::vector<int64_t> enerv_stage_channels(int64_t fc_dim, const std::vector<int64_t> &strides,
                                          const EnervWidthRule &rule)
{
    std::vector<int64_t> channels;
    int64_t c = fc_dim;
    for (size_t i = 0; i < strides.size(); ++i) {
        if (i == 0)
            c = static_cast<int64_t>(static_cast<double>(c) * rule.expansion);  // Python int(): truncation
        else
            c = std::max(strides[i] == 1 ? c : c / rule.reduction, rule.lower_width);
        channels.push_back(c);
    }
    return channels;
}

std::string enerv_config_problem(const EnervConfig &c)
{
    std::string p;
    if (c.strides.empty() || c.strides.size() > kMaxStages)
        return format("%zu stages: expected 1 to %zu strides", c.strides.size(), kMaxStages);
    if (c.channels.size() != c.strides.size())
        return format("%zu channel widths for %zu strides", c.channels.size(), c.strides.size());
    for (size_t i = 0; i < c.strides.size(); ++i) {
        if (!(p = dims_problem("stride", c.strides[i], 1, kMaxStride)).empty())
            return p;
        if (c.channels[i] < 1 || c.channels[i] > kMaxWidth)
            return format("stage widths %s: each must be in [1, %lld] (check fc_dim, expansion, lower_width)",
                          join(c.channels).c_str(), (long long)kMaxWidth);
    }
    if (!(p = dims_problem("fc_h", c.fc_h, 1, kMaxGridSide)).empty() ||
        !(p = dims_problem("fc_w", c.fc_w, 1, kMaxGridSide)).empty() ||
        !(p = dims_problem("fc_dim", c.fc_dim, kMinFcDim, kMaxWidth)).empty() ||
        !(p = dims_problem("block_dim", c.block_dim, 1, kMaxWidth)).empty() ||
        !(p = dims_problem("stem_dim", c.stem_dim, 1, kMaxWidth)).empty() ||
        !(p = dims_problem("mlp_dim", c.mlp_dim, 1, kMaxWidth)).empty() ||
        !(p = dims_problem("mod_dim", c.mod_dim, 1, kMaxWidth)).empty() ||
        !(p = dims_problem("heads (spatial)", c.xy_heads, 1, kMaxHeads)).empty() ||
        !(p = dims_problem("heads (fusion)", c.fusion_heads, 1, kMaxHeads)).empty() ||
        !(p = dims_problem("dim_head", c.dim_head, 1, kMaxDimHead)).empty())
        return p;
    // One token would make every instance-normalised first feature map zero.
    const int64_t tokens = c.fc_h * c.fc_w;
    if (tokens < 2 || tokens > kMaxTokens)
        return format("fc grid %lldx%lld has %lld tokens: expected 2 to %lld", (long long)c.fc_h, (long long)c.fc_w,
                      (long long)tokens, (long long)kMaxTokens);
    if (!is_activation_name(c.act))
        return format("unknown activation '%s'", c.act.c_str());
    for (const PositionalEncodingOptions *pe : {&c.pe_t, &c.pe_xy, &c.pe_mod}) {
        if (pe->levels < 1 || pe->levels > kMaxPeLevels || !(pe->base > 0) || pe->base > kMaxPeBase)
            return format("positional encoding %s: expected base in (0, %g], levels in [1, %lld]",
                          pe_text(*pe).c_str(), kMaxPeBase, (long long)kMaxPeLevels);
    }
    if (c.canvas_height() > kMaxCanvasSide || c.canvas_width() > kMaxCanvasSide)
        return format("canvas %lldx%lld exceeds %lld per side", (long long)c.canvas_width(),
                      (long long)c.canvas_height(), (long long)kMaxCanvasSide);
    const int64_t count = enerv_parameter_count(c);
    if (count > kMaxParameters)
        return format("%lld parameters exceed the limit of %lld", (long long)count, (long long)kMaxParameters);
    return "";
}

EnervConfig resolve_enerv_config(const ArchRequest &request, const EnervGrid *planned)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxCanvasSide || request.height > kMaxCanvasSide)
        fail_invalid_argument(format("E-NeRV: frame size %dx%d: expected 1 to %lld per side", request.width,
                                     request.height, (long long)kMaxCanvasSide));

    EnervConfig c = default_enerv_config();
    c.block_dim = params.get_int("block_dim", c.block_dim, 1, kMaxWidth);
    c.stem_dim = params.get_int("stem_dim", c.stem_dim, 1, kMaxWidth);
    c.mlp_dim = params.get_int("mlp_dim", c.mlp_dim, 1, kMaxWidth);
    c.mod_dim = params.get_int("mod_dim", c.mod_dim, 1, kMaxWidth);
    const std::vector<int64_t> heads = params.get_ints("heads", {c.xy_heads, c.fusion_heads}, 1, kMaxHeads, 2, 2);
    c.xy_heads = heads[0];
    c.fusion_heads = heads[1];
    c.dim_head = params.get_int("dim_head", c.dim_head, 1, kMaxDimHead);
    c.act = params.get_string("act", c.act);
    if (!is_activation_name(c.act)) {
        try {
            make_activation(c.act);  // throws -EINVAL listing the valid names
        } catch (const Error &e) {
            fail_invalid_argument(std::string("param 'act': ") + e.what());
        }
    }
    c.pe_t = pe_param(params, "pe", c.pe_t);
    c.pe_xy = pe_param(params, "pe_xy", c.pe_xy);
    c.pe_mod = pe_param(params, "pe_mod", c.pe_mod);

    EnervWidthRule rule;
    rule.expansion = params.get_double("expansion", rule.expansion, 0.01, 16.0);
    rule.reduction = params.get_int("reduction", rule.reduction, 1, 16);
    rule.lower_width = params.get_int("lower_width", rule.lower_width, 1, kMaxWidth);

    const EnervGrid grid = resolve_grid(request, params, planned);
    c.fc_h = grid.fc_h;
    c.fc_w = grid.fc_w;
    c.strides = grid.strides;
    if (c.canvas_width() < request.width || c.canvas_height() < request.height)
        fail_invalid_argument(format("E-NeRV: canvas %lldx%lld (fc_hw %lld,%lld times strides %s) does not cover the "
                                     "%dx%d frame",
                                     (long long)c.canvas_width(), (long long)c.canvas_height(), (long long)c.fc_h,
                                     (long long)c.fc_w, join(c.strides).c_str(), request.width, request.height));

    const bool has_fc_dim = params.has("fc_dim");
    c.fc_dim = params.get_int("fc_dim", c.fc_dim, kMinFcDim, kMaxWidth);
    if (request.size.empty()) {
        c.channels = enerv_stage_channels(c.fc_dim, c.strides, rule);
    } else {
        const double budget = parse_parameter_budget(request.size);
        if (budget < 0)
            fail_invalid_argument(format("E-NeRV: size '%s' is not a parameter budget (e.g. 12.5M, 3M, 800k)",
                                         request.size.c_str()));
        if (has_fc_dim)
            fail_invalid_argument("E-NeRV: give either a size budget or param 'fc_dim', not both");
        const char *widths[] = {"block_dim", "stem_dim", "mlp_dim", "mod_dim", "dim_head", "lower_width"};
        bool widths_given = false;
        for (const char *w : widths)
            widths_given = widths_given || params.has(w);
        if (!widths_given)
            narrow_for_budget(c, rule, budget);
        c = solve_budget(c, rule, budget);
    }
    const std::string problem = enerv_config_problem(c);
    if (!problem.empty())
        fail_invalid_argument("E-NeRV: " + problem);
    return c;
}

void write_enerv_config(const EnervConfig &c, Metadata &meta)
{
    meta.set_int("enerv.fc_h", c.fc_h);
    meta.set_int("enerv.fc_w", c.fc_w);
    meta.set_int("enerv.fc_dim", c.fc_dim);
    meta.set_ints("enerv.strides", c.strides);
    meta.set_ints("enerv.channels", c.channels);
    meta.set_int("enerv.block_dim", c.block_dim);
    meta.set_int("enerv.stem_dim", c.stem_dim);
    meta.set_int("enerv.mlp_dim", c.mlp_dim);
    meta.set_ints("enerv.heads", {c.xy_heads, c.fusion_heads});
    meta.set_int("enerv.dim_head", c.dim_head);
    meta.set_int("enerv.mod_dim", c.mod_dim);
    meta.set_string("enerv.act", c.act);
    const std::pair<const char *, const PositionalEncodingOptions *> pes[] = {
        {"enerv.pe_t", &c.pe_t}, {"enerv.pe_xy", &c.pe_xy}, {"enerv.pe_mod", &c.pe_mod}};
    for (const auto &pe : pes) {
        meta.set_float(std::string(pe.first) + "_base", pe.second->base);
        meta.set_int(std::string(pe.first) + "_levels", pe.second->levels);
    }
}

EnervConfig read_enerv_config(const Metadata &meta)
{
    EnervConfig c;
    c.fc_h = meta.get_int("enerv.fc_h", 1, kMaxGridSide);
    c.fc_w = meta.get_int("enerv.fc_w", 1, kMaxGridSide);
    c.fc_dim = meta.get_int("enerv.fc_dim", kMinFcDim, kMaxWidth);
    c.strides = meta.get_ints("enerv.strides", 1, kMaxStages, 1, kMaxStride);
    c.channels = meta.get_ints("enerv.channels", 1, kMaxStages, 1, kMaxWidth);
    c.block_dim = meta.get_int("enerv.block_dim", 1, kMaxWidth);
    c.stem_dim = meta.get_int("enerv.stem_dim", 1, kMaxWidth);
    c.mlp_dim = meta.get_int("enerv.mlp_dim", 1, kMaxWidth);
    const std::vector<int64_t> heads = meta.get_ints("enerv.heads", 2, 2, 1, kMaxHeads);
    c.xy_heads = heads[0];
    c.fusion_heads = heads[1];
    c.dim_head = meta.get_int("enerv.dim_head", 1, kMaxDimHead);
    c.mod_dim = meta.get_int("enerv.mod_dim", 1, kMaxWidth);
    c.act = meta.get_string("enerv.act");
    const std::pair<const char *, PositionalEncodingOptions *> pes[] = {
        {"enerv.pe_t", &c.pe_t}, {"enerv.pe_xy", &c.pe_xy}, {"enerv.pe_mod", &c.pe_mod}};
    for (const auto &pe : pes) {
        pe.second->base = meta.get_float(std::string(pe.first) + "_base", 1e-6, kMaxPeBase);
        pe.second->levels = static_cast<int>(meta.get_int(std::string(pe.first) + "_levels", 1, kMaxPeLevels));
        pe.second->order = PeOrder::Interleaved;
    }
    const std::string problem = enerv_config_problem(c);
    if (!problem.empty())
        fail_invalid_data("E-NeRV config in stream: " + problem);
    return c;
}

std::vector<LayerInfo> enerv_layers(const EnervConfig &c)
{
    const std::string act = enerv_activation_label(c.act);
    const int64_t d = c.block_dim, tokens = c.fc_h * c.fc_w;
    const int64_t pe_t = 2 * c.pe_t.levels, pe_xy = 4 * c.pe_xy.levels, pe_mod = 2 * c.pe_mod.levels;
    std::vector<LayerInfo> rows;
    rows.push_back({"stem_t",
                    format("PE %s of t=i/(N-1), Linear %lld->%lld, %s, Linear %lld->%lld, %s", pe_text(c.pe_t).c_str(),
                           (long long)pe_t, (long long)c.stem_dim, act.c_str(), (long long)c.stem_dim, (long long)d,
                           act.c_str()),
                    shape_text({d}), linear_parameters(pe_t, c.stem_dim) + linear_parameters(c.stem_dim, d), true});
    rows.push_back({"stem_xy",
                    format("%lldx%lld grid, PE %s of x and y, Linear %lld->%lld, %s", (long long)c.fc_h,
                           (long long)c.fc_w, pe_text(c.pe_xy).c_str(), (long long)pe_xy, (long long)d, act.c_str()),
                    shape_text({tokens, d}), linear_parameters(pe_xy, d), true});
    const EnervTransformerOptions t1 = xy_transformer(c), t2 = fusion_transformer(c);
    rows.push_back({"trans1",
                    format("Transformer %lld head x %lld, FFN %lld, no norm", (long long)t1.heads(),
                           (long long)t1.dim_head(), (long long)t1.mlp_dim()),
                    shape_text({tokens, d}), t1.parameter_count(), true});
    rows.push_back({"trans2",
                    format("S*t_emb, Transformer %lld heads x %lld, FFN %lld, no norm", (long long)t2.heads(),
                           (long long)t2.dim_head(), (long long)t2.mlp_dim()),
                    shape_text({tokens, d}), t2.parameter_count(), true});
    rows.push_back({"toconv",
                    has_toconv(c) ? format("Linear %lld->%lld, %s, to [C,h,w]", (long long)d, (long long)c.fc_dim,
                                           act.c_str())
                                  : std::string("to [C,h,w]"),
                    shape_text({c.fc_dim, c.fc_h, c.fc_w}), has_toconv(c) ? linear_parameters(d, c.fc_dim) : 0, true});
    rows.push_back({"t_branch",
                    format("PE %s of t, Linear %lld->%lld, %s, Linear %lld->%lld, %s", pe_text(c.pe_mod).c_str(),
                           (long long)pe_mod, (long long)c.mod_dim, act.c_str(), (long long)c.mod_dim,
                           (long long)c.mod_dim, act.c_str()),
                    shape_text({c.mod_dim}),
                    linear_parameters(pe_mod, c.mod_dim) + linear_parameters(c.mod_dim, c.mod_dim), true});
    int64_t h = c.fc_h, w = c.fc_w, channels = c.fc_dim;
    for (size_t i = 0; i < c.strides.size(); ++i) {
        const std::string index = std::to_string(i);
        rows.push_back({"t_layers." + index,
                        format("InstanceNorm, x*gamma+beta from Linear %lld->%lld, %s", (long long)c.mod_dim,
                               (long long)(2 * channels), act.c_str()),
                        shape_text({channels, h, w}), linear_parameters(c.mod_dim, 2 * channels), true});
        const EnervUpOptions stage = stage_options(c, i);
        h *= c.strides[i];
        w *= c.strides[i];
        channels = c.channels[i];
        rows.push_back({"layers." + index,
                        i == 0 ? EnervUpgradedBlockImpl::describe(stage) : EnervNervBlockImpl::describe(stage),
                        shape_text({channels, h, w}),
                        i == 0 ? EnervUpgradedBlockImpl::parameter_count(stage)
                               : EnervNervBlockImpl::parameter_count(stage),
                        true});
    }
    rows.push_back({"head", format("Conv1x1 %lld->3, sigmoid", (long long)channels), shape_text({3, h, w}),
                    channels * 3 + 3, true});
    return rows;
}

int64_t enerv_parameter_count(const EnervConfig &config)
{
    int64_t n = 0;
    for (const LayerInfo &row : enerv_layers(config))
        n += row.parameters;
    return n;
}

EnervImpl::EnervImpl(const EnervConfig &config) : config_(config)
{
    const std::string problem = enerv_config_problem(config_);
    if (!problem.empty())
        fail_invalid_argument("E-NeRV: " + problem);
    const EnervConfig &c = config_;

    stem_t_ = register_module("stem_t", mlp({2 * c.pe_t.levels, c.stem_dim, c.block_dim}, c.act));
    // The reference keeps this grid as a frozen nn.Parameter (288 values at 9x16, which its
    // 12,490,602 count includes); it is a function of the config, so here it is a buffer
    // and never transmitted. Token k = row * fc_w + col ('ij' meshgrid, flattened).
    torch::Tensor rows = (torch::arange(c.fc_h, torch::kFloat) / static_cast<double>(c.fc_h)).repeat_interleave(c.fc_w);
    torch::Tensor cols = (torch::arange(c.fc_w, torch::kFloat) / static_cast<double>(c.fc_w)).repeat({c.fc_h});
    xy_grid_ = register_buffer("xy_grid", torch::stack({rows, cols}, 0));
    stem_xy_ = register_module("stem_xy", mlp({4 * c.pe_xy.levels, c.block_dim}, c.act));
    trans1_ = register_module("trans1", EnervTransformerBlock(xy_transformer(c)));
    trans2_ = register_module("trans2", EnervTransformerBlock(fusion_transformer(c)));
    if (has_toconv(c)) {
        toconv_ = register_module("toconv", torch::nn::Linear(c.block_dim, c.fc_dim));
        toconv_act_ = make_activation(c.act);
    }
    t_branch_ = register_module("t_branch", mlp({2 * c.pe_mod.levels, c.mod_dim, c.mod_dim}, c.act));

    torch::nn::ModuleList t_layers, layers;
    for (size_t i = 0; i < c.strides.size(); ++i) {
        const EnervUpOptions stage = stage_options(c, i);
        t_layers_.push_back(mlp({c.mod_dim, 2 * stage.in_channels()}, c.act));
        t_layers->push_back(t_layers_.back());
        if (i == 0) {
            first_stage_ = EnervUpgradedBlock(stage);
            layers->push_back(first_stage_);
        } else {
            later_stages_.push_back(EnervNervBlock(stage));
            layers->push_back(later_stages_.back());
        }
    }
    register_module("t_layers", t_layers);
    register_module("layers", layers);
    head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.channels.back(), 3, 1)));
}

torch::Tensor EnervImpl::normalized_time(const torch::Tensor &index, int64_t frame_count)
{
    if (frame_count < 1)
        fail_invalid_argument(format("E-NeRV: frame_count %lld: expected at least 1", (long long)frame_count));
    // Divided in double and rounded once to float32, like the reference's Python floats.
    const double last = frame_count > 1 ? static_cast<double>(frame_count - 1) : 1.0;
    return (index.to(torch::kDouble) / last).to(torch::kFloat);
}

torch::Tensor EnervImpl::spatial_features(const torch::Tensor &t_emb)
{
    const EnervConfig &c = config_;
    torch::Tensor xy = torch::cat(
        {positional_encoding(xy_grid_[0], c.pe_xy), positional_encoding(xy_grid_[1], c.pe_xy)}, 1);  // [N, 4L]
    // The spatial context is the same for every frame: compute it once and broadcast
    // (the reference expands to the batch first; each sample gets the same values).
    torch::Tensor context = trans1_->forward(stem_xy_->forward(xy).unsqueeze(0));  // [1, N, d]
    torch::Tensor emb = trans2_->forward(context * t_emb.unsqueeze(1));             // [B, N, d]
    if (!toconv_)
        return emb.reshape({emb.size(0), c.fc_h, c.fc_w, c.fc_dim}).permute({0, 3, 1, 2}).contiguous();
    // toconv's activation runs after the move to [B, C, h, w] (same values, it is
    // element-wise): LibTorch 1.13's exact-GELU backward returns garbage when its incoming
    // gradient is non-contiguous, which the permute would make it.
    emb = toconv_->forward(emb);
    emb = emb.reshape({emb.size(0), c.fc_h, c.fc_w, c.fc_dim}).permute({0, 3, 1, 2}).contiguous();
    return toconv_act_.forward(emb);
}

torch::Tensor EnervImpl::render(const FrameBatch &batch)
{
    const EnervConfig &c = config_;
    if (!batch.index.defined() || batch.index.dim() != 1 || batch.index.size(0) < 1)
        fail_invalid_argument("E-NeRV: render needs batch.index of shape [B], B >= 1");
    const torch::Tensor t =
        normalized_time(batch.index, batch.frame_count).to(head_->weight.device(), head_->weight.scalar_type());
    const torch::Tensor t_emb = stem_t_->forward(positional_encoding(t, c.pe_t));          // [B, d]
    const torch::Tensor t_mod = t_branch_->forward(positional_encoding(t, c.pe_mod));      // [B, d0]
    torch::Tensor x = spatial_features(t_emb);
    namespace F = torch::nn::functional;
    for (size_t i = 0; i < c.strides.size(); ++i) {
        // Temporal instance normalisation: per-frame statistics, then a time-dependent
        // per-channel scale and shift ([gamma | beta], gamma first, as in the reference).
        x = F::instance_norm(x, F::InstanceNormFuncOptions().eps(1e-5));
        const std::vector<torch::Tensor> gamma_beta = t_layers_[i]->forward(t_mod).chunk(2, 1);
        x = x * gamma_beta[0].unsqueeze(-1).unsqueeze(-1) + gamma_beta[1].unsqueeze(-1).unsqueeze(-1);
        x = i == 0 ? first_stage_->forward(x) : later_stages_[i - 1]->forward(x);
    }
    return torch::sigmoid(head_->forward(x));
}

std::vector<std::string> EnervImpl::prunable_parameters() const
{
    // Every weight here is a Linear or Conv2d weight (no norm has parameters); the head
    // is kept whole, as in NeRV's pruning rule.
    const std::string head = head_prefix() + ".";
    const std::string suffix = ".weight";
    std::vector<std::string> names;
    for (const auto &p : named_parameters(true)) {
        const std::string &name = p.key();
        const bool is_weight =
            name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        if (is_weight && name.compare(0, head.size(), head) != 0)
            names.push_back(name);
    }
    return names;
}

std::string EnervImpl::summary() const
{
    const EnervConfig &c = config_;
    return format("E-NeRV %.2fM: canvas %lldx%lld, fc %lldx%lldx%lld, strides %s, channels %s, d %lld, heads %lld/%lld "
                  "x %lld, FFN %lld, stem %lld, d0 %lld, %s, PE %s/%s/%s",
                  enerv_parameter_count(c) / 1e6, (long long)c.canvas_width(), (long long)c.canvas_height(),
                  (long long)c.fc_h, (long long)c.fc_w, (long long)c.fc_dim, join(c.strides).c_str(),
                  join(c.channels).c_str(), (long long)c.block_dim, (long long)c.xy_heads, (long long)c.fusion_heads,
                  (long long)c.dim_head, (long long)c.mlp_dim, (long long)c.stem_dim, (long long)c.mod_dim,
                  c.act.c_str(), pe_text(c.pe_t).c_str(), pe_text(c.pe_xy).c_str(), pe_text(c.pe_mod).c_str());
}

namespace {

TrainRecipe enerv_recipe()
{
    // kyleleey/E-NeRV cfgs/E-NeRV-bunny.yaml + utils/misc.py adjust_lr (warm-up over 20% of
    // all iterations, not truncated to whole epochs).
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 5e-4;
    r.beta1 = 0.5;
    r.beta2 = 0.999;
    r.batch_size = 1;
    r.loss = LossKind::Fusion6;
    r.grad_clip = 0.0;
    r.schedule.warmup_fraction = 0.2;
    r.schedule.warmup_whole_epochs = false;
    r.schedule.start_multiplier = 0.1;
    r.schedule.power = 1.0;
    return r;
}

VideoModel create_enerv(const ArchRequest &request)
{
    return std::make_shared<EnervImpl>(resolve_enerv_config(request));
}

VideoModel load_enerv(const Metadata &meta, bool /*with_encoder: E-NeRV has no encoder*/)
{
    return std::make_shared<EnervImpl>(read_enerv_config(meta));
}

}  // namespace

ArchEntry enerv_arch_entry()
{
    return {"enerv", "E-NeRV (ECCV'22): time-indexed NeRV with disentangled spatial/temporal context", &enerv_recipe,
            &create_enerv, &load_enerv};
}

}  // namespace nerv

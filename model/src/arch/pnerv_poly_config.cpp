#include "arch/pnerv_poly_config.h"

#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/narrowing.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"

namespace nerv {

namespace {

// Limits shared by request validation and stream parsing: they bound what a hostile stream
// can make the decoder allocate (weights, attention maps, canvas).
constexpr int64_t kStages = 3;             // up-sampling F blocks: F11, F12, F21
constexpr size_t kWidths = 6;              // U = F11, F12, F21, F22, F31, F32
constexpr int64_t kMaxStride = 8;
constexpr int64_t kMaxPatchSplit = 16;     // M, N
constexpr int64_t kMaxFineSplit = 16;      // K, L: the non-local block attends (K L)^2 pairs
constexpr int64_t kMaxGridSide = 256;
constexpr int64_t kMaxPeLevels = 256;
constexpr double kMaxPeBase = 64.0;
constexpr int64_t kMaxParameters = int64_t(1) << 28;  // 1 GiB of float32 weights
constexpr int64_t kPaperFirstWidth = 324;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string pe_text(const PositionalEncodingOptions &pe) { return format("%g_%d", pe.base, pe.levels); }

std::string range_problem(const char *name, int64_t v, int64_t lo, int64_t hi)
{
    if (v < lo || v > hi)
        return format("%s = %lld is outside [%lld, %lld]", name, (long long)v, (long long)lo, (long long)hi);
    return "";
}

PositionalEncodingOptions pe_param(const KeyValues &params, const char *key, const PositionalEncodingOptions &fallback)
{
    if (!params.has(key))
        return fallback;
    const std::string spec = params.get_string(key, "");
    PositionalEncodingOptions pe = fallback;
    if (!parse_pe_spec(spec, &pe.base, &pe.levels) || pe.base > kMaxPeBase)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected BASE_LEVELS with base in (0, %g] and "
                                     "levels in [1, %lld], e.g. 1.25_40",
                                     key, spec.c_str(), kMaxPeBase, (long long)kMaxPeLevels));
    return pe;
}

/** Tile grid and strides: params, else the stride plan for one tile. */
void resolve_geometry(const ArchRequest &request, const KeyValues &params, PnervPolyConfig &c)
{
    const std::vector<int64_t> patches = params.get_ints("patches", {4, 4}, 1, kMaxPatchSplit, 2, 2);
    const std::vector<int64_t> fine = params.get_ints("fine", {4, 4}, 1, kMaxFineSplit, 2, 2);
    c.patch_rows = patches[0];
    c.patch_cols = patches[1];
    c.fine_rows = fine[0];
    c.fine_cols = fine[1];
    if (request.width < 1 || request.height < 1)
        fail_invalid_argument(format("PNeRV-poly: frame size %dx%d is invalid", request.width, request.height));
    const int64_t tile_h = ceil_div(request.height, c.patch_rows), tile_w = ceil_div(request.width, c.patch_cols);
    StridePlan plan;
    if (params.has("strides")) {
        plan = plan_for_strides(tile_h, tile_w, params.get_ints("strides", {}, 1, kMaxStride, kStages, kStages));
    } else {
        StridePlanOptions opts;
        opts.stages = kStages;
        opts.target_product = stem_grid_target_product(tile_h, tile_w);
        plan = plan_strides(tile_h, tile_w, opts);
        // Tiles too small for three strides of 2 would get a one-cell-wide grid, which cannot
        // overlap its neighbours: let stages keep their size instead (Table 11 has such stages).
        if (std::min(plan.grid_height, plan.grid_width) < 2) {
            opts.allowed = {5, 4, 3, 2, 1};
            plan = plan_strides(tile_h, tile_w, opts);
        }
    }
    c.strides = plan.strides;
    c.grid_h = plan.grid_height;
    c.grid_w = plan.grid_width;
    if (params.has("grid")) {
        const std::vector<int64_t> grid = params.get_ints("grid", {}, 1, kMaxGridSide, 2, 2);
        c.grid_h = grid[0];
        c.grid_w = grid[1];
        if (c.canvas_height() < request.height || c.canvas_width() < request.width)
            fail_invalid_argument(format("param 'grid' = %lld,%lld with strides %s and %lldx%lld patches renders "
                                         "%lldx%lld, smaller than the %dx%d frame",
                                         (long long)c.grid_h, (long long)c.grid_w, join_ints(c.strides).c_str(),
                                         (long long)c.patch_rows, (long long)c.patch_cols,
                                         (long long)c.canvas_width(), (long long)c.canvas_height(), request.width,
                                         request.height));
    }
    const int64_t max_overlap = std::min(c.grid_h, c.grid_w) / 2;
    c.overlap = params.get_int("overlap", std::min<int64_t>(1, max_overlap), 0, max_overlap);
}

/** The PPE (PE 40 levels, 80 wide), the HMF (rank 160) and U set a floor of about 0.4M whatever
 *  the channels are. A budget below it narrows them by one factor (steps of 0.85; rank even and
 *  at least 2, levels at least 1) until the smallest channels (c1 = 4) fit. */
void narrow_for_budget(PnervPolyConfig &c, double budget)
{
    c = narrow_until_fits(
        [&](double s) {
            PnervPolyConfig t = c;
            t.rank = 2 * narrowed(c.rank / 2, s, 1);
            t.ppe_dim = narrowed(c.ppe_dim, s, 2);
            t.nonlocal_dim = narrowed(c.nonlocal_dim, s, 2);
            t.u_hidden = narrowed(c.u_hidden, s, 2);
            t.pe_t.levels = static_cast<int>(narrowed(c.pe_t.levels, s, 1));
            t.pe_fine.levels = static_cast<int>(narrowed(c.pe_fine.levels, s, 1));
            t.channels = pnerv_poly_scaled_channels(4);  // solve_budget() then widens these again
            t.narrow = 1;
            return t;
        },
        [&](const PnervPolyConfig &t) {
            return pnerv_poly_config_problem(t).empty() &&
                   static_cast<double>(pnerv_poly_parameter_count(t)) <= budget;
        });
}

PnervPolyConfig solve_budget(PnervPolyConfig c, double budget)
{
    // Every width is non-decreasing in c1, hence so is every layer's count: the first c1 over
    // budget (or over a limit) ends the scan.
    int64_t best = -1;
    for (int64_t first = 4; first <= kMaxArchChannels; ++first) {
        c.channels = pnerv_poly_scaled_channels(first);
        c.narrow = std::max<int64_t>(1, first / 4);
        if (!pnerv_poly_config_problem(c).empty() || static_cast<double>(pnerv_poly_parameter_count(c)) > budget)
            break;
        best = first;
    }
    if (best < 0) {
        c.channels = pnerv_poly_scaled_channels(4);
        c.narrow = 1;
        const std::string problem = pnerv_poly_config_problem(c);
        if (!problem.empty())
            fail_invalid_argument("PNeRV-poly: " + problem);
        fail_invalid_argument(format("PNeRV-poly: a budget of %.0f parameters is below the smallest model (%lld "
                                     "parameters at c1 = 4 with these params)",
                                     budget, (long long)pnerv_poly_parameter_count(c)));
    }
    c.channels = pnerv_poly_scaled_channels(best);
    c.narrow = std::max<int64_t>(1, best / 4);
    return c;
}

std::string output_text(const std::vector<int64_t> &dims, const char *batch = "P")
{
    std::string s = std::string("[") + batch;
    for (int64_t d : dims)
        s += "," + std::to_string(d);
    return s + "]";
}

}  // namespace

int64_t PnervPolyConfig::stride_product() const
{
    int64_t p = 1;
    for (int64_t s : strides)
        p *= s;
    return p;
}

PnervPolyConfig default_pnerv_poly_config() { return PnervPolyConfig(); }

std::vector<int64_t> pnerv_poly_scaled_channels(int64_t first)
{
    const std::vector<int64_t> paper = PnervPolyConfig().channels;
    std::vector<int64_t> widths;
    for (int64_t w : paper) {
        // Python's round() (half to even) under the default rounding mode, like the references' widths.
        const double scaled = static_cast<double>(w) * static_cast<double>(first) / kPaperFirstWidth;
        widths.push_back(std::max<int64_t>(1, static_cast<int64_t>(std::nearbyint(scaled))));
    }
    widths[0] = first;
    return widths;
}

std::string pnerv_poly_config_problem(const PnervPolyConfig &c)
{
    std::string p;
    auto check = [&p](const std::string &problem) {
        if (p.empty())
            p = problem;
    };
    check(range_problem("patch rows", c.patch_rows, 1, kMaxPatchSplit));
    check(range_problem("patch columns", c.patch_cols, 1, kMaxPatchSplit));
    check(range_problem("fine rows", c.fine_rows, 1, kMaxFineSplit));
    check(range_problem("fine columns", c.fine_cols, 1, kMaxFineSplit));
    check(range_problem("grid height", c.grid_h, 1, kMaxGridSide));
    check(range_problem("grid width", c.grid_w, 1, kMaxGridSide));
    if (c.strides.size() != static_cast<size_t>(kStages))
        check(format("%zu strides given, the decoder has %lld up-sampling blocks", c.strides.size(),
                     (long long)kStages));
    for (int64_t s : c.strides)
        check(range_problem("stride", s, 1, kMaxStride));
    if (c.channels.size() != kWidths)
        check(format("%zu channel widths given, the decoder has %zu", c.channels.size(), kWidths));
    for (int64_t w : c.channels)
        check(range_problem("channel width", w, 1, kMaxArchChannels));
    check(range_problem("narrow", c.narrow, 1, kMaxArchChannels));
    check(range_problem("u_hidden", c.u_hidden, 1, kMaxArchChannels));
    check(range_problem("rank", c.rank, 2, kMaxArchChannels));
    if (c.rank % 2 != 0)
        check(format("rank = %lld is odd: z adds the TSE's cos/sin pairs, so it must be even", (long long)c.rank));
    check(range_problem("ppe_dim", c.ppe_dim, 1, kMaxArchChannels));
    check(range_problem("nonlocal_dim", c.nonlocal_dim, 1, kMaxArchChannels));
    for (const PositionalEncodingOptions *pe : {&c.pe_t, &c.pe_fine}) {
        check(range_problem("PE levels", pe->levels, 1, kMaxPeLevels));
        if (!(pe->base > 0 && pe->base <= kMaxPeBase))
            check(format("PE base %g is outside (0, %g]", pe->base, kMaxPeBase));
    }
    if (!(c.tse_base > 0 && c.tse_base <= kMaxPeBase))
        check(format("tse_base %g is outside (0, %g]", c.tse_base, kMaxPeBase));
    if (!is_activation_name(c.act))
        check("activation '" + c.act + "' is unknown");
    if (!p.empty())
        return p;
    // Sizes are bounded now: products below cannot overflow.
    if (c.overlap < 0 || 2 * c.overlap > std::min(c.grid_h, c.grid_w))
        return format("overlap = %lld is outside [0, %lld] (half the grid)", (long long)c.overlap,
                      (long long)(std::min(c.grid_h, c.grid_w) / 2));
    if ((c.grid_h + 2 * c.overlap) * (c.grid_w + 2 * c.overlap) < 2)
        return "U's map has a single cell, which instance normalisation cannot normalise";
    if (c.canvas_height() > kMaxArchCanvas || c.canvas_width() > kMaxArchCanvas)
        return format("canvas %lldx%lld exceeds %lld", (long long)c.canvas_width(), (long long)c.canvas_height(),
                      (long long)kMaxArchCanvas);
    // First the calling thread's limit (the format's, or a decoder's or encoder's memory budget,
    // which records the refusal so that its owner reports -ENOMEM; arch_limits.h), then this
    // architecture's own bound.
    const int64_t parameters = pnerv_poly_parameter_count(c);
    if (parameters > kMaxArchParameters)
        return format("%lld parameters exceed the limit %lld", (long long)parameters,
                      (long long)static_cast<int64_t>(kMaxArchParameters));
    if (parameters > kMaxParameters)
        return format("%lld parameters exceed the limit %lld", (long long)parameters, (long long)kMaxParameters);
    return "";
}

PnervPolyConfig resolve_pnerv_poly_config(const ArchRequest &request)
{
    const KeyValues empty;
    const KeyValues &params = request.params ? *request.params : empty;
    PnervPolyConfig c = default_pnerv_poly_config();
    resolve_geometry(request, params, c);

    const bool has_widths = params.has("channels") || params.has("narrow");
    c.channels = params.get_ints("channels", c.channels, 1, kMaxArchChannels, kWidths, kWidths);
    c.narrow = params.get_int("narrow", std::max<int64_t>(1, c.channels[0] / 4), 1, kMaxArchChannels);
    c.u_hidden = params.get_int("u_hidden", c.u_hidden, 1, kMaxArchChannels);
    c.rank = params.get_int("rank", c.rank, 2, kMaxArchChannels);
    if (c.rank % 2 != 0)
        fail_invalid_argument(format("param 'rank' = %lld is invalid: expected an even value in [2, %lld] (z adds "
                                     "the TSE's cos/sin pairs)",
                                     (long long)c.rank, (long long)kMaxArchChannels));
    c.ppe_dim = params.get_int("ppe_dim", c.ppe_dim, 1, kMaxArchChannels);
    c.nonlocal_dim = params.get_int("nonlocal_dim", c.nonlocal_dim, 1, kMaxArchChannels);
    c.pe_t = pe_param(params, "pe_t", c.pe_t);
    c.pe_fine = pe_param(params, "pe_fine", c.pe_fine);
    c.tse_base = params.get_double("tse_base", c.tse_base, 1e-6, kMaxPeBase);
    c.act = params.get_string("act", c.act);
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is unknown (valid: gelu, swish, silu, relu, leaky01, "
                                     "leaky, tanh, sigmoid, none)",
                                     c.act.c_str()));
    if (!request.size.empty()) {
        const double budget = parse_parameter_budget(request.size);
        if (budget < 0)
            fail_invalid_argument(format("PNeRV-poly: size '%s' is not a parameter budget (e.g. 12M, 3M, 800k)",
                                         request.size.c_str()));
        if (has_widths)
            fail_invalid_argument("PNeRV-poly: give either a size budget or params 'channels'/'narrow', not both");
        bool inner_given = false;
        for (const char *k : {"u_hidden", "rank", "ppe_dim", "nonlocal_dim", "pe_t", "pe_fine"})
            inner_given = inner_given || params.has(k);
        if (!inner_given)
            narrow_for_budget(c, budget);
        c = solve_budget(c, budget);
    }
    const std::string problem = pnerv_poly_config_problem(c);
    if (!problem.empty())
        fail_invalid_argument("PNeRV-poly: " + problem);
    return c;
}

void write_pnerv_poly_config(const PnervPolyConfig &c, Metadata &meta)
{
    meta.set_ints("pnerv-poly.patches", {c.patch_rows, c.patch_cols});
    meta.set_ints("pnerv-poly.fine", {c.fine_rows, c.fine_cols});
    meta.set_ints("pnerv-poly.grid", {c.grid_h, c.grid_w});
    meta.set_int("pnerv-poly.overlap", c.overlap);
    meta.set_ints("pnerv-poly.strides", c.strides);
    meta.set_ints("pnerv-poly.channels", c.channels);
    meta.set_int("pnerv-poly.narrow", c.narrow);
    meta.set_int("pnerv-poly.u_hidden", c.u_hidden);
    meta.set_int("pnerv-poly.rank", c.rank);
    meta.set_int("pnerv-poly.ppe_dim", c.ppe_dim);
    meta.set_int("pnerv-poly.nonlocal_dim", c.nonlocal_dim);
    meta.set_float("pnerv-poly.pe_t_base", c.pe_t.base);
    meta.set_int("pnerv-poly.pe_t_levels", c.pe_t.levels);
    meta.set_float("pnerv-poly.pe_fine_base", c.pe_fine.base);
    meta.set_int("pnerv-poly.pe_fine_levels", c.pe_fine.levels);
    meta.set_float("pnerv-poly.tse_base", c.tse_base);
    meta.set_string("pnerv-poly.act", c.act);
}

PnervPolyConfig read_pnerv_poly_config(const Metadata &meta)
{
    PnervPolyConfig c;
    const std::vector<int64_t> patches = meta.get_ints("pnerv-poly.patches", 2, 2, 1, kMaxPatchSplit);
    const std::vector<int64_t> fine = meta.get_ints("pnerv-poly.fine", 2, 2, 1, kMaxFineSplit);
    const std::vector<int64_t> grid = meta.get_ints("pnerv-poly.grid", 2, 2, 1, kMaxGridSide);
    c.patch_rows = patches[0];
    c.patch_cols = patches[1];
    c.fine_rows = fine[0];
    c.fine_cols = fine[1];
    c.grid_h = grid[0];
    c.grid_w = grid[1];
    c.overlap = meta.get_int("pnerv-poly.overlap", 0, kMaxGridSide / 2);
    c.strides = meta.get_ints("pnerv-poly.strides", kStages, kStages, 1, kMaxStride);
    c.channels = meta.get_ints("pnerv-poly.channels", kWidths, kWidths, 1, kMaxArchChannels);
    c.narrow = meta.get_int("pnerv-poly.narrow", 1, kMaxArchChannels);
    c.u_hidden = meta.get_int("pnerv-poly.u_hidden", 1, kMaxArchChannels);
    c.rank = meta.get_int("pnerv-poly.rank", 2, kMaxArchChannels);
    c.ppe_dim = meta.get_int("pnerv-poly.ppe_dim", 1, kMaxArchChannels);
    c.nonlocal_dim = meta.get_int("pnerv-poly.nonlocal_dim", 1, kMaxArchChannels);
    c.pe_t.base = meta.get_float("pnerv-poly.pe_t_base", 1e-6, kMaxPeBase);
    c.pe_t.levels = static_cast<int>(meta.get_int("pnerv-poly.pe_t_levels", 1, kMaxPeLevels));
    c.pe_fine.base = meta.get_float("pnerv-poly.pe_fine_base", 1e-6, kMaxPeBase);
    c.pe_fine.levels = static_cast<int>(meta.get_int("pnerv-poly.pe_fine_levels", 1, kMaxPeLevels));
    c.tse_base = meta.get_float("pnerv-poly.tse_base", 1e-6, kMaxPeBase);
    c.act = meta.get_string("pnerv-poly.act");
    const std::string problem = pnerv_poly_config_problem(c);
    if (!problem.empty())
        fail_invalid_data("PNeRV-poly config in stream: " + problem);
    return c;
}

PnervPpeOptions pnerv_poly_ppe_options(const PnervPolyConfig &c)
{
    return PnervPpeOptions(c.fine_rows, c.fine_cols, c.pe_fine, c.nonlocal_dim, c.ppe_dim);
}

HmfOptions pnerv_poly_hmf_options(const PnervPolyConfig &c)
{
    return HmfOptions(2 * static_cast<int64_t>(c.pe_t.levels), c.ppe_dim, c.rank);
}

PolyUpsamplerOptions pnerv_poly_upsampler_options(const PnervPolyConfig &c)
{
    return PolyUpsamplerOptions(c.rank, c.u_hidden, c.channels[0], c.grid_h + 2 * c.overlap,
                                c.grid_w + 2 * c.overlap);
}

ProdPolyOptions pnerv_poly_block_options(const PnervPolyConfig &c, int i)
{
    const std::vector<int64_t> &w = c.channels;
    switch (i) {
    case 0:  // input U(z); Psi read z
        return ProdPolyOptions(w[0], w[0], w[1], c.rank)
            .stride1(c.strides[0])
            .stride2(c.strides[1])
            .narrow(c.narrow)
            .psi_from_style(true)
            .act(c.act);
    case 1:
        return ProdPolyOptions(w[1], w[2], w[3], c.rank).stride1(c.strides[2]).act(c.act);
    case 2:
        return ProdPolyOptions(w[3], w[4], w[5], c.rank).act(c.act);
    }
    fail_invalid_argument(format("PNeRV-poly: block %d does not exist (0..2)", i));
}

std::vector<LayerInfo> pnerv_poly_layers(const PnervPolyConfig &c)
{
    std::vector<LayerInfo> rows;
    const PnervPpeOptions ppe = pnerv_poly_ppe_options(c);
    rows.push_back({"ppe",
                    format("PE %s of %lldx%lld fine centroids (row|col) -> [%lld,%lld,%lld], non-local %lld, "
                           "Linear %lld->%lld",
                           pe_text(c.pe_fine).c_str(), (long long)c.fine_rows, (long long)c.fine_cols,
                           (long long)ppe.map_channels(), (long long)c.fine_rows, (long long)c.fine_cols,
                           (long long)c.nonlocal_dim, (long long)(ppe.map_channels() * c.fine_rows * c.fine_cols),
                           (long long)c.ppe_dim),
                    output_text({c.ppe_dim}), ppe.parameter_count(), true});
    const HmfOptions hmf = pnerv_poly_hmf_options(c);
    rows.push_back({"hmf",
                    format("FPE %s of t=i/(N-1) (%lld) x PPE (%lld): order %lld, rank %lld", pe_text(c.pe_t).c_str(),
                           (long long)hmf.time_dim(), (long long)hmf.space_dim(), (long long)hmf.order(),
                           (long long)c.rank),
                    output_text({c.rank}), hmf.parameter_count(), true});
    rows.push_back({"tse",
                    format("angle modulation of the coarse centroid by t, %lld levels, b %g; z = HMF + TSE",
                           (long long)c.tse_levels(), c.tse_base),
                    output_text({c.rank}), 0, true});
    const PolyUpsamplerOptions u = pnerv_poly_upsampler_options(c);
    rows.push_back({"u", "3rd-order polynomial: " + u.description(),
                    output_text({c.channels[0], u.grid_h(), u.grid_w()}), u.parameter_count(), true});
    int64_t h = u.grid_h(), w = u.grid_w();
    for (int i = 0; i < 3; ++i) {
        const ProdPolyOptions block = pnerv_poly_block_options(c, i);
        const std::string prefix = "blocks." + std::to_string(i) + ".";
        const PolyFBlockOptions f[2] = {block.first(), block.second()};
        for (int m = 0; m < 2; ++m) {
            h *= f[m].stride();
            w *= f[m].stride();
            const std::string index = std::to_string(m);
            rows.push_back({prefix + "f." + index, f[m].description(),
                            output_text({f[m].out_channels(), h, w}), f[m].parameter_count(), true});
            rows.push_back({prefix + "psi." + index, block.psi_description(m) + ", Hadamard product with F",
                            output_text({f[m].out_channels(), h, w}), block.psi_parameter_count(m), true});
        }
    }
    rows.push_back({"head", format("Conv1x1 %lld->3, sigmoid", (long long)c.channels.back()), output_text({3, h, w}),
                    c.channels.back() * 3 + 3, true});
    rows.push_back({"blend",
                    format("%lldx%lld patches of %lldx%lld, raised-cosine cross-fade over %lld px",
                           (long long)c.patch_rows, (long long)c.patch_cols, (long long)c.tile_width(), (long long)c.tile_height(),
                           (long long)(2 * c.margin())),
                    output_text({3, c.canvas_height(), c.canvas_width()}, "B"), 0, true});
    return rows;
}

int64_t pnerv_poly_parameter_count(const PnervPolyConfig &c)
{
    int64_t n = 0;
    for (const LayerInfo &row : pnerv_poly_layers(c))
        n += row.parameters;
    return n;
}

}  // namespace nerv

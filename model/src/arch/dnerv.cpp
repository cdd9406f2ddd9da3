#include "arch/dnerv.h"

#include <algorithm>
#include <cmath>

#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/frame_difference.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"

namespace nerv {

namespace {

constexpr int64_t kMaxEmbedDim = 256;
constexpr int64_t kDefaultFcDim = 92;  // cfgs/DNeRV.yaml c2
constexpr int64_t kDefaultCcuStage = 2;

int64_t product(const std::vector<int64_t> &v, size_t first = 0)
{
    int64_t p = 1;
    for (size_t i = first; i < v.size(); ++i)
        p *= v[i];
    return p;
}

/** Python's float a // b (CPython's float floor division, fmod based), for a, b > 0. */
double python_floor_div(double a, double b)
{
    const double mod = std::fmod(a, b);
    const double div = (a - mod) / b;
    if (div == 0)
        return 0;
    double floor_div = std::floor(div);
    if (div - floor_div > 0.5)
        floor_div += 1.0;
    return floor_div;
}

StreamEncoderOptions content_encoder_options(const DnervConfig &c)
{
    return StreamEncoderOptions(3, c.strides, c.enc_dim, c.embed_dim).block(StreamBlockKind::Dnerv);
}

StreamEncoderOptions diff_encoder_options(const DnervConfig &c)
{
    return StreamEncoderOptions(6, c.diff_strides, c.enc_dim, c.diff_dim).block(StreamBlockKind::Dnerv);
}

PixelShuffleBlockOptions decoder_options(const DnervConfig &c, size_t stage)
{
    return PixelShuffleBlockOptions(c.stage_in_channels(stage), c.channels[stage], c.strides[stage])
        .kernel(c.kernels[stage])
        .activation(c.act);
}

/** The difference branch: from the width entering the CCU stage up to its output width. */
PixelShuffleBlockOptions diff_decoder_options(const DnervConfig &c)
{
    const size_t s = static_cast<size_t>(c.ccu_stage);
    return PixelShuffleBlockOptions(c.stage_in_channels(s), c.channels[s], c.strides[s])
        .kernel(c.diff_kernel)
        .activation(c.act);
}

int64_t conv_parameters(int64_t in, int64_t out, int64_t kernel) { return in * out * kernel * kernel + out; }

/** Transmitted parameters (decoder side, head included): the budget solver's measure. */
int64_t transmitted_parameters(const DnervConfig &c)
{
    const size_t s = static_cast<size_t>(c.ccu_stage);
    int64_t n = conv_parameters(c.embed_dim, c.fc_dim, 1);
    for (size_t i = 0; i < c.strides.size(); ++i)
        n += decoder_options(c, i).parameter_count();
    n += conv_parameters(c.diff_dim, c.stage_in_channels(s), 1) + diff_decoder_options(c).parameter_count();
    n += CollaborativeContentUnitOptions(c.channels[s]).kernel(c.ccu_kernel).parameter_count();
    return n + conv_parameters(c.channels.back(), 3, 3);
}

void check_strides(const std::vector<int64_t> &strides, const char *what, ArchFailFunction fail)
{
    if (strides.empty() || static_cast<int64_t>(strides.size()) > kMaxArchStages)
        fail(format("dnerv: %s: %zu strides (valid 1..%lld)", what, strides.size(), (long long)kMaxArchStages));
    for (int64_t s : strides) {
        if (s < 1 || s > kMaxArchStride)
            fail(format("dnerv: %s: stride %lld out of range (valid 1..%lld)", what, (long long)s,
                        (long long)kMaxArchStride));
    }
}

void check_range(const char *what, int64_t v, int64_t lo, int64_t hi, ArchFailFunction fail)
{
    if (v < lo || v > hi)
        fail(format("dnerv: %s %lld out of range (valid %lld..%lld)", what, (long long)v, (long long)lo,
                    (long long)hi));
}

void check_odd_kernel(const char *what, int64_t k, ArchFailFunction fail)
{
    // Odd kernels keep the size ("same" padding); even ones would shrink the map.
    if (k < 1 || k > kMaxArchKernel || k % 2 == 0)
        fail(format("dnerv: %s %lld invalid (odd, 1..%lld)", what, (long long)k, (long long)kMaxArchKernel));
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. The parameter
 *  bound counts the encoder only when it will be built (with_encoder). */
void validate(const DnervConfig &c, ArchFailFunction fail, bool with_encoder)
{
    if (!is_activation_name(c.act))
        fail(format("dnerv: unknown activation '%s'", c.act.c_str()));
    check_strides(c.strides, "strides", fail);
    check_strides(c.diff_strides, "diff_strides", fail);
    const int64_t stages = static_cast<int64_t>(c.strides.size());
    check_range("ccu_stage", c.ccu_stage, 0, stages - 1, fail);
    if (c.diff_stride() != product(c.strides, static_cast<size_t>(c.ccu_stage)))
        fail(format("dnerv: diff_strides %s must multiply to %lld, the product of the strides from ccu_stage %lld on",
                    join_ints(c.diff_strides).c_str(), (long long)product(c.strides, static_cast<size_t>(c.ccu_stage)),
                    (long long)c.ccu_stage));
    check_range("enc_dim", c.enc_dim, 1, kMaxArchChannels, fail);
    check_range("embed_dim", c.embed_dim, 1, kMaxEmbedDim, fail);
    check_range("diff_dim", c.diff_dim, 1, kMaxEmbedDim, fail);
    check_range("fc_dim", c.fc_dim, 1, kMaxArchChannels, fail);
    if (c.channels.size() != c.strides.size() || c.kernels.size() != c.strides.size())
        fail("dnerv: one width and one kernel per decoder stride needed");
    for (size_t i = 0; i < c.channels.size(); ++i) {
        check_range("decoder width", c.channels[i], 1, kMaxArchChannels, fail);
        check_odd_kernel("decoder kernel", c.kernels[i], fail);
    }
    check_odd_kernel("diff_kernel", c.diff_kernel, fail);
    check_odd_kernel("ccu_kernel", c.ccu_kernel, fail);
    const int64_t p = c.total_stride();
    if (c.embed_height < 1 || c.embed_width < 1 || c.embed_height > kMaxArchCanvas / p ||
        c.embed_width > kMaxArchCanvas / p)
        fail(format("dnerv: embedding grid %lldx%lld times %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.embed_height, (long long)c.embed_width, (long long)p, (long long)kMaxArchCanvas));
    const int64_t n = transmitted_parameters(c) + (with_encoder ? content_encoder_options(c).parameter_count() +
                                                                      diff_encoder_options(c).parameter_count()
                                                                : 0);
    if (n > kMaxArchParameters)
        fail(format("dnerv: %lld parameters exceed the limit of %lld", (long long)n, (long long)kMaxArchParameters));
}

void require_odd(const char *param, int64_t k)
{
    if (k % 2 == 0)
        fail_invalid_argument(format("param '%s' = %lld is invalid: kernels must be odd (1..%lld)", param,
                                     (long long)k, (long long)kMaxArchKernel));
}

/** fc_dim from `size`: "" = the reference's 92, else the largest that fits the budget. */
int64_t solve_fc_dim(const std::string &size, DnervConfig c, double reduce)
{
    if (size.empty())
        return kDefaultFcDim;
    const double budget = parse_parameter_budget(size);
    if (budget < 0)
        fail_invalid_argument(format("dnerv: size '%s' is invalid: expected a parameter budget such as \"3M\", "
                                     "\"800k\"",
                                     size.c_str()));
    // Every width is non-decreasing in fc_dim, so the count is too: the first fc_dim over
    // budget ends the scan. Too small an fc_dim reduces some stage to width 0: skipped.
    int64_t best = 0, smallest_count = -1;
    for (int64_t fc_dim = 1; fc_dim <= kMaxArchChannels; ++fc_dim) {
        c.fc_dim = fc_dim;
        c.channels = dnerv_stage_channels(fc_dim, c.strides.size(), reduce);
        if (*std::min_element(c.channels.begin(), c.channels.end()) < 1)
            continue;
        const int64_t count = transmitted_parameters(c);
        if (smallest_count < 0)
            smallest_count = count;
        if (static_cast<double>(count) > budget)
            break;
        best = fc_dim;
    }
    if (best < 1)
        fail_invalid_argument(format("dnerv: size '%s' is below the smallest model for these params (%lld "
                                     "parameters)",
                                     size.c_str(), (long long)smallest_count));
    return best;
}

}  // namespace

int64_t DnervConfig::total_stride() const { return product(strides); }
int64_t DnervConfig::diff_stride() const { return product(diff_strides); }

std::vector<int64_t> dnerv_stage_channels(int64_t fc_dim, size_t stages, double reduce)
{
    // The reference's round(ngf // 1.2): // of an int by a float is a floored float, so
    // round() only converts it (76.67 -> 76, not 77).
    std::vector<int64_t> out;
    double c = static_cast<double>(fc_dim);
    for (size_t i = 0; i < stages; ++i) {
        c = python_floor_div(c, reduce);
        out.push_back(static_cast<int64_t>(c));
    }
    return out;
}

DnervConfig resolve_dnerv_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("dnerv: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    DnervConfig c;
    c.act = params.get_string("act", "gelu");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    c.enc_dim = params.get_int("enc_dim", 64, 1, kMaxArchChannels);
    c.embed_dim = params.get_int("embed_dim", 16, 1, kMaxEmbedDim);
    c.diff_dim = params.get_int("diff_dim", 2, 1, kMaxEmbedDim);
    const double reduce = params.get_double("reduce", 1.2, 1.0, 16.0);

    c.strides = params.get_ints("strides", {}, 1, kMaxArchStride, 1, kMaxArchStages);
    if (c.strides.empty()) {
        StridePlanOptions opts;
        opts.target_product = embedding_target_product(request.height, request.width);
        c.strides = plan_strides(request.height, request.width, opts).strides;
    }
    const int64_t stages = static_cast<int64_t>(c.strides.size());
    c.ccu_stage = params.get_int("ccu_stage", std::min(kDefaultCcuStage, stages - 1), 0, stages - 1);
    const std::vector<int64_t> tail(c.strides.begin() + c.ccu_stage, c.strides.end());
    c.diff_strides = params.get_ints("diff_strides", tail, 1, kMaxArchStride, 1, kMaxArchStages);
    if (c.diff_stride() != product(tail))
        fail_invalid_argument(format("param 'diff_strides' = %s is invalid: the difference grid must be the grid "
                                     "entering decoder stage %lld, so the strides must multiply to %lld (strides %s)",
                                     join_ints(c.diff_strides).c_str(), (long long)c.ccu_stage,
                                     (long long)product(tail), join_ints(c.strides).c_str()));
    const StridePlan plan = plan_for_strides(request.height, request.width, c.strides);
    if (plan.canvas_height > kMaxArchCanvas || plan.canvas_width > kMaxArchCanvas)
        fail_invalid_argument(format("dnerv: the canvas %lldx%lld exceeds %lld pixels per side",
                                     (long long)plan.canvas_width, (long long)plan.canvas_height,
                                     (long long)kMaxArchCanvas));
    c.embed_height = plan.grid_height;
    c.embed_width = plan.grid_width;

    std::vector<int64_t> default_kernels;
    for (int64_t i = 0; i < stages; ++i)
        default_kernels.push_back(std::min<int64_t>(1 + 2 * i, 5));  // the reference's 1,3,5,5,5
    c.kernels = params.get_ints("kernels", default_kernels, 1, kMaxArchKernel, c.strides.size(), c.strides.size());
    for (int64_t k : c.kernels)
        require_odd("kernels", k);
    c.diff_kernel = params.get_int("diff_kernel", 3, 1, kMaxArchKernel);
    require_odd("diff_kernel", c.diff_kernel);
    c.ccu_kernel = params.get_int("ccu_kernel", 3, 1, kMaxArchKernel);
    require_odd("ccu_kernel", c.ccu_kernel);

    if (params.has("fc_dim")) {
        if (!request.size.empty())
            fail_invalid_argument("dnerv: give either a size budget or param 'fc_dim', not both");
        c.fc_dim = params.get_int("fc_dim", kDefaultFcDim, 1, kMaxArchChannels);
    } else {
        c.fc_dim = solve_fc_dim(request.size, c, reduce);
    }
    c.channels = dnerv_stage_channels(c.fc_dim, c.strides.size(), reduce);
    if (*std::min_element(c.channels.begin(), c.channels.end()) < 1)
        fail_invalid_argument(format("param 'fc_dim' = %lld is invalid: the decoder widths %s reach 0 (reduce %g)",
                                     (long long)c.fc_dim, join_ints(c.channels).c_str(), reduce));
    validate(c, fail_invalid_argument, /*with_encoder=*/true);
    return c;
}

std::vector<LayerInfo> dnerv_layer_table(const DnervConfig &c)
{
    std::vector<LayerInfo> rows;
    const auto encoder_rows = [&](const char *name, const std::string &input, const StreamEncoderOptions &o,
                                  int64_t out_h, int64_t out_w) {
        int64_t h = c.canvas_height(), w = c.canvas_width();
        const std::string prefix = std::string(name) + ".";
        for (int64_t i = 0; i < o.stage_count(); ++i) {
            h /= o.strides()[i];
            w /= o.strides()[i];
            rows.push_back({prefix + "stages." + std::to_string(i), (i == 0 ? input : "") + o.stage_description(i),
                            shape_text({o.width(), h, w}), o.stage_parameter_count(i), false});
        }
        rows.push_back({prefix + "embed", conv_label(1, o.width(), o.out_channels()),
                        shape_text({o.out_channels(), out_h, out_w}), o.embed_parameter_count(), false});
    };
    encoder_rows("content_encoder", "", content_encoder_options(c), c.embed_height, c.embed_width);
    encoder_rows("diff_encoder", "[x-prev, next-x] interleaved, ", diff_encoder_options(c), c.diff_height(),
                 c.diff_width());

    int64_t h = c.embed_height, w = c.embed_width;
    rows.push_back({"stem", conv_label(1, c.embed_dim, c.fc_dim), shape_text({c.fc_dim, h, w}),
                    conv_parameters(c.embed_dim, c.fc_dim, 1), true});
    const size_t s = static_cast<size_t>(c.ccu_stage);
    for (size_t i = 0; i < c.strides.size(); ++i) {
        const PixelShuffleBlockOptions o = decoder_options(c, i);
        h *= c.strides[i];
        w *= c.strides[i];
        rows.push_back({"decoder." + std::to_string(i), o.description(), shape_text({c.channels[i], h, w}),
                        o.parameter_count(), true});
        if (i != s)
            continue;
        const int64_t in = c.stage_in_channels(s);
        rows.push_back({"diff_stem", conv_label(1, c.diff_dim, in) + " on diff",
                        shape_text({in, c.diff_height(), c.diff_width()}), conv_parameters(c.diff_dim, in, 1), true});
        const PixelShuffleBlockOptions d = diff_decoder_options(c);
        rows.push_back({"diff_decoder", d.description(), shape_text({c.channels[s], h, w}), d.parameter_count(), true});
        const CollaborativeContentUnitOptions u = CollaborativeContentUnitOptions(c.channels[s]).kernel(c.ccu_kernel);
        rows.push_back({"ccu", u.description(), shape_text({c.channels[s], h, w}), u.parameter_count(), true});
    }
    rows.push_back({"head", conv_label(3, c.channels.back(), 3) + ", sigmoid", shape_text({3, h, w}),
                    conv_parameters(c.channels.back(), 3, 3), true});
    return rows;
}

DnervImpl::DnervImpl(const DnervConfig &config, bool with_encoder) : config_(config)
{
    validate(config_, fail_invalid_argument, with_encoder);
    const DnervConfig &c = config_;
    if (with_encoder) {
        content_encoder_ = register_module("content_encoder", StreamEncoder(content_encoder_options(c)));
        diff_encoder_ = register_module("diff_encoder", StreamEncoder(diff_encoder_options(c)));
    }
    stem_ = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.embed_dim, c.fc_dim, 1)));
    auto decoder = register_module("decoder", torch::nn::ModuleList());
    for (size_t i = 0; i < c.strides.size(); ++i) {
        decoder_.push_back(PixelShuffleBlock(decoder_options(c, i)));
        decoder->push_back(decoder_.back());
    }
    const size_t s = static_cast<size_t>(c.ccu_stage);
    diff_stem_ = register_module(
        "diff_stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.diff_dim, c.stage_in_channels(s), 1)));
    diff_decoder_ = register_module("diff_decoder", PixelShuffleBlock(diff_decoder_options(c)));
    ccu_ = register_module("ccu",
                           CollaborativeContentUnit(CollaborativeContentUnitOptions(c.channels[s]).kernel(c.ccu_kernel)));
    head_ = register_module("head",
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(c.channels.back(), 3, 3).padding(1)));
}

std::vector<FrameTensorSpec> DnervImpl::frame_tensors() const
{
    return {{"embed", {config_.embed_dim, config_.embed_height, config_.embed_width}, true},
            {"diff", {config_.diff_dim, config_.diff_height(), config_.diff_width()}, true}};
}

std::map<std::string, torch::Tensor> DnervImpl::embed(const FrameBatch &batch)
{
    if (!has_encoder())
        fail_invalid_argument("dnerv: this model was loaded without its encoders");
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) != config_.canvas_height() ||
        x.size(3) != config_.canvas_width())
        fail_invalid_argument(format("dnerv: embed needs frames [B,3,%lld,%lld] (the canvas-padded frames)",
                                     (long long)config_.canvas_height(), (long long)config_.canvas_width()));
    return {{"embed", content_encoder_->forward(x)},
            {"diff", diff_encoder_->forward(frame_difference_input(batch, "dnerv"))}};
}

torch::Tensor DnervImpl::render(const FrameBatch &batch)
{
    const DnervConfig &c = config_;
    const auto input = [&](const char *name, const std::vector<int64_t> &shape) {
        auto it = batch.inputs.find(name);
        if (it == batch.inputs.end())
            fail_invalid_argument(format("dnerv: render needs inputs[\"%s\"]", name));
        const torch::Tensor &t = it->second;
        if (t.dim() != 4 || t.size(1) != shape[0] || t.size(2) != shape[1] || t.size(3) != shape[2])
            fail_invalid_argument(format("dnerv: %s must be %s", name, shape_text(shape).c_str()));
        return t;
    };
    const torch::Tensor e = input("embed", {c.embed_dim, c.embed_height, c.embed_width});
    const torch::Tensor d = input("diff", {c.diff_dim, c.diff_height(), c.diff_width()});
    if (e.size(0) != d.size(0))
        fail_invalid_argument("dnerv: embed and diff must hold the same frames");
    torch::Tensor x = stem_->forward(e);
    for (size_t i = 0; i < decoder_.size(); ++i) {
        x = decoder_[i]->forward(x);
        if (static_cast<int64_t>(i) == c.ccu_stage)
            x = ccu_->forward(x, diff_decoder_->forward(diff_stem_->forward(d)));
    }
    return torch::sigmoid(head_->forward(x));
}

bool DnervImpl::is_transmitted(const std::string &parameter_name) const
{
    return parameter_name.rfind("content_encoder.", 0) != 0 && parameter_name.rfind("diff_encoder.", 0) != 0;
}

std::vector<std::string> DnervImpl::prunable_parameters() const
{
    // Every transmitted conv weight but the head's (NeRV's rule); no norm exists here.
    std::vector<std::string> names;
    const std::string suffix = ".weight", head = head_prefix() + ".";
    for (const auto &p : named_parameters(true)) {
        const std::string &name = p.key();
        if (is_transmitted(name) && name.rfind(head, 0) != 0 && name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            names.push_back(name);
    }
    return names;
}

std::vector<LayerInfo> DnervImpl::layers() const
{
    std::vector<LayerInfo> rows = dnerv_layer_table(config_);
    if (!has_encoder())
        rows.erase(std::remove_if(rows.begin(), rows.end(), [](const LayerInfo &r) { return !r.transmitted; }),
                   rows.end());
    return rows;
}

std::string DnervImpl::summary() const
{
    const DnervConfig &c = config_;
    std::vector<int64_t> widths = {c.fc_dim};
    widths.insert(widths.end(), c.channels.begin(), c.channels.end());
    return format("fc_dim=%lld channels=%s strides=%s kernels=%s diff_strides=%s ccu_stage=%lld embed=%s diff=%s "
                  "act=%s canvas=%lldx%lld",
                  (long long)c.fc_dim, join_ints(widths).c_str(), join_ints(c.strides).c_str(),
                  join_ints(c.kernels).c_str(), join_ints(c.diff_strides).c_str(), (long long)c.ccu_stage,
                  join_ints({c.embed_dim, c.embed_height, c.embed_width}, "x").c_str(),
                  join_ints({c.diff_dim, c.diff_height(), c.diff_width()}, "x").c_str(), c.act.c_str(),
                  (long long)c.canvas_width(), (long long)c.canvas_height());
}

void DnervImpl::write_config(Metadata &meta) const
{
    const DnervConfig &c = config_;
    meta.set_ints("dnerv.strides", c.strides);
    meta.set_ints("dnerv.diff_strides", c.diff_strides);
    meta.set_int("dnerv.ccu_stage", c.ccu_stage);
    meta.set_int("dnerv.enc_dim", c.enc_dim);
    meta.set_int("dnerv.embed_dim", c.embed_dim);
    meta.set_int("dnerv.diff_dim", c.diff_dim);
    meta.set_int("dnerv.embed_height", c.embed_height);
    meta.set_int("dnerv.embed_width", c.embed_width);
    meta.set_int("dnerv.fc_dim", c.fc_dim);
    meta.set_ints("dnerv.channels", c.channels);
    meta.set_ints("dnerv.kernels", c.kernels);
    meta.set_int("dnerv.diff_kernel", c.diff_kernel);
    meta.set_int("dnerv.ccu_kernel", c.ccu_kernel);
    meta.set_string("dnerv.act", c.act);
    meta.set_int("dnerv.canvas_height", c.canvas_height());
    meta.set_int("dnerv.canvas_width", c.canvas_width());
}

DnervConfig DnervImpl::read_config(const Metadata &meta)
{
    DnervConfig c;
    c.strides = meta.get_ints("dnerv.strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.diff_strides = meta.get_ints("dnerv.diff_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.ccu_stage = meta.get_int("dnerv.ccu_stage", 0, static_cast<int64_t>(c.strides.size()) - 1);
    c.enc_dim = meta.get_int("dnerv.enc_dim", 1, kMaxArchChannels);
    c.embed_dim = meta.get_int("dnerv.embed_dim", 1, kMaxEmbedDim);
    c.diff_dim = meta.get_int("dnerv.diff_dim", 1, kMaxEmbedDim);
    c.embed_height = meta.get_int("dnerv.embed_height", 1, kMaxArchCanvas);
    c.embed_width = meta.get_int("dnerv.embed_width", 1, kMaxArchCanvas);
    c.fc_dim = meta.get_int("dnerv.fc_dim", 1, kMaxArchChannels);
    const size_t stages = c.strides.size();
    c.channels = meta.get_ints("dnerv.channels", stages, stages, 1, kMaxArchChannels);
    c.kernels = meta.get_ints("dnerv.kernels", stages, stages, 1, kMaxArchKernel);
    c.diff_kernel = meta.get_int("dnerv.diff_kernel", 1, kMaxArchKernel);
    c.ccu_kernel = meta.get_int("dnerv.ccu_kernel", 1, kMaxArchKernel);
    c.act = meta.get_string("dnerv.act");
    validate(c, fail_invalid_data, /*with_encoder=*/false);  // the stream holds no encoder
    if (meta.get_int("dnerv.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("dnerv.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("dnerv: the stored canvas does not match the embedding grid times the strides");
    return c;
}

TrainRecipe dnerv_recipe()
{
    // cfgs/DNeRV.yaml + engine.py: Adam lr 5e-4 (0.5, 0.999), warm-up over 20 % of all
    // iterations from 0.1x then cosine (utils/misc.py adjust_lr), L2, batch 1, 300 epochs,
    // clip_grad_norm_ 0.1 on every step. (The reference's seed is 5: an encoder setting.)
    TrainRecipe r;
    r.epochs = 300;
    r.lr = 5e-4;
    r.beta1 = 0.5;
    r.beta2 = 0.999;
    r.batch_size = 1;
    r.loss = LossKind::L2;
    r.grad_clip = 0.1;
    r.schedule.warmup_fraction = 0.2;
    r.schedule.warmup_whole_epochs = false;
    r.schedule.start_multiplier = 0.1;
    r.schedule.power = 1.0;
    return r;
}

namespace {

VideoModel create_dnerv(const ArchRequest &request)
{
    return std::make_shared<DnervImpl>(resolve_dnerv_config(request), true);
}

VideoModel load_dnerv(const Metadata &meta, bool with_encoder)
{
    return std::make_shared<DnervImpl>(DnervImpl::read_config(meta), with_encoder);
}

}  // namespace

ArchEntry dnerv_arch_entry()
{
    return {"dnerv", "DNeRV (CVPR'23): content + temporal-difference embeddings, CCU-gated decoder", dnerv_recipe,
            create_dnerv, load_dnerv};
}

}  // namespace nerv

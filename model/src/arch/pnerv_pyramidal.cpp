#include "arch/pnerv_pyramidal.h"

#include <algorithm>
#include <functional>

#include "arch/dnerv.h"
#include "arch/layers/activation.h"
#include "arch/layers/arch_limits.h"
#include "arch/layers/frame_difference.h"
#include "arch/layers/layer_text.h"
#include "arch/layers/stride_plan.h"
#include "core/error.h"

namespace nerv {

namespace {

constexpr int64_t kMaxEmbedDim = 256;
constexpr int64_t kDefaultDecDim = 105;  // cfgs/PNeRV.yaml kfc_h_w_c[2]
constexpr size_t kDefaultDiffStages = 3; // cfgs/PNeRV.yaml diff_enc_list [4,3,2]

/** Product of v[0 .. count) (of all of v by default). */
int64_t product(const std::vector<int64_t> &v, size_t count)
{
    int64_t p = 1;
    for (size_t i = 0; i < count && i < v.size(); ++i)
        p *= v[i];
    return p;
}

int64_t product(const std::vector<int64_t> &v) { return product(v, v.size()); }

int64_t conv_parameters(int64_t in, int64_t out, int64_t kernel) { return in * out * kernel * kernel + out; }

StreamEncoderOptions content_encoder_options(const PnervPyramidalConfig &c)
{
    return StreamEncoderOptions(3, c.enc_strides, c.enc_dim, c.embed_dim).block(StreamBlockKind::Standard);
}

StreamEncoderOptions diff_encoder_options(const PnervPyramidalConfig &c)
{
    return StreamEncoderOptions(6, c.diff_strides, c.enc_dim, c.diff_dim).block(StreamBlockKind::Standard);
}

PixelShuffleBlockOptions stem_options(const PnervPyramidalConfig &c)
{
    return PixelShuffleBlockOptions(c.embed_dim, c.embed_dim, c.stem_stride).kernel(1).activation(c.act);
}

PixelShuffleBlockOptions decoder_options(const PnervPyramidalConfig &c, size_t stage)
{
    return PixelShuffleBlockOptions(stage == 0 ? c.embed_dim : c.dec_dim, c.dec_dim, c.dec_strides[stage])
        .kernel(c.kernel)
        .activation(c.act);
}

KroneckerFcOptions kfc_options(const PnervPyramidalConfig &c, size_t stage)
{
    return KroneckerFcOptions(c.diff_dim, c.diff_height(), c.diff_width(), c.stage_height(stage),
                              c.stage_width(stage));
}

BenignSelectiveMemoryOptions memory_options(const PnervPyramidalConfig &c)
{
    return BenignSelectiveMemoryOptions(c.dec_dim, c.diff_dim).kernel(c.bsm_kernel);
}

/** KFc + BatchNorm affine parameters of stage i (0 for an identity pyramid). */
int64_t pyramid_parameters(const PnervPyramidalConfig &c, size_t stage)
{
    return c.pyramid_is_identity(stage) ? 0 : kfc_options(c, stage).parameter_count() + 2 * c.diff_dim;
}

/** Transmitted parameters (decoder side, head included): the budget solver's measure. */
int64_t transmitted_parameters(const PnervPyramidalConfig &c)
{
    int64_t n = stem_options(c).parameter_count();
    for (size_t i = 0; i < c.dec_strides.size(); ++i)
        n += decoder_options(c, i).parameter_count();
    for (size_t i = 0; i < c.memory_stages(); ++i)
        n += pyramid_parameters(c, i) + memory_options(c).parameter_count();
    return n + conv_parameters(c.dec_dim, 3, 3);
}

void check_strides(const std::vector<int64_t> &strides, const char *what, size_t min_count, ArchFailFunction fail)
{
    if (strides.size() < min_count || static_cast<int64_t>(strides.size()) > kMaxArchStages)
        fail(format("pnerv-pyr: %s: %zu strides (valid %zu..%lld)", what, strides.size(), min_count,
                    (long long)kMaxArchStages));
    for (int64_t s : strides) {
        if (s < 1 || s > kMaxArchStride)
            fail(format("pnerv-pyr: %s: stride %lld out of range (valid 1..%lld)", what, (long long)s,
                        (long long)kMaxArchStride));
    }
}

void check_range(const char *what, int64_t v, int64_t lo, int64_t hi, ArchFailFunction fail)
{
    if (v < lo || v > hi)
        fail(format("pnerv-pyr: %s %lld out of range (valid %lld..%lld)", what, (long long)v, (long long)lo,
                    (long long)hi));
}

void check_odd_kernel(const char *what, int64_t k, ArchFailFunction fail)
{
    // Odd kernels keep the size ("same" padding); even ones would shrink the map.
    if (k < 1 || k > kMaxArchKernel || k % 2 == 0)
        fail(format("pnerv-pyr: %s %lld invalid (odd, 1..%lld)", what, (long long)k, (long long)kMaxArchKernel));
}

/** Checks shared by create() and load(); `fail` says whose fault a violation is. The parameter
 *  bound counts the encoder only when it will be built (with_encoder). */
void validate(const PnervPyramidalConfig &c, ArchFailFunction fail, bool with_encoder)
{
    if (!is_activation_name(c.act))
        fail(format("pnerv-pyr: unknown activation '%s'", c.act.c_str()));
    check_strides(c.enc_strides, "enc_strides", 1, fail);
    check_strides(c.diff_strides, "diff_strides", 1, fail);
    // At least one BSM, or the difference stream would feed nothing.
    check_strides(c.dec_strides, "dec_strides", 2, fail);
    check_range("stem_stride", c.stem_stride, 1, kMaxArchStride, fail);
    if (c.enc_stride() % c.diff_stride() != 0)
        fail(format("pnerv-pyr: diff_strides %s must multiply to a divisor of %lld (enc_strides %s)",
                    join_ints(c.diff_strides).c_str(), (long long)c.enc_stride(), join_ints(c.enc_strides).c_str()));
    if (c.stem_stride * product(c.dec_strides) != c.enc_stride())
        fail(format("pnerv-pyr: stem_stride %lld times dec_strides %s must equal %lld, the product of enc_strides %s",
                    (long long)c.stem_stride, join_ints(c.dec_strides).c_str(), (long long)c.enc_stride(),
                    join_ints(c.enc_strides).c_str()));
    check_range("enc_dim", c.enc_dim, 1, kMaxArchChannels, fail);
    check_range("embed_dim", c.embed_dim, 1, kMaxEmbedDim, fail);
    check_range("diff_dim", c.diff_dim, 1, kMaxEmbedDim, fail);
    check_range("dec_dim", c.dec_dim, 1, kMaxArchChannels, fail);
    check_odd_kernel("kernel", c.kernel, fail);
    check_odd_kernel("bsm_kernel", c.bsm_kernel, fail);
    const int64_t p = c.enc_stride();
    if (c.embed_height < 1 || c.embed_width < 1 || c.embed_height > kMaxArchCanvas / p ||
        c.embed_width > kMaxArchCanvas / p)
        fail(format("pnerv-pyr: embedding grid %lldx%lld times %lld exceeds the %lld-pixel canvas limit",
                    (long long)c.embed_height, (long long)c.embed_width, (long long)p, (long long)kMaxArchCanvas));
    const int64_t n = transmitted_parameters(c) + (with_encoder ? content_encoder_options(c).parameter_count() +
                                                                      diff_encoder_options(c).parameter_count()
                                                                : 0);
    if (n > kMaxArchParameters)
        fail(format("pnerv-pyr: %lld parameters exceed the limit of %lld", (long long)n,
                    (long long)kMaxArchParameters));
}

void require_odd(const char *param, int64_t k)
{
    if (k % 2 == 0)
        fail_invalid_argument(format("param '%s' = %lld is invalid: kernels must be odd (1..%lld)", param,
                                     (long long)k, (long long)kMaxArchKernel));
}

/** dec_dim from `size`: "" = the reference's 105, else the largest that fits the budget. */
int64_t solve_dec_dim(const std::string &size, PnervPyramidalConfig c)
{
    if (size.empty())
        return kDefaultDecDim;
    const double budget = parse_parameter_budget(size);
    if (budget < 0)
        fail_invalid_argument(format("pnerv-pyr: size '%s' is invalid: expected a parameter budget such as \"3M\", "
                                     "\"800k\"",
                                     size.c_str()));
    // The count grows with dec_dim: the first one over budget ends the scan.
    int64_t best = 0;
    for (int64_t dec_dim = 1; dec_dim <= kMaxArchChannels; ++dec_dim) {
        c.dec_dim = dec_dim;
        if (static_cast<double>(transmitted_parameters(c)) > budget)
            break;
        best = dec_dim;
    }
    if (best < 1) {
        c.dec_dim = 1;
        fail_invalid_argument(format("pnerv-pyr: size '%s' is below the smallest model for this frame size and these "
                                     "params (%lld parameters at dec_dim 1)",
                                     size.c_str(), (long long)transmitted_parameters(c)));
    }
    return best;
}

void append_prime_factors(int64_t n, std::vector<int64_t> &out)
{
    std::vector<int64_t> factors;
    for (int64_t f = 2; f * f <= n; ++f) {
        while (n % f == 0) {
            factors.push_back(f);
            n /= f;
        }
    }
    if (n > 1)
        factors.push_back(n);
    std::sort(factors.begin(), factors.end(), std::greater<int64_t>());
    out.insert(out.end(), factors.begin(), factors.end());
}

}  // namespace

int64_t PnervPyramidalConfig::enc_stride() const { return product(enc_strides); }
int64_t PnervPyramidalConfig::diff_stride() const { return product(diff_strides); }

int64_t PnervPyramidalConfig::stage_height(size_t stage) const
{
    return embed_height * stem_stride * product(dec_strides, stage + 1);
}

int64_t PnervPyramidalConfig::stage_width(size_t stage) const
{
    return embed_width * stem_stride * product(dec_strides, stage + 1);
}

bool PnervPyramidalConfig::pyramid_is_identity(size_t stage) const
{
    return stage_height(stage) == diff_height() && stage_width(stage) == diff_width();
}

std::vector<int64_t> pnerv_default_dec_strides(int64_t enc_stride, int64_t diff_stride)
{
    if (enc_stride < 1 || diff_stride < 1 || enc_stride % diff_stride != 0)
        return {};
    const int64_t q = enc_stride / diff_stride;
    std::vector<int64_t> q_factors;
    append_prime_factors(q, q_factors);
    std::vector<int64_t> strides = {q_factors.empty() ? 1 : q_factors.back()};  // smallest prime of Q
    append_prime_factors(diff_stride, strides);
    return strides;
}

PnervPyramidalConfig resolve_pnerv_pyramidal_config(const ArchRequest &request)
{
    static const KeyValues no_params;
    const KeyValues &params = request.params ? *request.params : no_params;
    if (request.width < 1 || request.height < 1 || request.width > kMaxArchCanvas || request.height > kMaxArchCanvas)
        fail_invalid_argument(format("pnerv-pyr: frame size %dx%d is invalid (valid 1..%lld)", request.width,
                                     request.height, (long long)kMaxArchCanvas));
    PnervPyramidalConfig c;
    c.act = params.get_string("act", "gelu");
    if (!is_activation_name(c.act))
        fail_invalid_argument(format("param 'act' = '%s' is invalid: expected gelu, swish, silu, relu, leaky01, leaky, "
                                     "tanh, sigmoid or none",
                                     c.act.c_str()));
    c.enc_dim = params.get_int("enc_dim", 64, 1, kMaxArchChannels);
    c.embed_dim = params.get_int("embed_dim", 16, 1, kMaxEmbedDim);
    c.diff_dim = params.get_int("diff_dim", 2, 1, kMaxEmbedDim);
    c.kernel = params.get_int("kernel", 3, 1, kMaxArchKernel);
    require_odd("kernel", c.kernel);
    c.bsm_kernel = params.get_int("bsm_kernel", 3, 1, kMaxArchKernel);
    require_odd("bsm_kernel", c.bsm_kernel);

    c.enc_strides = params.get_ints("enc_strides", {}, 1, kMaxArchStride, 1, kMaxArchStages);
    if (c.enc_strides.empty()) {
        StridePlanOptions opts;
        opts.target_product = embedding_target_product(request.height, request.width);
        c.enc_strides = plan_strides(request.height, request.width, opts).strides;
    }
    const size_t skipped = c.enc_strides.size() > kDefaultDiffStages ? c.enc_strides.size() - kDefaultDiffStages : 0;
    const std::vector<int64_t> tail(c.enc_strides.begin() + static_cast<std::ptrdiff_t>(skipped), c.enc_strides.end());
    c.diff_strides = params.get_ints("diff_strides", tail, 1, kMaxArchStride, 1, kMaxArchStages);
    if (c.enc_stride() % c.diff_stride() != 0)
        fail_invalid_argument(format("param 'diff_strides' = %s is invalid: their product must divide %lld, the "
                                     "product of enc_strides %s",
                                     join_ints(c.diff_strides).c_str(), (long long)c.enc_stride(),
                                     join_ints(c.enc_strides).c_str()));
    if (params.has("dec_strides")) {
        c.dec_strides = params.get_ints("dec_strides", {}, 1, kMaxArchStride, 2, kMaxArchStages);
        if (c.enc_stride() % product(c.dec_strides) != 0 || c.enc_stride() / product(c.dec_strides) > kMaxArchStride)
            fail_invalid_argument(format("param 'dec_strides' = %s is invalid: their product must divide %lld (the "
                                         "product of enc_strides %s) leaving a stem stride of at most %lld",
                                         join_ints(c.dec_strides).c_str(), (long long)c.enc_stride(),
                                         join_ints(c.enc_strides).c_str(), (long long)kMaxArchStride));
    } else {
        c.dec_strides = pnerv_default_dec_strides(c.enc_stride(), c.diff_stride());
        if (c.dec_strides.size() < 2 || static_cast<int64_t>(c.dec_strides.size()) > kMaxArchStages ||
            c.enc_stride() / product(c.dec_strides) > kMaxArchStride)
            fail_invalid_argument(format("pnerv-pyr: enc_strides %s and diff_strides %s give no default decoder (2..%lld "
                                         "stages, stem stride <= %lld): pass param 'dec_strides'",
                                         join_ints(c.enc_strides).c_str(), join_ints(c.diff_strides).c_str(),
                                         (long long)kMaxArchStages, (long long)kMaxArchStride));
    }
    c.stem_stride = c.enc_stride() / product(c.dec_strides);

    const StridePlan plan = plan_for_strides(request.height, request.width, c.enc_strides);
    if (plan.canvas_height > kMaxArchCanvas || plan.canvas_width > kMaxArchCanvas)
        fail_invalid_argument(format("pnerv-pyr: the canvas %lldx%lld exceeds %lld pixels per side",
                                     (long long)plan.canvas_width, (long long)plan.canvas_height,
                                     (long long)kMaxArchCanvas));
    c.embed_height = plan.grid_height;
    c.embed_width = plan.grid_width;

    if (params.has("dec_dim")) {
        if (!request.size.empty())
            fail_invalid_argument("pnerv-pyr: give either a size budget or param 'dec_dim', not both");
        c.dec_dim = params.get_int("dec_dim", kDefaultDecDim, 1, kMaxArchChannels);
    } else {
        c.dec_dim = solve_dec_dim(request.size, c);
    }
    validate(c, fail_invalid_argument, /*with_encoder=*/true);
    return c;
}

std::vector<LayerInfo> pnerv_pyramidal_layer_table(const PnervPyramidalConfig &c)
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

    const PixelShuffleBlockOptions stem = stem_options(c);
    rows.push_back({"stem", stem.description(),
                    shape_text({c.embed_dim, c.embed_height * c.stem_stride, c.embed_width * c.stem_stride}),
                    stem.parameter_count(), true});
    for (size_t i = 0; i < c.dec_strides.size(); ++i) {
        const std::string index = std::to_string(i);
        const PixelShuffleBlockOptions o = decoder_options(c, i);
        const int64_t h = c.stage_height(i), w = c.stage_width(i);
        rows.push_back({"decoder." + index, o.description(), shape_text({c.dec_dim, h, w}), o.parameter_count(),
                        true});
        if (i >= c.memory_stages())
            continue;
        std::string source = "pyramid = diff";
        if (!c.pyramid_is_identity(i)) {
            rows.push_back({"pyramid." + index,
                            kfc_options(c, i).description() + ", BN (per-sample), " + activation_label(c.act),
                            shape_text({c.diff_dim, h, w}), pyramid_parameters(c, i), true});
            source = "pyramid." + index;
        }
        const BenignSelectiveMemoryOptions m = memory_options(c);
        rows.push_back({"bsm." + index, m.description() + " (" + source + ")", shape_text({c.dec_dim, h, w}),
                        m.parameter_count(), true});
    }
    const size_t last = c.dec_strides.size() - 1;
    rows.push_back({"head", conv_label(3, c.dec_dim, 3) + ", sigmoid",
                    shape_text({3, c.stage_height(last), c.stage_width(last)}), conv_parameters(c.dec_dim, 3, 3),
                    true});
    return rows;
}

PnervPyramidalImpl::PnervPyramidalImpl(const PnervPyramidalConfig &config, bool with_encoder) : config_(config)
{
    validate(config_, fail_invalid_argument, with_encoder);
    const PnervPyramidalConfig &c = config_;
    if (with_encoder) {
        content_encoder_ = register_module("content_encoder", StreamEncoder(content_encoder_options(c)));
        diff_encoder_ = register_module("diff_encoder", StreamEncoder(diff_encoder_options(c)));
    }
    stem_ = register_module("stem", PixelShuffleBlock(stem_options(c)));
    auto decoder = register_module("decoder", torch::nn::ModuleList());
    for (size_t i = 0; i < c.dec_strides.size(); ++i) {
        decoder_.push_back(PixelShuffleBlock(decoder_options(c, i)));
        decoder->push_back(decoder_.back());
    }
    // pyramid.{i} holds nothing where the diff embedding is used as it is (the reference's
    // nn.Identity), so indices keep matching the stages.
    auto pyramid = register_module("pyramid", torch::nn::ModuleList());
    auto memory = register_module("bsm", torch::nn::ModuleList());
    for (size_t i = 0; i < c.memory_stages(); ++i) {
        auto holder = std::make_shared<torch::nn::Module>();
        kfcs_.push_back(nullptr);
        norms_.push_back(nullptr);
        pyramid_acts_.emplace_back();
        if (!c.pyramid_is_identity(i)) {
            kfcs_.back() = holder->register_module("kfc", KroneckerFc(kfc_options(c, i)));
            norms_.back() = holder->register_module("norm", PerSampleBatchNorm(c.diff_dim));
            pyramid_acts_.back() = make_activation(c.act);
            holder->register_module("act", pyramid_acts_.back().ptr());
        }
        pyramid->push_back(holder);
        memories_.push_back(BenignSelectiveMemory(memory_options(c)));
        memory->push_back(memories_.back());
    }
    head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.dec_dim, 3, 3).padding(1)));
}

std::vector<FrameTensorSpec> PnervPyramidalImpl::frame_tensors() const
{
    return {{"embed", {config_.embed_dim, config_.embed_height, config_.embed_width}, true},
            {"diff", {config_.diff_dim, config_.diff_height(), config_.diff_width()}, true}};
}

std::map<std::string, torch::Tensor> PnervPyramidalImpl::embed(const FrameBatch &batch)
{
    if (!has_encoder())
        fail_invalid_argument("pnerv-pyr: this model was loaded without its encoders");
    const torch::Tensor &x = batch.frames;
    if (!x.defined() || x.dim() != 4 || x.size(1) != 3 || x.size(2) != config_.canvas_height() ||
        x.size(3) != config_.canvas_width())
        fail_invalid_argument(format("pnerv-pyr: embed needs frames [B,3,%lld,%lld] (the canvas-padded frames)",
                                     (long long)config_.canvas_height(), (long long)config_.canvas_width()));
    return {{"embed", content_encoder_->forward(x)},
            {"diff", diff_encoder_->forward(frame_difference_input(batch, "pnerv-pyr"))}};
}

torch::Tensor PnervPyramidalImpl::pyramid(size_t stage, const torch::Tensor &diff)
{
    if (kfcs_[stage].is_empty())
        return diff;
    return pyramid_acts_[stage].forward(norms_[stage]->forward(kfcs_[stage]->forward(diff)));
}

torch::Tensor PnervPyramidalImpl::render(const FrameBatch &batch)
{
    const PnervPyramidalConfig &c = config_;
    const auto input = [&](const char *name, const std::vector<int64_t> &shape) {
        auto it = batch.inputs.find(name);
        if (it == batch.inputs.end())
            fail_invalid_argument(format("pnerv-pyr: render needs inputs[\"%s\"]", name));
        const torch::Tensor &t = it->second;
        if (t.dim() != 4 || t.size(1) != shape[0] || t.size(2) != shape[1] || t.size(3) != shape[2])
            fail_invalid_argument(format("pnerv-pyr: %s must be %s", name, shape_text(shape).c_str()));
        return t;
    };
    const torch::Tensor e = input("embed", {c.embed_dim, c.embed_height, c.embed_width});
    const torch::Tensor d = input("diff", {c.diff_dim, c.diff_height(), c.diff_width()});
    if (e.size(0) != d.size(0))
        fail_invalid_argument("pnerv-pyr: embed and diff must hold the same frames");
    torch::Tensor x = stem_->forward(e);
    for (size_t i = 0; i < decoder_.size(); ++i) {
        x = decoder_[i]->forward(x);
        if (i < memories_.size())
            x = memories_[i]->forward(x, pyramid(i, d));
    }
    return torch::sigmoid(head_->forward(x));
}

bool PnervPyramidalImpl::is_transmitted(const std::string &parameter_name) const
{
    return parameter_name.rfind("content_encoder.", 0) != 0 && parameter_name.rfind("diff_encoder.", 0) != 0;
}

std::vector<std::string> PnervPyramidalImpl::prunable_parameters() const
{
    // Transmitted conv weights and the KFc factors (a KFc is a fully-connected layer), not
    // biases, not the BatchNorm scales, not the head (NeRV's rule).
    std::vector<std::string> names;
    const std::string head = head_prefix() + ".";
    const auto ends_with = [](const std::string &s, const std::string &tail) {
        return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
    for (const auto &p : named_parameters(true)) {
        const std::string &name = p.key();
        if (!is_transmitted(name) || name.rfind(head, 0) == 0 || name.find(".norm.") != std::string::npos)
            continue;
        if (ends_with(name, ".weight") || ends_with(name, ".w_l") || ends_with(name, ".w_r"))
            names.push_back(name);
    }
    return names;
}

std::vector<LayerInfo> PnervPyramidalImpl::layers() const
{
    std::vector<LayerInfo> rows = pnerv_pyramidal_layer_table(config_);
    if (!has_encoder())
        rows.erase(std::remove_if(rows.begin(), rows.end(), [](const LayerInfo &r) { return !r.transmitted; }),
                   rows.end());
    return rows;
}

std::string PnervPyramidalImpl::summary() const
{
    const PnervPyramidalConfig &c = config_;
    return format("dec_dim=%lld enc_strides=%s diff_strides=%s stem_stride=%lld dec_strides=%s kernel=%lld "
                  "bsm_kernel=%lld embed=%s diff=%s act=%s canvas=%lldx%lld",
                  (long long)c.dec_dim, join_ints(c.enc_strides).c_str(), join_ints(c.diff_strides).c_str(),
                  (long long)c.stem_stride, join_ints(c.dec_strides).c_str(), (long long)c.kernel,
                  (long long)c.bsm_kernel, join_ints({c.embed_dim, c.embed_height, c.embed_width}, "x").c_str(),
                  join_ints({c.diff_dim, c.diff_height(), c.diff_width()}, "x").c_str(), c.act.c_str(),
                  (long long)c.canvas_width(), (long long)c.canvas_height());
}

void PnervPyramidalImpl::write_config(Metadata &meta) const
{
    const PnervPyramidalConfig &c = config_;
    meta.set_ints("pnerv-pyr.enc_strides", c.enc_strides);
    meta.set_ints("pnerv-pyr.diff_strides", c.diff_strides);
    meta.set_ints("pnerv-pyr.dec_strides", c.dec_strides);
    meta.set_int("pnerv-pyr.stem_stride", c.stem_stride);
    meta.set_int("pnerv-pyr.enc_dim", c.enc_dim);
    meta.set_int("pnerv-pyr.embed_dim", c.embed_dim);
    meta.set_int("pnerv-pyr.diff_dim", c.diff_dim);
    meta.set_int("pnerv-pyr.embed_height", c.embed_height);
    meta.set_int("pnerv-pyr.embed_width", c.embed_width);
    meta.set_int("pnerv-pyr.dec_dim", c.dec_dim);
    meta.set_int("pnerv-pyr.kernel", c.kernel);
    meta.set_int("pnerv-pyr.bsm_kernel", c.bsm_kernel);
    meta.set_string("pnerv-pyr.act", c.act);
    meta.set_int("pnerv-pyr.canvas_height", c.canvas_height());
    meta.set_int("pnerv-pyr.canvas_width", c.canvas_width());
}

PnervPyramidalConfig PnervPyramidalImpl::read_config(const Metadata &meta)
{
    PnervPyramidalConfig c;
    c.enc_strides = meta.get_ints("pnerv-pyr.enc_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.diff_strides = meta.get_ints("pnerv-pyr.diff_strides", 1, kMaxArchStages, 1, kMaxArchStride);
    c.dec_strides = meta.get_ints("pnerv-pyr.dec_strides", 2, kMaxArchStages, 1, kMaxArchStride);
    c.stem_stride = meta.get_int("pnerv-pyr.stem_stride", 1, kMaxArchStride);
    c.enc_dim = meta.get_int("pnerv-pyr.enc_dim", 1, kMaxArchChannels);
    c.embed_dim = meta.get_int("pnerv-pyr.embed_dim", 1, kMaxEmbedDim);
    c.diff_dim = meta.get_int("pnerv-pyr.diff_dim", 1, kMaxEmbedDim);
    c.embed_height = meta.get_int("pnerv-pyr.embed_height", 1, kMaxArchCanvas);
    c.embed_width = meta.get_int("pnerv-pyr.embed_width", 1, kMaxArchCanvas);
    c.dec_dim = meta.get_int("pnerv-pyr.dec_dim", 1, kMaxArchChannels);
    c.kernel = meta.get_int("pnerv-pyr.kernel", 1, kMaxArchKernel);
    c.bsm_kernel = meta.get_int("pnerv-pyr.bsm_kernel", 1, kMaxArchKernel);
    c.act = meta.get_string("pnerv-pyr.act");
    validate(c, fail_invalid_data, /*with_encoder=*/false);  // the stream holds no encoder
    if (meta.get_int("pnerv-pyr.canvas_height", 1, kMaxArchCanvas) != c.canvas_height() ||
        meta.get_int("pnerv-pyr.canvas_width", 1, kMaxArchCanvas) != c.canvas_width())
        fail_invalid_data("pnerv-pyr: the stored canvas does not match the embedding grid times the strides");
    return c;
}

TrainRecipe pnerv_pyramidal_recipe()
{
    // cfgs/PNeRV.yaml + engine.py train exactly as DNeRV's (Adam lr 5e-4 (0.5, 0.999), 20 %
    // warm-up from 0.1x then cosine, L2, batch 1, 300 epochs, clipping 0.1); only the
    // reference's seed differs (10): an encoder setting.
    return dnerv_recipe();
}

namespace {

VideoModel create_pnerv_pyramidal(const ArchRequest &request)
{
    return std::make_shared<PnervPyramidalImpl>(resolve_pnerv_pyramidal_config(request), true);
}

VideoModel load_pnerv_pyramidal(const Metadata &meta, bool with_encoder)
{
    return std::make_shared<PnervPyramidalImpl>(PnervPyramidalImpl::read_config(meta), with_encoder);
}

}  // namespace

ArchEntry pnerv_pyramidal_arch_entry()
{
    return {"pnerv-pyr", "Pyramidal PNeRV (CVPR'24): DNeRV's embeddings, KFc pyramid + BSM-gated decoder",
            pnerv_pyramidal_recipe, create_pnerv_pyramidal, load_pnerv_pyramidal};
}

}  // namespace nerv

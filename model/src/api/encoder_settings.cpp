#include "api/encoder_settings.h"

#include <cmath>
#include <cstring>
#include <string>

#include "api/api_guard.h"
#include "arch/arch_names.h"
#include "core/enum_value.h"
#include "core/key_values.h"
#include "train/recipe.h"

namespace nerv {
namespace {

int parse_int_setting(const char *name, const char *value, long long lo, long long hi)
{
    int64_t v = 0;
    if (!parse_int64(value, &v) || v < lo || v > hi)
        fail_invalid_argument(format("setting '%s' = '%s' is invalid: expected an integer in [%lld, %lld]", name,
                                     value, lo, hi));
    return static_cast<int>(v);
}

double parse_double_setting(const char *name, const char *value, double lo, double hi)
{
    double v = 0;
    if (!parse_double(value, &v) || v < lo || v > hi)
        fail_invalid_argument(
            format("setting '%s' = '%s' is invalid: expected a number in [%g, %g]", name, value, lo, hi));
    return v;
}

constexpr double kMinBitrate = 1e3;  // bits per second
constexpr double kMaxBitrate = 1e12;

/** Bits per second: a number with an optional k or M suffix ("300k", "1.2M", "64000"). */
int64_t parse_bitrate_setting(const char *value)
{
    char *end = nullptr;
    double v = std::strtod(value, &end);
    if (end != value && (*end == 'k' || *end == 'K'))
        v *= 1e3, ++end;
    else if (end != value && (*end == 'm' || *end == 'M'))
        v *= 1e6, ++end;
    if (end == value || *end != '\0' || !(v == 0 || (v >= kMinBitrate && v <= kMaxBitrate)))
        fail_invalid_argument(format("setting 'bitrate' = '%s' is invalid: expected 0 (off) or bits per second in "
                                     "[%g, %g], e.g. 300k or 1.2M",
                                     value, double(kMinBitrate), double(kMaxBitrate)));
    return static_cast<int64_t>(std::llround(v));
}

template <typename Enum>
Enum parse_choice(const char *name, const char *value, const char *const *choices, int n, const char *valid)
{
    for (int i = 0; i < n; ++i) {
        if (std::strcmp(value, choices[i]) == 0)
            return static_cast<Enum>(i);
    }
    fail_invalid_argument(format("setting '%s' = '%s' is invalid: expected one of %s", name, value, valid));
}

constexpr int kMaxMemoryLimitMib = 1 << 24;  // 16 TiB

const char *const kPixFmts[] = {"rgb24", "yuv420p", "yuv444p"};
const char *const kMatrices[] = {"bt601", "bt709"};
const char *const kRanges[] = {"limited", "full"};
const char *const kDevices[] = {"auto", "cpu", "cuda"};
const char *const kLogLevels[] = {"error", "warning", "info", "verbose", "debug"};
const char *const kTrainFrames[] = {"all", "odd", "even"};

void set_fps(NervEncoderSettings *s, const char *value)
{
    std::string v(value);
    size_t slash = v.find('/');
    int64_t num = 0, den = 1;
    bool ok = slash == std::string::npos ? parse_int64(v, &num)
                                         : parse_int64(v.substr(0, slash), &num) && parse_int64(v.substr(slash + 1), &den);
    if (!ok || num < 1 || den < 1 || num > 1000000 || den > 1000000)
        fail_invalid_argument(format("setting 'fps' = '%s' is invalid: expected N or N/D with 1 <= N, D <= 1000000",
                                     value));
    s->fps_num = static_cast<int>(num);
    s->fps_den = static_cast<int>(den);
}

void set_timebase(NervEncoderSettings *s, const char *value)
{
    std::string v(value);
    size_t slash = v.find('/');
    int64_t num = 0, den = 0;
    if (slash == std::string::npos || !parse_int64(v.substr(0, slash), &num) ||
        !parse_int64(v.substr(slash + 1), &den) || num < 1 || den < 1 || num > 1000000000 || den > 1000000000)
        fail_invalid_argument(format("setting 'timebase' = '%s' is invalid: expected N/D with 1 <= N, D <= 1e9",
                                     value));
    s->timebase_num = static_cast<int>(num);
    s->timebase_den = static_cast<int>(den);
}

void append_param(NervEncoderSettings *s, const char *name, const char *value)
{
    std::string p = s->params;
    if (!p.empty())
        p += ":";
    p += std::string(name) + "=" + value;
    copy_name(s->params, sizeof(s->params), p.c_str(), "params");
}

struct Option {
    NervOptionInfo info;
    void (*set)(NervEncoderSettings *s, const char *value);
};

constexpr int kMaxJobs = 64;
constexpr int kMaxSegmentIndex = 1 << 30;

// "A:B" or "A:" (to the end); "all" is the default.
void set_segments(NervEncoderSettings *s, const char *value)
{
    const std::string v(value);
    if (v == "all") {
        s->segment_first = s->segment_end = 0;
        return;
    }
    const size_t colon = v.find(':');
    int64_t first = -1, end = 0;
    const bool ok = colon != std::string::npos && parse_int64(v.substr(0, colon), &first) &&
                    (colon + 1 == v.size() || parse_int64(v.substr(colon + 1), &end));
    if (!ok || first < 0 || first >= kMaxSegmentIndex || end < 0 || end > kMaxSegmentIndex ||
        (end != 0 && end <= first))
        fail_invalid_argument(format("setting 'segments' = '%s' is invalid: expected A:B with 0 <= A < B (segment "
                                     "indices from 0, B exclusive), A: for A to the end, or all",
                                     value));
    s->segment_first = static_cast<int>(first);
    s->segment_end = static_cast<int>(end);
}

// A tune fills only the settings still at their recipe default, so whatever the user sets
// wins in either order. denoise: the papers fit the noisy frames and rely on what the network
// cannot fit. The loss is chosen by measurement (docs/benchmarks.md, "Denoising": NeRV on
// carphone with white and salt & pepper noise): L2 was best on white noise (+0.5 dB over the
// recipe's Fusion6) and level with Fusion6 on salt & pepper; L1 lost 0.8 dB there.
void apply_tune(NervEncoderSettings *s, const char *value)
{
    if (!std::strcmp(value, "none"))
        return;
    if (!std::strcmp(value, "denoise")) {
        if (!s->loss[0])
            copy_name(s->loss, sizeof(s->loss), "l2", "loss");
        return;
    }
    fail_invalid_argument(format("setting 'tune' = '%s' is invalid: expected none or denoise", value));
}

// clang-format off
const Option kOptions[] = {
    {{"width", "input frame width", "", "1..16384 (required)"},
     [](NervEncoderSettings *s, const char *v) { s->width = parse_int_setting("width", v, 1, 16384); }},
    {{"height", "input frame height", "", "1..16384 (required)"},
     [](NervEncoderSettings *s, const char *v) { s->height = parse_int_setting("height", v, 1, 16384); }},
    {{"fps", "frame rate", "25", "N or N/D, 1..1000000"}, set_fps},
    {{"timebase", "unit of the pts sent", "", "N/D, 1..1e9; empty = 1/fps"}, set_timebase},
    {{"pix_fmt", "format of the pictures sent", "rgb24", "rgb24, yuv420p, yuv444p"},
     [](NervEncoderSettings *s, const char *v) { s->pixel_format = parse_choice<NervPixelFormat>("pix_fmt", v, kPixFmts, 3, "rgb24, yuv420p, yuv444p"); }},
    {{"matrix", "YUV matrix of the input", "bt601", "bt601, bt709"},
     [](NervEncoderSettings *s, const char *v) { s->matrix = parse_choice<NervColorMatrix>("matrix", v, kMatrices, 2, "bt601, bt709"); }},
    {{"range", "YUV range of the input", "limited", "limited, full"},
     [](NervEncoderSettings *s, const char *v) { s->range = parse_choice<NervColorRange>("range", v, kRanges, 2, "limited, full"); }},
    {{"arch", "network architecture", "hnerv", "see `nerv arch --list`"},
     [](NervEncoderSettings *s, const char *v) { copy_name(s->arch, sizeof(s->arch), v, "arch"); }},
    {{"size", "parameter budget (1.5M, 300k, 120000) or preset (nerv: S, M, L)", "", "architecture default if empty"},
     [](NervEncoderSettings *s, const char *v) { copy_name(s->size, sizeof(s->size), v, "size"); }},
    {{"epochs", "training epochs", "", "1..100000; empty/0 = recipe (300)"},
     [](NervEncoderSettings *s, const char *v) { s->epochs = parse_int_setting("epochs", v, 0, 100000); }},
    {{"lr", "peak learning rate", "", "0 < lr <= 1; 0 = recipe"},
     [](NervEncoderSettings *s, const char *v) { s->lr = parse_double_setting("lr", v, 0, 1); }},
    {{"batch", "frames per training iteration", "", "1..64; 0 = recipe"},
     [](NervEncoderSettings *s, const char *v) { s->batch_size = parse_int_setting("batch", v, 0, 64); }},
    {{"loss", "training loss", "", "l2, fusion6 (0.7 L1 + 0.3 (1-SSIM)), l1; empty = recipe"},
     [](NervEncoderSettings *s, const char *v) { copy_name(s->loss, sizeof(s->loss), v, "loss"); }},
    {{"grad_clip", "max gradient norm", "", "> 0; 0 = recipe; < 0 = off"},
     [](NervEncoderSettings *s, const char *v) { s->grad_clip = parse_double_setting("grad_clip", v, -1, 1e6); }},
    {{"seed", "random seed", "1", "0..2147483647"},
     [](NervEncoderSettings *s, const char *v) { s->seed = parse_int_setting("seed", v, 0, 2147483647); }},
    {{"device", "training device", "auto", "auto, cpu, cuda"},
     [](NervEncoderSettings *s, const char *v) { s->device = parse_choice<NervDevice>("device", v, kDevices, 3, "auto, cpu, cuda"); }},
    {{"threads", "torch intra-op threads (process-wide)", "0", "0 (all cores)..1024"},
     [](NervEncoderSettings *s, const char *v) { s->threads = parse_int_setting("threads", v, 0, 1024); }},
    {{"bf16", "autocast to bfloat16 on CUDA", "0", "0, 1"},
     [](NervEncoderSettings *s, const char *v) { s->bf16 = parse_int_setting("bf16", v, 0, 1); }},
    {{"segment_frames", "frames per independently decodable segment", "0", "0 (auto: <= 600 frames, <= 2 GiB buffer) .. 100000"},
     [](NervEncoderSettings *s, const char *v) { s->segment_frames = parse_int_setting("segment_frames", v, 0, 100000); }},
    {{"prune", "fraction of weights removed by global magnitude pruning", "0", "0..0.95"},
     [](NervEncoderSettings *s, const char *v) { s->prune = parse_double_setting("prune", v, 0, 0.95); }},
    {{"prune_epochs", "fine-tune epochs after pruning", "", "1..100000; 0 = 10% of epochs"},
     [](NervEncoderSettings *s, const char *v) { s->prune_epochs = parse_int_setting("prune_epochs", v, 0, 100000); }},
    {{"qat_epochs", "quantization-aware fine-tuning epochs after training (weights train through the codec's quantizer)", "0", "-1 (10% of epochs), 0 (none)..100000"},
     [](NervEncoderSettings *s, const char *v) { s->qat_epochs = parse_int_setting("qat_epochs", v, -1, 100000); }},
    {{"qbits", "bits per decoder weight", "8", "0 (float32), 2..16"},
     [](NervEncoderSettings *s, const char *v) { s->qbits = parse_int_setting("qbits", v, 0, 16); }},
    {{"qbits_embed", "bits per embedding value", "6", "0 (float32), 2..16"},
     [](NervEncoderSettings *s, const char *v) { s->qbits_embed = parse_int_setting("qbits_embed", v, 0, 16); }},
    {{"log_level", "library log verbosity", "info", "error, warning, info, verbose, debug"},
     [](NervEncoderSettings *s, const char *v) { s->log_level = parse_choice<NervLogLevel>("log_level", v, kLogLevels, 5, "error, warning, info, verbose, debug"); }},
    {{"params", "expert/architecture options key=value:key=value (docs/settings.md)", "", "e.g. crop=1280x640:strides=5,4,4,2,2"},
     [](NervEncoderSettings *s, const char *v) { copy_name(s->params, sizeof(s->params), v, "params"); }},
    {{"memory_limit", "MiB the encode may plan to use on its device", "0", "0 (what the device has available)..16777216"},
     [](NervEncoderSettings *s, const char *v) { s->memory_limit = parse_int_setting("memory_limit", v, 0, kMaxMemoryLimitMib); }},
    {{"checkpoint", "file keeping what an interrupted encode needs to continue", "", "a path; empty = no checkpoints"},
     [](NervEncoderSettings *s, const char *v) { copy_name(s->checkpoint, sizeof(s->checkpoint), v, "checkpoint"); }},
    {{"checkpoint_every", "epochs between checkpoints while training", "10", "1..100000"},
     [](NervEncoderSettings *s, const char *v) { s->checkpoint_every = parse_int_setting("checkpoint_every", v, 1, 100000); }},
    {{"resume", "continue the encode saved in the checkpoint", "0", "0, 1 (needs checkpoint)"},
     [](NervEncoderSettings *s, const char *v) { s->resume = parse_int_setting("resume", v, 0, 1); }},
    {{"bitrate", "target bits per second: the size is chosen for it, and a trained network above it is pruned to it", "0", "0 (off), 1000..1e12 (300k, 1.2M); not with size or prune"},
     [](NervEncoderSettings *s, const char *v) { s->bitrate = parse_bitrate_setting(v); }},
    {{"train_only", "train and stop: keep the trained network in the checkpoint for encodes that resume it with their own coding settings", "0", "0, 1 (needs checkpoint)"},
     [](NervEncoderSettings *s, const char *v) { s->train_only = parse_int_setting("train_only", v, 0, 1); }},
    {{"train_frames", "frames trained on, numbered from 1 (the papers' interpolation protocol: odd)", "all", "all, odd (1st, 3rd, ...), even (2nd, 4th, ...)"},
     [](NervEncoderSettings *s, const char *v) { s->train_frames = parse_choice<int>("train_frames", v, kTrainFrames, 3, "all, odd (1st, 3rd, ...), even (2nd, 4th, ...)"); }},
    {{"segments", "code only segments A..B-1 of the input (a part for `nerv concat`)", "all", "A:B (0-based, B exclusive), A: (to the end), all"}, set_segments},
    {{"jobs", "segments trained at once, one worker each", "0", "0 (auto: 1 on the CPU, one per GPU)..64"},
     [](NervEncoderSettings *s, const char *v) { s->jobs = parse_int_setting("jobs", v, 0, kMaxJobs); }},
    {{"tune", "preset for a use: denoise = fit noisy input (loss l2 unless loss is set)", "none", "none, denoise"}, apply_tune},
};
// clang-format on
constexpr int kOptionCount = sizeof(kOptions) / sizeof(kOptions[0]);

}  // namespace

void copy_name(char *dst, size_t cap, const char *src, const char *field)
{
    const size_t n = std::strlen(src);
    if (n >= cap)
        fail_invalid_argument(format("setting '%s' is too long (%zu characters, at most %zu)", field, n, cap - 1));
    std::memcpy(dst, src, n + 1);
}

void default_encoder_settings(NervEncoderSettings *s)
{
    std::memset(s, 0, sizeof(*s));
    s->fps_num = 25;
    s->fps_den = 1;
    s->pixel_format = NERV_PIX_FMT_RGB24;
    s->matrix = NERV_MATRIX_BT601;
    s->range = NERV_RANGE_LIMITED;
    std::strcpy(s->arch, "hnerv");
    s->seed = 1;
    s->device = NERV_DEVICE_AUTO;
    s->qbits = 8;
    s->qbits_embed = 6;
    s->log_level = NERV_LOG_INFO;
    s->checkpoint_every = 10;
}

void set_encoder_setting(NervEncoderSettings *s, const char *name, const char *value)
{
    if (!s || !name || !value)
        fail_invalid_argument("nerv_encoder_settings_set: NULL argument");
    for (const Option &o : kOptions) {
        if (std::strcmp(o.info.name, name) == 0) {
            o.set(s, value);
            return;
        }
    }
    // Architecture and expert options ride in params; the encoder checks them at open.
    if (std::strchr(name, ':') || std::strchr(name, '=') || std::strchr(value, ':'))
        fail_invalid_argument(format("setting '%s': names and values of expert params cannot contain ':' or '='",
                                     name));
    append_param(s, name, value);
}

void validate_encoder_settings(const NervEncoderSettings &s)
{
    auto range_check = [](const char *name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi))
            fail_invalid_argument(format("setting '%s' = %g is out of range [%g, %g]", name, v, lo, hi));
    };
    if (s.width < 1 || s.height < 1)
        fail_invalid_argument(format("settings 'width' and 'height' are required (got %dx%d); valid 1..16384",
                                     s.width, s.height));
    range_check("width", s.width, 1, 16384);
    range_check("height", s.height, 1, 16384);
    range_check("fps", s.fps_num, 1, 1000000);
    range_check("fps (denominator)", s.fps_den, 1, 1000000);
    if (s.timebase_num != 0 || s.timebase_den != 0) {
        range_check("timebase", s.timebase_num, 1, 1e9);
        range_check("timebase (denominator)", s.timebase_den, 1, 1e9);
    }
    range_check("train_frames", s.train_frames, 0, 2);
    range_check("pix_fmt", enum_value(s.pixel_format), 0, 2);
    range_check("matrix", enum_value(s.matrix), 0, 1);
    range_check("range", enum_value(s.range), 0, 1);
    if (memchr(s.arch, '\0', sizeof(s.arch)) == nullptr || !arch_exists(s.arch))
        fail_invalid_argument(format("setting 'arch' = '%.*s' is unknown; valid: %s", (int)sizeof(s.arch), s.arch,
                                     arch_name_list().c_str()));
    if (memchr(s.size, '\0', sizeof(s.size)) == nullptr || memchr(s.loss, '\0', sizeof(s.loss)) == nullptr ||
        memchr(s.params, '\0', sizeof(s.params)) == nullptr)
        fail_invalid_argument("settings 'size', 'loss' and 'params' must be NUL-terminated");
    range_check("epochs", s.epochs, 0, 100000);
    range_check("lr", s.lr, 0, 1);
    range_check("batch", s.batch_size, 0, 64);
    LossKind loss;
    if (s.loss[0] && !parse_loss(s.loss, &loss))
        fail_invalid_argument(format("setting 'loss' = '%s' is invalid: expected one of %s", s.loss, kLossChoices));
    range_check("grad_clip", s.grad_clip, -1, 1e6);
    range_check("seed", s.seed, 0, 2147483647.0);
    range_check("device", enum_value(s.device), 0, 2);
    range_check("threads", s.threads, 0, 1024);
    range_check("bf16", s.bf16, 0, 1);
    range_check("segment_frames", s.segment_frames, 0, 100000);
    range_check("prune", s.prune, 0, 0.95);
    range_check("prune_epochs", s.prune_epochs, 0, 100000);
    range_check("qat_epochs", s.qat_epochs, -1, 100000);
    if (s.qbits != 0)
        range_check("qbits", s.qbits, 2, 16);
    if (s.qbits_embed != 0)
        range_check("qbits_embed", s.qbits_embed, 2, 16);
    range_check("log_level", enum_value(s.log_level), 0, 4);
    range_check("memory_limit", s.memory_limit, 0, kMaxMemoryLimitMib);
    if (memchr(s.checkpoint, '\0', sizeof(s.checkpoint)) == nullptr)
        fail_invalid_argument("setting 'checkpoint' must be NUL-terminated");
    range_check("checkpoint_every", s.checkpoint_every, 1, 100000);
    range_check("resume", s.resume, 0, 1);
    if (s.resume && !s.checkpoint[0])
        fail_invalid_argument("setting 'resume' = 1 needs setting 'checkpoint' (the file to resume from)");
    if (s.bitrate != 0)
        range_check("bitrate", static_cast<double>(s.bitrate), kMinBitrate, kMaxBitrate);
    if (s.bitrate != 0 && s.size[0])
        fail_invalid_argument(format("settings 'bitrate' and 'size' = '%s' exclude each other: the bit rate chooses "
                                     "the size",
                                     s.size));
    if (s.bitrate != 0 && s.prune > 0)
        fail_invalid_argument("settings 'bitrate' and 'prune' exclude each other: the bit rate chooses the pruning "
                              "(prune_epochs still sets its fine-tuning)");
    range_check("train_only", s.train_only, 0, 1);
    if (s.train_only && !s.checkpoint[0])
        fail_invalid_argument("setting 'train_only' = 1 needs setting 'checkpoint' (where the trained network is kept)");
    range_check("segments (first)", s.segment_first, 0, kMaxSegmentIndex - 1);
    range_check("segments (end)", s.segment_end, 0, kMaxSegmentIndex);
    if (s.segment_end != 0 && s.segment_end <= s.segment_first)
        fail_invalid_argument(format("setting 'segments' = %d:%d is invalid: the end must be after the first segment",
                                     s.segment_first, s.segment_end));
    range_check("jobs", s.jobs, 0, kMaxJobs);
    KeyValues::parse(s.params);  // syntax only; the keys are checked when the model is resolved
}

int encoder_option_count() { return kOptionCount; }
const NervOptionInfo *encoder_option(int i) { return i >= 0 && i < kOptionCount ? &kOptions[i].info : nullptr; }

}  // namespace nerv

extern "C" {

void nerv_encoder_default_settings(NervEncoderSettings *settings)
{
    if (settings)
        nerv::default_encoder_settings(settings);
}

int nerv_encoder_settings_set(NervEncoderSettings *settings, const char *name, const char *value)
{
    return nerv::guarded([&] {
        nerv::set_encoder_setting(settings, name, value);
        return 0;
    });
}

int nerv_encoder_option_count(void) { return nerv::encoder_option_count(); }
const NervOptionInfo *nerv_encoder_option(int i) { return nerv::encoder_option(i); }

}  // extern "C"

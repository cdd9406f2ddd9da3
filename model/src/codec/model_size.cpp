#include "codec/model_size.h"

#include <algorithm>

#include "arch/layers/snerv_sizes.h"
#include "core/error.h"

namespace nerv {
namespace {

constexpr int64_t kMinDefaultParameters = 20000;
constexpr double kBudgetTolerance = 0.01;

std::string count_text(int64_t n)
{
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

/** SNeRV's 0.35M/0.75M/1.5M/3M are the paper's Table 4 models, kept as such whatever the params
 *  (SNeRV-T 3M with temporal=conv2d is the paper's variant at the same widths: 3.85M). */
bool names_paper_configuration(const ArchEntry &entry, double budget)
{
    const std::string name = entry.name;
    if (name == "snerv")
        return find_snerv_preset(snerv_b_presets(), budget) != nullptr;
    if (name == "snerv-t")
        return find_snerv_preset(snerv_t_presets(), budget) != nullptr;
    return false;
}

}  // namespace

int64_t rate_default_parameters(int width, int height, int64_t frames)
{
    const double pixels = static_cast<double>(width) * static_cast<double>(height) * static_cast<double>(frames);
    // The floor never exceeds half the raw 4:2:0 bytes: a few tiny frames get a tiny model.
    const int64_t floor = std::min<int64_t>(kMinDefaultParameters, static_cast<int64_t>(pixels * 0.75));
    return std::max<int64_t>(floor, static_cast<int64_t>(pixels / 8.0));
}

int64_t embedding_values(const VideoModelImpl &model, int64_t frames)
{
    int64_t n = 0;
    for (const FrameTensorSpec &spec : model.frame_tensors()) {
        int64_t v = frames;
        for (int64_t d : spec.shape)
            v *= d;
        n += v;
    }
    return n;
}

int64_t stream_values(VideoModelImpl &model, int64_t frames)
{
    const ParameterCounts c = count_parameters(model);
    return c.transmitted + c.fixed + embedding_values(model, frames);
}

VideoModel create_sized_model(const ArchEntry &entry, const ArchRequest &request,
                              const std::function<VideoModel(const ArchRequest &)> &build)
{
    if (!request.size.empty()) {
        VideoModel model = build(request);
        const double budget = parse_parameter_budget(request.size);
        if (budget > 0 && !names_paper_configuration(entry, budget)) {  // presets ("S") are no count either
            // Architectures differ in whether their budget counts the embeddings (HNeRV, SNeRV) or
            // only the decoder (DNeRV, PNeRV): the decoder alone over it is over in either reading.
            const ParameterCounts c = count_parameters(*model);
            const int64_t decoder = c.transmitted + c.fixed;
            if (static_cast<double>(decoder) > budget * (1 + kBudgetTolerance))
                fail_invalid_argument(format(
                    "%s: size '%s' cannot be met at %dx%d for %lld frames: the smallest model these params allow has "
                    "%s parameters (%s with the embeddings); ask for at least that, or give smaller widths in params",
                    entry.name, request.size.c_str(), request.width, request.height,
                    static_cast<long long>(request.frames), count_text(decoder).c_str(),
                    count_text(stream_values(*model, request.frames)).c_str()));
        }
        return model;
    }
    const int64_t target = rate_default_parameters(request.width, request.height, request.frames);
    int64_t reference_values = 0;
    {
        VideoModel reference = build(request);
        reference_values = stream_values(*reference, request.frames);
        if (reference_values <= target)
            return reference;
    }
    auto try_budget = [&](double budget) -> VideoModel {
        ArchRequest sized = request;
        sized.size = std::to_string(static_cast<int64_t>(budget));
        try {
            return build(sized);
        } catch (const Error &e) {
            if (e.code() != -EINVAL)
                throw;
            return nullptr;
        }
    };
    // The largest budget whose model, embeddings included, fits the rate default (budgets
    // that count only the decoder need a smaller figure) ...
    bool any_built = false;
    for (double budget = static_cast<double>(target); budget >= 1000; budget /= 1.25) {
        VideoModel model = try_budget(budget);
        if (!model) {
            if (!any_built)
                break;  // the architecture's floor is above the rate default
            continue;
        }
        any_built = true;
        const int64_t values = stream_values(*model, request.frames);
        // values == reference_values: params pin every width (fc_dim=...), the budget changes nothing
        if (values <= target || values == reference_values)
            return model;
    }
    // ... else the smallest budget above it the architecture reaches, never more than its default.
    for (double budget = static_cast<double>(target); budget < static_cast<double>(reference_values);
         budget *= 1.25) {
        if (VideoModel model = try_budget(budget))
            return model;
    }
    return build(request);
}

}  // namespace nerv

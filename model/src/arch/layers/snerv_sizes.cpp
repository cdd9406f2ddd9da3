#include "arch/layers/snerv_sizes.h"

#include <cmath>

#include "core/error.h"

namespace nerv {

const std::vector<SnervSizePreset> &snerv_b_presets()
{
    static const std::vector<SnervSizePreset> presets = {
        {0.35e6, true, 41, 2, 0}, {0.75e6, true, 57, 3, 0},   {1.5e6, true, 81, 4, 0},
        {3e6, true, 111, 6, 0},   {4.57e6, false, 132, 8, 0}, {5.95e6, false, 148, 10, 0},
    };
    return presets;
}

const std::vector<SnervSizePreset> &snerv_t_presets()
{
    static const std::vector<SnervSizePreset> presets = {
        {0.35e6, true, 39, 2, 3},
        {0.75e6, true, 61, 3, 3},
        {1.5e6, true, 82, 4, 2},
        {3e6, true, 103, 6, 1},
    };
    return presets;
}

const SnervSizePreset *find_snerv_preset(const std::vector<SnervSizePreset> &presets, double budget)
{
    for (const SnervSizePreset &p : presets) {
        if (p.named && std::fabs(budget - p.budget) <= 1e-9 * p.budget)
            return &p;
    }
    return nullptr;
}

const SnervSizePreset &nearest_snerv_preset(const std::vector<SnervSizePreset> &presets, double budget)
{
    const SnervSizePreset *best = &presets.front();
    for (const SnervSizePreset &p : presets) {
        if (std::fabs(std::log(budget / p.budget)) < std::fabs(std::log(budget / best->budget)))
            best = &p;
    }
    return *best;
}

int64_t largest_fitting_width_narrowing(double budget, int64_t hi, int64_t *lower_width, bool lower_width_pinned,
                                        const std::function<int64_t(int64_t)> &total)
{
    int64_t width = largest_fitting_width(budget, hi, total);
    while (width < 1 && *lower_width > 1 && !lower_width_pinned) {
        --*lower_width;
        width = largest_fitting_width(budget, hi, total);
    }
    return width;
}

int64_t largest_fitting_width(double budget, int64_t hi, const std::function<int64_t(int64_t)> &total)
{
    if (hi < 1 || static_cast<double>(total(1)) > budget)
        return 0;
    int64_t lo = 1;  // fits
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (static_cast<double>(total(mid)) <= budget)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

int64_t ll_extent(int64_t frame_extent) { return (frame_extent + 1) / 2; }

StridePlan plan_ll_strides(int width, int height, const std::vector<int64_t> &strides)
{
    const int64_t h = ll_extent(height), w = ll_extent(width);
    if (!strides.empty())
        return plan_for_strides(h, w, strides);
    StridePlanOptions opts;
    opts.target_product = embedding_target_product(h, w);
    return plan_strides(h, w, opts);
}

}  // namespace nerv

#include "arch/layers/stride_plan.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "core/error.h"

namespace nerv {

namespace {

// Products and overheads that differ only by floating-point noise are equal.
constexpr double kEps = 1e-12;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/** Every non-increasing sequence of `stages` values from `allowed` (sorted descending). */
void enumerate_sequences(const std::vector<int64_t> &allowed, int stages, size_t first_allowed,
                         std::vector<int64_t> &current, std::vector<std::vector<int64_t>> &out)
{
    if (static_cast<int>(current.size()) == stages) {
        out.push_back(current);
        return;
    }
    for (size_t i = first_allowed; i < allowed.size(); ++i) {
        current.push_back(allowed[i]);
        enumerate_sequences(allowed, stages, i, current, out);
        current.pop_back();
    }
}

}  // namespace

StridePlan plan_for_strides(int64_t height, int64_t width, const std::vector<int64_t> &strides)
{
    if (height < 1 || width < 1)
        fail_invalid_argument(format("stride plan: frame size %lldx%lld is invalid", (long long)width,
                                     (long long)height));
    StridePlan plan;
    plan.strides = strides;
    for (int64_t s : strides) {
        if (s < 1)
            fail_invalid_argument("stride plan: strides must be >= 1");
        plan.product *= s;
    }
    plan.grid_height = ceil_div(height, plan.product);
    plan.grid_width = ceil_div(width, plan.product);
    plan.canvas_height = plan.grid_height * plan.product;
    plan.canvas_width = plan.grid_width * plan.product;
    plan.overhead = static_cast<double>(plan.canvas_height) * static_cast<double>(plan.canvas_width) /
                        (static_cast<double>(height) * static_cast<double>(width)) -
                    1.0;
    return plan;
}

StridePlan plan_strides(int64_t height, int64_t width, const StridePlanOptions &options)
{
    if (options.stages < 1 || options.stages > 8)
        fail_invalid_argument(format("stride plan: stages = %d is invalid (valid: 1..8)", options.stages));
    if (!(options.target_product > 0))
        fail_invalid_argument("stride plan: the target product must be positive");
    std::vector<int64_t> allowed = options.allowed;
    std::sort(allowed.begin(), allowed.end(), std::greater<int64_t>());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    if (allowed.empty() || allowed.back() < 1)
        fail_invalid_argument("stride plan: the allowed strides must be >= 1");

    std::vector<std::vector<int64_t>> sequences;
    std::vector<int64_t> current;
    enumerate_sequences(allowed, options.stages, 0, current, sequences);

    const double log_target = std::log(options.target_product);
    auto distance = [&](const StridePlan &p) {
        return std::fabs(std::log(static_cast<double>(p.product)) - log_target);
    };
    auto fits = [&](const StridePlan &p) { return p.overhead <= options.max_overhead + kEps; };
    // Whether `a` should replace `b`: fitting plans rank by distance to the target, the
    // others by overhead; the other criterion breaks ties, then the larger sequence.
    auto better = [&](const StridePlan &a, const StridePlan &b) {
        if (fits(a) != fits(b))
            return fits(a);
        double keys_a[2] = {distance(a), a.overhead}, keys_b[2] = {distance(b), b.overhead};
        if (!fits(a)) {
            std::swap(keys_a[0], keys_a[1]);
            std::swap(keys_b[0], keys_b[1]);
        }
        for (int k = 0; k < 2; ++k) {
            if (keys_a[k] < keys_b[k] - kEps)
                return true;
            if (keys_a[k] > keys_b[k] + kEps)
                return false;
        }
        return a.strides > b.strides;
    };
    StridePlan best = plan_for_strides(height, width, sequences.front());
    for (size_t i = 1; i < sequences.size(); ++i) {
        StridePlan p = plan_for_strides(height, width, sequences[i]);
        if (better(p, best))
            best = p;
    }
    return best;
}

double stem_grid_target_product(int64_t height, int64_t width)
{
    return static_cast<double>(std::min(height, width)) / 9.0;
}

double embedding_target_product(int64_t height, int64_t width)
{
    return static_cast<double>(std::min(height, width)) / 2.0;
}

}  // namespace nerv

#include "compress/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "compress/half_float.h"
#include "core/error.h"

namespace nerv {

int64_t element_count(const std::vector<int64_t> &shape)
{
    int64_t count = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 0)
            fail_invalid_argument(format("tensor shape: dimension %zu is negative (%lld)", d, (long long)shape[d]));
        if (shape[d] != 0 && count > std::numeric_limits<int64_t>::max() / shape[d])
            fail_invalid_argument(format("tensor shape: element count overflows at dimension %zu", d));
        count *= shape[d];
    }
    return count;
}

std::vector<int64_t> QuantizationParams::stats_shape() const
{
    if (axis < 0)
        return {1};
    std::vector<int64_t> reduced = shape;
    reduced[static_cast<size_t>(axis)] = 1;
    return reduced;
}

int64_t QuantizationParams::stats_count() const { return element_count(stats_shape()); }

StatsIndexer::StatsIndexer(const QuantizationParams &params)
{
    if (params.axis < 0) {
        span_ = std::max<int64_t>(1, element_count(params.shape));
        inner_ = 1;
        return;
    }
    inner_ = 1;
    for (size_t d = static_cast<size_t>(params.axis) + 1; d < params.shape.size(); ++d)
        inner_ *= params.shape[d];
    inner_ = std::max<int64_t>(1, inner_);
    span_ = std::max<int64_t>(1, inner_ * params.shape[static_cast<size_t>(params.axis)]);
}

namespace {

/** torch's round(): halves to even. Written out so it does not depend on the FP rounding mode. */
uint32_t quantize_level(float ratio, uint32_t max_level)
{
    if (!(ratio > 0.0f))  // negatives (and NaN, which cannot occur here) clamp to 0
        return 0;
    if (ratio >= static_cast<float>(max_level))
        return max_level;
    const float whole = std::floor(ratio);
    const float fraction = ratio - whole;  // exact for positive floats
    uint32_t level = static_cast<uint32_t>(whole);
    if (fraction > 0.5f || (fraction == 0.5f && (level & 1u)))
        ++level;
    return level;
}

uint32_t quantize_value(float value, float min, float scale, const QuantizationParams &params)
{
    if (params.zero_symbol && value == 0.0f)
        return params.zero_code();
    // A constant slice (scale 0) would divide by zero; every value reconstructs as min anyway.
    if (scale == 0.0f)
        return 0;
    return quantize_level((value - min) / scale, params.max_level());
}

bool excluded(float value, bool zero_symbol) { return zero_symbol && value == 0.0f; }

/** Min and max of each slice (float32), skipping excluded zeros; slices with nothing left get 0, 0. */
void slice_min_max(const float *values, int64_t numel, const QuantizationParams &params, std::vector<float> *mins,
                   std::vector<float> *maxs)
{
    const int64_t count = params.stats_count();
    mins->assign(static_cast<size_t>(count), std::numeric_limits<float>::infinity());
    maxs->assign(static_cast<size_t>(count), -std::numeric_limits<float>::infinity());
    const StatsIndexer index(params);
    for (int64_t e = 0; e < numel; ++e) {
        if (excluded(values[e], params.zero_symbol))
            continue;
        const size_t s = static_cast<size_t>(index(e));
        (*mins)[s] = std::min((*mins)[s], values[e]);
        (*maxs)[s] = std::max((*maxs)[s], values[e]);
    }
    for (size_t s = 0; s < mins->size(); ++s) {
        if ((*mins)[s] > (*maxs)[s])
            (*mins)[s] = (*maxs)[s] = 0.0f;
    }
}

/** Fills params.mins/scales for `params.axis`; false when the candidate is unusable in float16. */
bool compute_stats(const float *values, int64_t numel, QuantizationParams *params)
{
    std::vector<float> maxs;
    slice_min_max(values, numel, *params, &params->mins, &maxs);
    const float levels = static_cast<float>(params->max_level());
    params->scales.resize(params->mins.size());
    for (size_t s = 0; s < params->mins.size(); ++s) {
        // Reference order: the scale comes from the float32 min/max, then both are rounded to half.
        float scale = (maxs[s] - params->mins[s]) / levels;
        if (params->axis >= 0) {
            params->mins[s] = round_to_half(params->mins[s]);
            scale = round_to_half(scale);
        }
        params->scales[s] = scale;
        // Half overflow (|stat| > 65504) would reconstruct inf/NaN: such a candidate is skipped.
        if (!std::isfinite(params->mins[s]) || !std::isfinite(scale))
            return false;
    }
    return true;
}

/** Quantizes with the candidate's stats; returns the mean |t - t'| (accumulated in double). */
double apply_candidate(const float *values, int64_t numel, const QuantizationParams &params,
                       std::vector<uint32_t> *symbols, std::vector<float> *dequantized)
{
    symbols->resize(static_cast<size_t>(numel));
    dequantized->resize(static_cast<size_t>(numel));
    const StatsIndexer index(params);
    const uint32_t zero_code = params.zero_code();
    double error_sum = 0.0;
    for (int64_t e = 0; e < numel; ++e) {
        const size_t s = static_cast<size_t>(index(e));
        const float min = params.mins[s], scale = params.scales[s];
        const uint32_t symbol = quantize_value(values[e], min, scale, params);
        const float restored = dequantize_symbol(symbol, min, scale, zero_code);
        (*symbols)[static_cast<size_t>(e)] = symbol;
        (*dequantized)[static_cast<size_t>(e)] = restored;
        error_sum += std::fabs(static_cast<double>(values[e]) - static_cast<double>(restored));
    }
    return error_sum / static_cast<double>(numel);
}

}  // namespace

QuantizedTensor quantize_tensor(const float *values, const std::vector<int64_t> &shape, int bits,
                                bool zero_symbol)
{
    if (bits < kMinQuantBits || bits > kMaxQuantBits)
        fail_invalid_argument(format("quantize: bits = %d is outside [%d, %d]", bits, kMinQuantBits, kMaxQuantBits));
    const int64_t numel = element_count(shape);
    if (numel == 0)
        fail_invalid_argument("quantize: the tensor has no elements");
    for (int64_t e = 0; e < numel; ++e) {
        if (!std::isfinite(values[e]))
            fail_invalid_argument(format("quantize: element %lld is not finite", (long long)e));
    }

    QuantizationParams candidate;
    candidate.bits = bits;
    candidate.zero_symbol = zero_symbol;
    candidate.shape = shape;

    QuantizedTensor best;
    candidate.axis = -1;
    if (!compute_stats(values, numel, &candidate))
        fail_invalid_argument("quantize: the value range (max - min) overflows float32");
    double best_error = apply_candidate(values, numel, candidate, &best.symbols, &best.dequantized);
    best.params = candidate;

    std::vector<uint32_t> symbols;
    std::vector<float> dequantized;
    for (int axis = 0; axis < static_cast<int>(shape.size()); ++axis) {
        const int64_t stats = numel / shape[static_cast<size_t>(axis)];
        // Same test as the reference: a Python float division of the two element counts.
        if (!(static_cast<double>(stats) / static_cast<double>(numel) < kMaxAxisStatsFraction))
            continue;
        candidate.axis = axis;
        if (!compute_stats(values, numel, &candidate))
            continue;
        const double error = apply_candidate(values, numel, candidate, &symbols, &dequantized);
        if (error < best_error) {
            best_error = error;
            best.params = candidate;
            best.symbols.swap(symbols);
            best.dequantized.swap(dequantized);
        }
    }
    return best;
}

void dequantize(const QuantizationParams &params, int64_t first, const uint32_t *symbols, int64_t count, float *out)
{
    const StatsIndexer index(params);
    const uint32_t zero_code = params.zero_code();
    for (int64_t i = 0; i < count; ++i) {
        const size_t s = static_cast<size_t>(index(first + i));
        out[i] = dequantize_symbol(symbols[i], params.mins[s], params.scales[s], zero_code);
    }
}

}  // namespace nerv

// Uniform affine quantization with HNeRV's best-of-axes rule (docs/tensor-coding.md,
// reference: HNeRV hnerv_utils.py quant_tensor).
//
// Candidates: one (min, scale) for the whole tensor (float32), and for every axis a
// whose per-slice statistics would number < 2% of the elements, a (min, scale) per
// slice reduced over a (rounded to float16, as the reference stores them). Each
// candidate quantizes q = round_half_even((t - min) / scale) clamped to [0, 2^bits-1]
// and reconstructs t' = min + scale * q, all in float32 like torch; the candidate with
// the smallest mean |t - t'| wins (the first one on ties).
#pragma once

#include <cstdint>
#include <vector>

namespace nerv {

constexpr int kMinQuantBits = 2;
constexpr int kMaxQuantBits = 16;
/** HNeRV keeps a per-axis candidate only when its statistics are < 2% of the elements. */
constexpr double kMaxAxisStatsFraction = 0.02;

/** Everything needed to turn symbols back into values. */
struct QuantizationParams {
    int bits = 8;
    bool zero_symbol = false;        // exact zeros coded as symbol 2^bits (excluded from the stats)
    int axis = -1;                   // -1: one (min, scale) for the whole tensor
    std::vector<int64_t> shape;      // shape of the quantized tensor
    std::vector<float> mins, scales;  // one pair per statistics element (row-major over stats_shape())

    uint32_t max_level() const { return (1u << bits) - 1; }
    uint32_t zero_code() const { return 1u << bits; }
    uint32_t alphabet_size() const { return (1u << bits) + (zero_symbol ? 1u : 0u); }
    /** `shape` with dimension `axis` set to 1 ({1} for the whole-tensor candidate). */
    std::vector<int64_t> stats_shape() const;
    int64_t stats_count() const;
};

/** Maps a flat element index to the index of its (min, scale) pair. */
class StatsIndexer {
public:
    explicit StatsIndexer(const QuantizationParams &params);
    int64_t operator()(int64_t element) const
    {
        return (element / span_) * inner_ + element % inner_;
    }

private:
    int64_t span_ = 1;   // elements per step of the dimensions before `axis`
    int64_t inner_ = 1;  // elements per step of `axis`
};

struct QuantizedTensor {
    QuantizationParams params;
    std::vector<uint32_t> symbols;   // one per element, in [0, params.alphabet_size())
    std::vector<float> dequantized;  // exactly what dequantize() reconstructs from `symbols`
};

/**
 * Quantizes `values` (row-major `shape`, at least one element, all finite) with
 * `bits` in [kMinQuantBits, kMaxQuantBits]. Throws -EINVAL on bad arguments.
 */
QuantizedTensor quantize_tensor(const float *values, const std::vector<int64_t> &shape, int bits,
                                bool zero_symbol);

/**
 * The reconstruction of one symbol, in float32 in torch's order: the product is rounded
 * before the add. The volatile keeps compilers from fusing the two into one FMA (GCC's
 * C++ default on FMA targets such as aarch64 or -march=native), so every build decodes
 * bit-identically.
 */
inline float dequantize_symbol(uint32_t symbol, float min, float scale, uint32_t zero_code)
{
    if (symbol == zero_code)
        return 0.0f;
    const volatile float step = scale * static_cast<float>(symbol);
    return min + step;
}

/**
 * Reconstructs `count` elements starting at flat element `first` of the tensor that
 * `params` describes. Symbols must be < params.alphabet_size() (the decoder checks).
 */
void dequantize(const QuantizationParams &params, int64_t first, const uint32_t *symbols, int64_t count,
                float *out);

/** Product of `shape`; throws -EINVAL on negative dimensions or int64 overflow. */
int64_t element_count(const std::vector<int64_t> &shape);

}  // namespace nerv

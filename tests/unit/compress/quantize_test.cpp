#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compress/half_float.h"
#include "compress/quantize.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

std::vector<float> uniform_values(size_t count, float lo, float hi, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> values(count);
    for (float &v : values)
        v = dist(rng);
    return values;
}

/** Rows of a [rows, cols] tensor whose ranges differ wildly: per-row statistics win. */
std::vector<float> rows_with_offsets(int64_t rows, int64_t cols, uint64_t seed)
{
    std::vector<float> values = uniform_values(static_cast<size_t>(rows * cols), 0.0f, 1.0f, seed);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            values[static_cast<size_t>(r * cols + c)] += 10.0f * static_cast<float>(r);
    return values;
}

double mean_abs_error(const std::vector<float> &a, const std::vector<float> &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += std::fabs(static_cast<double>(a[i]) - b[i]);
    return sum / static_cast<double>(a.size());
}

TEST(QuantizeTest, WholeTensorErrorIsWithinHalfAStep)
{
    // [7, 13]: per-axis statistics would be 14% and 54% of the elements, so only the
    // whole-tensor candidate exists and its error bound is exact.
    const std::vector<int64_t> shape = {7, 13};
    const std::vector<float> values = uniform_values(91, -3.0f, 5.0f, 1);
    for (int bits = nerv::kMinQuantBits; bits <= nerv::kMaxQuantBits; ++bits) {
        const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), shape, bits, false);
        ASSERT_EQ(q.params.axis, -1);
        const float min = q.params.mins[0], scale = q.params.scales[0];
        EXPECT_EQ(min, *std::min_element(values.begin(), values.end()));
        EXPECT_EQ(scale, (*std::max_element(values.begin(), values.end()) - min) / static_cast<float>((1 << bits) - 1));
        for (size_t i = 0; i < values.size(); ++i) {
            ASSERT_LE(q.symbols[i], q.params.max_level());
            ASSERT_LE(std::fabs(values[i] - q.dequantized[i]), scale / 2 + 1e-6f) << "bits " << bits << " at " << i;
            ASSERT_EQ(q.dequantized[i], min + scale * static_cast<float>(q.symbols[i]));
        }
    }
}

TEST(QuantizeTest, RoundsHalvesToEven)
{
    // scale = 15 / 3 = 5, so the ratios are 0, 0.5, 1.5, 2.5, 3: torch's round() gives 0, 0, 2, 2, 3.
    const std::vector<float> values = {0.0f, 2.5f, 7.5f, 12.5f, 15.0f};
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {5}, 2, false);
    EXPECT_EQ(q.symbols, (std::vector<uint32_t>{0, 0, 2, 2, 3}));
    EXPECT_EQ(q.dequantized, (std::vector<float>{0.0f, 0.0f, 10.0f, 10.0f, 15.0f}));
}

TEST(QuantizeTest, ZeroSymbolKeepsZerosExactAndOutOfTheStatistics)
{
    std::vector<float> values = uniform_values(400, 1.0f, 2.0f, 2);
    for (size_t i = 0; i < values.size(); i += 3)
        values[i] = (i % 2) ? 0.0f : -0.0f;  // pruned weights can be either zero
    const int bits = 4;
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {20, 20}, bits, true);
    EXPECT_EQ(q.params.alphabet_size(), (1u << bits) + 1);
    for (float m : q.params.mins)
        EXPECT_GE(m, 0.99f) << "zeros must not pull the minimum down";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i % 3 == 0) {
            EXPECT_EQ(q.symbols[i], 1u << bits);
            EXPECT_EQ(q.dequantized[i], 0.0f);
        } else {
            EXPECT_LT(q.symbols[i], 1u << bits);
            EXPECT_LE(std::fabs(values[i] - q.dequantized[i]), 1.0f / 15 / 2 + 1e-6f);
        }
    }
    // Without the zero symbol the zeros set the minimum and cost precision.
    const nerv::QuantizedTensor plain = nerv::quantize_tensor(values.data(), {20, 20}, bits, false);
    EXPECT_EQ(plain.params.mins[0], 0.0f);
    EXPECT_GT(mean_abs_error(values, plain.dequantized), mean_abs_error(values, q.dequantized));
}

TEST(QuantizeTest, AllZeroTensorWithZeroSymbol)
{
    const std::vector<float> values(64, 0.0f);
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {64}, 8, true);
    EXPECT_EQ(q.symbols, std::vector<uint32_t>(64, 256));
    EXPECT_EQ(q.dequantized, values);
}

TEST(QuantizeTest, ChoosesTheAxisWhoseSlicesDifferInRange)
{
    // [4, 200]: reducing over axis 1 gives 4 (min, scale) pairs (0.5% of the elements),
    // one per row; reducing over axis 0 gives 200 (25%), which the 2% rule excludes.
    const std::vector<int64_t> shape = {4, 200};
    const std::vector<float> values = rows_with_offsets(4, 200, 3);
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), shape, 8, false);
    ASSERT_EQ(q.params.axis, 1);
    EXPECT_EQ(q.params.stats_shape(), (std::vector<int64_t>{4, 1}));
    ASSERT_EQ(q.params.mins.size(), 4u);
    // The whole-tensor step is ~31/255; per-row steps are ~1/255.
    EXPECT_LT(mean_abs_error(values, q.dequantized), 0.01);
}

TEST(QuantizeTest, AxisCandidateNeedsStatisticsUnderTwoPercent)
{
    // Columns with different ranges favour per-column statistics (reduce over axis 0).
    auto columns = [](int64_t rows) {
        std::vector<float> values = uniform_values(static_cast<size_t>(rows * 3), 0.0f, 1.0f, 4);
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < 3; ++c)
                values[static_cast<size_t>(r * 3 + c)] += 20.0f * static_cast<float>(c);
        return values;
    };
    // [50, 3]: 3 / 150 = 2.0% exactly, which is not below the limit.
    const std::vector<float> at_limit = columns(50);
    EXPECT_EQ(nerv::quantize_tensor(at_limit.data(), {50, 3}, 8, false).params.axis, -1);
    // [51, 3]: 3 / 153 = 1.96%.
    const std::vector<float> below_limit = columns(51);
    EXPECT_EQ(nerv::quantize_tensor(below_limit.data(), {51, 3}, 8, false).params.axis, 0);
}

TEST(QuantizeTest, AxisStatisticsAreRoundedToHalfAfterComputingTheScale)
{
    const int64_t rows = 3, cols = 300;
    std::vector<float> values = rows_with_offsets(rows, cols, 5);
    for (float &v : values)
        v = v * 0.731f + 0.3333f;  // values whose statistics are not exact halves
    const int bits = 6;
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {rows, cols}, bits, false);
    ASSERT_EQ(q.params.axis, 1);
    for (int64_t r = 0; r < rows; ++r) {
        const auto begin = values.begin() + r * cols, end = begin + cols;
        const float min = *std::min_element(begin, end), max = *std::max_element(begin, end);
        const float scale = (max - min) / static_cast<float>((1 << bits) - 1);
        EXPECT_NE(nerv::round_to_half(min), min);
        EXPECT_EQ(q.params.mins[static_cast<size_t>(r)], nerv::round_to_half(min));
        EXPECT_EQ(q.params.scales[static_cast<size_t>(r)], nerv::round_to_half(scale));
        for (int64_t c = 0; c < cols; ++c) {
            const size_t e = static_cast<size_t>(r * cols + c);
            EXPECT_EQ(q.dequantized[e], nerv::dequantize_symbol(q.symbols[e], q.params.mins[static_cast<size_t>(r)],
                                                                q.params.scales[static_cast<size_t>(r)], 1u << bits));
        }
    }
}

TEST(QuantizeTest, ConstantTensorHasZeroScaleAndExactValues)
{
    const std::vector<float> values(120, 3.25f);
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {2, 60}, 8, false);
    EXPECT_EQ(q.params.axis, -1);  // per-axis candidates tie with it; the first one wins
    EXPECT_EQ(q.params.scales[0], 0.0f);
    EXPECT_EQ(q.symbols, std::vector<uint32_t>(120, 0));
    EXPECT_EQ(q.dequantized, values);
}

TEST(QuantizeTest, ConstantRowsUseZeroScalePerRow)
{
    // Row values exact in half; 0.375 falls between the whole-tensor levels.
    const float row_value[3] = {-1.5f, 0.375f, 7.25f};
    std::vector<float> values(3 * 100);
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = row_value[i / 100];
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {3, 100}, 4, false);
    EXPECT_EQ(q.params.axis, 1);
    EXPECT_EQ(q.params.scales, (std::vector<float>{0.0f, 0.0f, 0.0f}));
    EXPECT_EQ(q.dequantized, values);
}

TEST(QuantizeTest, DequantizeReproducesTheQuantizerOutput)
{
    const std::vector<float> values = rows_with_offsets(3, 400, 6);
    const nerv::QuantizedTensor q = nerv::quantize_tensor(values.data(), {3, 400}, 7, false);
    std::vector<float> restored(values.size());
    // In two pieces, as a frame decoder would.
    nerv::dequantize(q.params, 0, q.symbols.data(), 500, restored.data());
    nerv::dequantize(q.params, 500, q.symbols.data() + 500, 700, restored.data() + 500);
    EXPECT_EQ(restored, q.dequantized);
}

TEST(QuantizeTest, StatsIndexerMapsElementsToTheirSlice)
{
    nerv::QuantizationParams params;
    params.shape = {2, 3, 4};
    params.axis = 1;  // stats [2, 1, 4]
    const nerv::StatsIndexer index(params);
    EXPECT_EQ(index(0), 0);
    EXPECT_EQ(index(3), 3);
    EXPECT_EQ(index(4), 0);   // (0, 1, 0)
    EXPECT_EQ(index(11), 3);  // (0, 2, 3)
    EXPECT_EQ(index(12), 4);  // (1, 0, 0)
    EXPECT_EQ(index(23), 7);
    params.axis = -1;
    EXPECT_EQ(nerv::StatsIndexer(params)(23), 0);
}

TEST(QuantizeTest, RejectsInvalidArguments)
{
    const std::vector<float> values = {1.0f, 2.0f, 3.0f, NAN};
    auto code_of = [&](const std::vector<int64_t> &shape, int bits) {
        try {
            nerv::quantize_tensor(values.data(), shape, bits, false);
        } catch (const nerv::Error &e) {
            return e.code();
        }
        return 0;
    };
    EXPECT_EQ(code_of({3}, 1), -EINVAL);
    EXPECT_EQ(code_of({3}, 17), -EINVAL);
    EXPECT_EQ(code_of({4}, 8), -EINVAL);  // NaN
    EXPECT_EQ(code_of({0}, 8), -EINVAL);
    EXPECT_EQ(code_of({-1}, 8), -EINVAL);
    EXPECT_EQ(code_of({3}, 8), 0);
    const std::vector<float> huge = {-3e38f, 3e38f};
    EXPECT_THROW(nerv::quantize_tensor(huge.data(), {2}, 8, false), nerv::Error);
}

}  // namespace NERV_TEST_FILE

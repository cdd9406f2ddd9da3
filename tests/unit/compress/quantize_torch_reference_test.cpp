// The quantizer is plain C++ so that compress/ stays free of LibTorch; this test pins it
// to the reference formula evaluated by torch itself (HNeRV hnerv_utils.py quant_tensor:
// the candidates, float16 statistics, round-half-even, clamp, mean |t - t'| selection).
#include <torch/torch.h>

#include <vector>

#include <gtest/gtest.h>

#include "compress/half_float.h"
#include "compress/quantize.h"

namespace NERV_TEST_FILE {

struct ReferenceResult {
    int axis = -1;
    torch::Tensor symbols, dequantized;
};

ReferenceResult torch_reference_quantize(const torch::Tensor &t, int bits)
{
    const double levels = static_cast<double>((1 << bits) - 1);
    std::vector<std::pair<torch::Tensor, torch::Tensor>> candidates;  // (min, scale)
    std::vector<int> axes = {-1};
    candidates.push_back({t.min(), (t.max() - t.min()) / levels});
    for (int64_t axis = 0; axis < t.dim(); ++axis) {
        const torch::Tensor min = std::get<0>(t.min(axis, true)), max = std::get<0>(t.max(axis, true));
        if (static_cast<double>(min.numel()) / static_cast<double>(t.numel()) < 0.02) {
            const torch::Tensor scale = (max - min) / levels;
            candidates.push_back({min.to(torch::kHalf), scale.to(torch::kHalf)});
            axes.push_back(static_cast<int>(axis));
        }
    }
    ReferenceResult best;
    float best_error = 0.0f;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const torch::Tensor min = candidates[i].first.expand_as(t), scale = candidates[i].second.expand_as(t);
        const torch::Tensor q = ((t - min) / scale).round().clamp(0, levels);
        const torch::Tensor restored = min + scale * q;
        const float error = (t - restored).abs().mean().item<float>();
        if (i == 0 || error < best_error) {
            best_error = error;
            best.axis = axes[i];
            best.symbols = q.to(torch::kInt64);
            best.dequantized = restored.to(torch::kFloat32);
        }
    }
    return best;
}

TEST(QuantizeTorchReferenceTest, MatchesTheReferenceFormulaBitForBit)
{
    torch::manual_seed(7);
    const std::vector<std::vector<int64_t>> shapes = {{300}, {64, 3}, {3, 5, 70}, {2, 60, 3, 3}, {7, 13}};
    int whole_chosen = 0, axis_chosen = 0;
    for (const auto &shape : shapes) {
        for (int bits : {2, 4, 6, 8, 12, 16}) {
            // Per-slice offsets make the axis candidates competitive.
            torch::Tensor t = torch::randn(shape) * 0.05 + torch::randn({shape.back()}) * 0.3;
            t = t.contiguous();
            const ReferenceResult expected = torch_reference_quantize(t, bits);
            const nerv::QuantizedTensor got = nerv::quantize_tensor(t.data_ptr<float>(), shape, bits, false);
            ASSERT_EQ(got.params.axis, expected.axis) << "shape rank " << shape.size() << " bits " << bits;
            (got.params.axis < 0 ? whole_chosen : axis_chosen) += 1;
            const int64_t *q = expected.symbols.data_ptr<int64_t>();
            const float *restored = expected.dequantized.data_ptr<float>();
            for (int64_t i = 0; i < t.numel(); ++i) {
                ASSERT_EQ(got.symbols[static_cast<size_t>(i)], static_cast<uint32_t>(q[i])) << "element " << i;
                ASSERT_EQ(got.dequantized[static_cast<size_t>(i)], restored[i]) << "element " << i;
            }
        }
    }
    // Both kinds of candidate were exercised.
    EXPECT_GT(whole_chosen, 0);
    EXPECT_GT(axis_chosen, 0);
}

TEST(QuantizeTorchReferenceTest, HalfRoundingMatchesTorch)
{
    torch::manual_seed(8);
    // Normal, subnormal and overflowing magnitudes.
    const torch::Tensor values = torch::cat({torch::randn({20000}) * 1000, torch::randn({20000}) * 1e-6,
                                             torch::randn({2000}) * 1e5})
                                     .contiguous();
    const torch::Tensor halves = values.to(torch::kHalf).to(torch::kFloat32);
    for (int64_t i = 0; i < values.numel(); ++i) {
        const float expected = halves.data_ptr<float>()[i];
        ASSERT_EQ(nerv::round_to_half(values.data_ptr<float>()[i]), expected) << values.data_ptr<float>()[i];
    }
}

}  // namespace NERV_TEST_FILE

// Quantization-aware fine-tuning: the torch fake quantizer reconstructs what the codec stores
// (so the weights after the phase are coded without further error), pruned zeros stay zero,
// and the straight-through step trains the float weights at the quantized point.
#include <gtest/gtest.h>

#include <limits>

#include <torch/torch.h>

#include "../arch/arch_test_model.h"
#include "arch/registry.h"
#include "compress/quantize.h"
#include "train/quant_aware.h"

namespace NERV_TEST_FILE {

std::vector<int64_t> dims(const torch::Tensor &t) { return std::vector<int64_t>(t.sizes().begin(), t.sizes().end()); }

/** The codec's reconstruction of `t` at `bits` (best-of-axes rule, as the encoder stores it). */
nerv::QuantizedTensor codec(const torch::Tensor &t, int bits, bool zero_symbol)
{
    const torch::Tensor c = t.contiguous();
    return nerv::quantize_tensor(c.data_ptr<float>(), dims(c), bits, zero_symbol);
}

TEST(QuantAwareTest, FakeQuantizedWeightsAreWhatTheCodecStores)
{
    torch::manual_seed(3);
    for (int bits : {2, 4, 5, 6, 8, 12}) {
        for (const auto &shape : std::vector<std::vector<int64_t>>{{300}, {64, 3}, {24, 12, 5, 5}, {116, 35, 3, 3}}) {
            const torch::Tensor w = torch::randn(shape) * 0.05 + 0.01;
            const torch::Tensor fq = nerv::fake_quantize(w, bits, false);
            // At most half a step from the float weights, on at most 2^bits levels.
            const float step = (w.max() - w.min()).item<float>() / static_cast<float>((1 << bits) - 1);
            const float rounding = 4 * std::numeric_limits<float>::epsilon() * w.abs().max().item<float>();
            EXPECT_LE((fq - w).abs().max().item<float>(), 0.5f * step + rounding) << bits;
            const torch::Tensor sorted = std::get<0>(fq.flatten().sort());
            const int64_t levels = 1 + sorted.slice(0, 1).ne(sorted.slice(0, 0, -1)).sum().item<int64_t>();
            EXPECT_LE(levels, int64_t(1) << bits);
            // The codec stores them as they are: its whole-tensor candidate reconstructs them.
            const nerv::QuantizedTensor q = codec(fq, bits, false);
            EXPECT_EQ(q.params.axis, -1) << bits;
            const torch::Tensor back = torch::from_blob(const_cast<float *>(q.dequantized.data()), fq.sizes());
            EXPECT_LE((back - fq).abs().max().item<float>(), 1e-3f * step) << "bits " << bits;
        }
    }
}

TEST(QuantAwareTest, PrunedZerosStayOutOfTheRangeAndStayZero)
{
    torch::manual_seed(4);
    torch::Tensor w = torch::randn({32, 16, 3, 3}) * 0.1 + 0.5;  // all positive but the pruned ones
    w.masked_fill_(torch::rand(w.sizes()) < 0.3, 0.0f);
    const torch::Tensor fq = nerv::fake_quantize(w, 4, true);
    EXPECT_TRUE(fq.eq(0).equal(w.eq(0)));
    const torch::Tensor kept = w.masked_select(w.ne(0));
    // The range is that of the kept weights, not stretched down to 0.
    EXPECT_FLOAT_EQ(fq.masked_select(w.ne(0)).min().item<float>(), kept.min().item<float>());
    const nerv::QuantizedTensor q = codec(fq, 4, true);
    EXPECT_EQ(q.params.axis, -1);
    const torch::Tensor back = torch::from_blob(const_cast<float *>(q.dequantized.data()), fq.sizes());
    EXPECT_LE((back - fq).abs().max().item<float>(), 1e-6f * (kept.max() - kept.min()).item<float>());
    // A tensor of zeros alone stays zeros.
    EXPECT_TRUE(nerv::fake_quantize(torch::zeros({5, 5}), 4, true).eq(0).all().item<bool>());
}

TEST(QuantAwareTest, ConstantTensorReconstructsAsItself)
{
    const torch::Tensor c = torch::full({7, 3}, 0.25f);
    EXPECT_TRUE(nerv::fake_quantize(c, 6, false).equal(c));
    EXPECT_THROW(nerv::fake_quantize(c, 1, false), nerv::Error);
    EXPECT_THROW(nerv::fake_quantize(c, 17, false), nerv::Error);
}

TEST(QuantAwareTest, StepRunsAtTheQuantizedWeightsAndUpdatesTheFloatOnes)
{
    const nerv::ArchEntry *hnerv = nerv::find_arch("hnerv");
    ASSERT_NE(hnerv, nullptr);
    torch::manual_seed(1);
    nerv::VideoModel model = nerv_test::create_arch_model(*hnerv, 64, 32, 4, "20k", "");
    nerv::QuantAwareWeights qa(*model, 4, {});
    ASSERT_FALSE(qa.empty());
    std::vector<torch::Tensor> before, quantized;
    for (const auto &p : model->named_parameters(true)) {
        if (model->is_transmitted(p.key())) {
            before.push_back(p.value().detach().clone());
            quantized.push_back(nerv::fake_quantize(p.value(), 4, false));
        }
    }
    auto expect_weights = [&](const std::vector<torch::Tensor> &expected, const char *when) {
        size_t i = 0;
        for (const auto &p : model->named_parameters(true)) {
            if (model->is_transmitted(p.key())) {
                EXPECT_TRUE(p.value().equal(expected[i])) << p.key() << " " << when;
                ++i;
            }
        }
    };
    qa.quantize_for_step();
    expect_weights(quantized, "during a step");
    qa.restore_float();
    expect_weights(before, "after the step");
    qa.snap();
    expect_weights(quantized, "after snap");
}

}  // namespace NERV_TEST_FILE

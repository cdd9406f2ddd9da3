#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compress/bit_packing.h"
#include "compress/quantize.h"
#include "compress/tensor_codec.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

std::vector<float> normal_values(size_t count, uint64_t seed, float sigma = 0.05f)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> dist(0.0f, sigma);
    std::vector<float> values(count);
    for (float &v : values)
        v = dist(rng);
    return values;
}

size_t numel(const std::vector<int64_t> &shape) { return static_cast<size_t>(nerv::element_count(shape)); }

bool same_bits(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

int decode_error(const std::vector<uint8_t> &payload, const std::vector<int64_t> &shape)
{
    try {
        nerv::decode_tensor(payload.data(), payload.size(), shape);
    } catch (const nerv::Error &e) {
        return e.code();
    }
    return 0;
}

class TensorCodecRoundTripTest : public ::testing::TestWithParam<std::tuple<std::vector<int64_t>, int>> {};

TEST_P(TensorCodecRoundTripTest, DecodesExactlyWhatTheEncoderReported)
{
    const std::vector<int64_t> shape = std::get<0>(GetParam());
    const int bits = std::get<1>(GetParam());
    const std::vector<float> values = normal_values(numel(shape), 41 + static_cast<uint64_t>(bits));
    nerv::TensorCodingOptions opts;
    opts.bits = bits;
    std::vector<float> dequantized;
    const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), shape, opts, &dequantized);
    const std::vector<float> decoded = nerv::decode_tensor(payload.data(), payload.size(), shape);
    ASSERT_TRUE(same_bits(decoded, dequantized));
    // Quantized to 2^bits levels over the range: never worse than one step (axis stats are half-rounded).
    const float range = 2 * 0.05f * 5;
    for (size_t i = 0; i < values.size(); ++i)
        ASSERT_LE(std::fabs(values[i] - decoded[i]), range / static_cast<float>((1 << bits) - 1) + 1e-3f);
}

INSTANTIATE_TEST_SUITE_P(ShapesAndBits, TensorCodecRoundTripTest,
                         ::testing::Combine(::testing::Values(std::vector<int64_t>{}, std::vector<int64_t>{1},
                                                              std::vector<int64_t>{37},
                                                              std::vector<int64_t>{5000},
                                                              std::vector<int64_t>{64, 70},
                                                              std::vector<int64_t>{3, 60, 9},
                                                              std::vector<int64_t>{16, 8, 3, 3}),
                                            ::testing::Range(2, 17)));

TEST(TensorCodecTest, RawFloat32IsBitExact)
{
    std::vector<float> values = normal_values(100, 42);
    values[3] = NAN;  // raw coding keeps anything, even values no quantizer would accept
    values[4] = -INFINITY;
    nerv::TensorCodingOptions opts;
    opts.bits = 0;
    std::vector<float> dequantized;
    const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), {10, 10}, opts, &dequantized);
    EXPECT_EQ(payload.size(), 1 + 4 * values.size());
    EXPECT_TRUE(same_bits(dequantized, values));
    EXPECT_TRUE(same_bits(nerv::decode_tensor(payload.data(), payload.size(), {10, 10}), values));
    EXPECT_EQ(decode_error(payload, {10, 11}), NERV_ERROR_INVALIDDATA);
}

TEST(TensorCodecTest, EmptyTensorRoundTrips)
{
    nerv::TensorCodingOptions opts;
    const std::vector<uint8_t> payload = nerv::encode_tensor(nullptr, {0, 4}, opts, nullptr);
    EXPECT_TRUE(nerv::decode_tensor(payload.data(), payload.size(), {0, 4}).empty());
}

TEST(TensorCodecTest, ZeroSymbolKeepsPrunedWeightsExact)
{
    std::vector<float> values = normal_values(4096, 43);
    for (size_t i = 0; i < values.size(); i += 2)
        values[i] = 0.0f;
    for (int bits : {2, 6, 16}) {  // 16 bits: the largest alphabet, 2^16 + 1 symbols
        nerv::TensorCodingOptions opts;
        opts.bits = bits;
        opts.zero_symbol = true;
        std::vector<float> dequantized;
        const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), {64, 64}, opts, &dequantized);
        const std::vector<float> decoded = nerv::decode_tensor(payload.data(), payload.size(), {64, 64});
        ASSERT_TRUE(same_bits(decoded, dequantized));
        for (size_t i = 0; i < values.size(); i += 2)
            EXPECT_EQ(decoded[i], 0.0f);
        // Half the symbols are one value: the entropy coder beats packing bits + 1 wide (stats included),
        // except at 16 bits where 2048 distinct levels make the table too large to pay off.
        const size_t packed = nerv::packed_size(values.size(), bits + 1);
        if (bits < 16)
            EXPECT_LT(payload.size(), packed * 85 / 100) << bits;
        else
            EXPECT_EQ(payload.size(), 13 + packed);  // coding, bits/flags/axis, f32 min+scale, method
    }
}

TEST(TensorCodecTest, PicksTheSmallerSymbolCoding)
{
    nerv::TensorCodingOptions opts;
    opts.bits = 8;
    // A tiny bias: a table cannot pay for itself, so the symbols are bit-packed.
    const std::vector<float> bias = normal_values(12, 44);
    const std::vector<uint8_t> small = nerv::encode_tensor(bias.data(), {12}, opts, nullptr);
    EXPECT_EQ(small.size(), 1 + 3 + 8 + 1 + 12u);  // coding, bits/flags/axis, f32 min+scale, method, 12 bytes
    // A large Gaussian weight uses far fewer than 8 bits per symbol once entropy-coded.
    const std::vector<float> weight = normal_values(100000, 45);
    const std::vector<uint8_t> large = nerv::encode_tensor(weight.data(), {100000}, opts, nullptr);
    EXPECT_LT(large.size(), 100000u * 7 / 8);
}

TEST(TensorCodecTest, RejectsInvalidOptions)
{
    const std::vector<float> values = normal_values(10, 46);
    for (int bits : {1, 17, -1}) {
        nerv::TensorCodingOptions opts;
        opts.bits = bits;
        EXPECT_THROW(nerv::encode_tensor(values.data(), {10}, opts, nullptr), nerv::Error) << bits;
    }
}

TEST(TensorCodecTest, DecoderChecksThePayloadAgainstTheShape)
{
    const std::vector<float> values = normal_values(5000, 47);
    nerv::TensorCodingOptions opts;
    opts.bits = 8;
    const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), {50, 100}, opts, nullptr);
    EXPECT_EQ(decode_error(payload, {50, 100}), 0);
    EXPECT_EQ(decode_error(payload, {50, 101}), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error(payload, {49, 100}), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error(payload, {0, 100}), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error({}, {50, 100}), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error({7}, {50, 100}), NERV_ERROR_INVALIDDATA);  // unknown coding
    EXPECT_EQ(decode_error(payload, {-1, 100}), -EINVAL);
}

TEST(TensorCodecTest, AxisStatisticsCountFollowsTheShape)
{
    // Rows with different offsets: per-row float16 statistics are chosen ([4, 1] pairs).
    std::vector<float> values = normal_values(4 * 300, 48, 0.01f);
    for (size_t i = 0; i < values.size(); ++i)
        values[i] += static_cast<float>(i / 300);
    nerv::TensorCodingOptions opts;
    opts.bits = 8;
    std::vector<float> dequantized;
    const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), {4, 300}, opts, &dequantized);
    ASSERT_EQ(payload[3], 1);  // axis byte
    EXPECT_TRUE(same_bits(nerv::decode_tensor(payload.data(), payload.size(), {4, 300}), dequantized));
    // The same bytes read with another row count either misparse or mismatch, never decode.
    EXPECT_EQ(decode_error(payload, {3, 400}), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error(payload, {4}), NERV_ERROR_INVALIDDATA);  // axis 1 of a rank-1 tensor
}

void mutate(std::vector<uint8_t> &payload, std::mt19937_64 &rng, int kind)
{
    switch (kind) {
    case 0:
        payload[rng() % payload.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
    case 1:
        payload.resize(rng() % payload.size());
        break;
    case 2:
        for (int k = 0; k < 3; ++k)
            payload[rng() % payload.size()] = static_cast<uint8_t>(rng());
        break;
    default:
        payload.resize(rng() % 64);
        for (uint8_t &b : payload)
            b = static_cast<uint8_t>(rng());
    }
}

TEST(TensorCodecTest, CorruptPayloadsThrowOrDecodeToTheRightSize)
{
    nerv::TensorCodingOptions rans_opts, packed_opts, zero_opts;
    rans_opts.bits = 6;
    packed_opts.bits = 12;
    zero_opts.bits = 4;
    zero_opts.zero_symbol = true;
    const std::vector<int64_t> shape = {8, 60};
    std::vector<float> values = normal_values(480, 49);
    for (size_t i = 0; i < values.size(); i += 4)
        values[i] = 0.0f;
    std::mt19937_64 rng(50);
    for (const nerv::TensorCodingOptions &opts : {rans_opts, packed_opts, zero_opts}) {
        const std::vector<uint8_t> original = nerv::encode_tensor(values.data(), shape, opts, nullptr);
        for (int trial = 0; trial < 1500; ++trial) {
            std::vector<uint8_t> payload = original;
            const int kind = trial % 4;
            mutate(payload, rng, kind);
            try {
                const std::vector<float> decoded = nerv::decode_tensor(payload.data(), payload.size(), shape);
                ASSERT_EQ(decoded.size(), values.size());
                ASSERT_NE(kind, 1) << "a truncated payload decoded";
            } catch (const nerv::Error &e) {
                ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
            }
        }
    }
}

// --- per-frame tensors ---------------------------------------------------------------------

/** The symbols' empirical entropy over the whole tensor, in bytes (no table, no stream state). */
double entropy_bytes(const nerv::QuantizedTensor &q)
{
    std::vector<double> counts(q.params.alphabet_size(), 0.0);
    for (uint32_t symbol : q.symbols)
        counts[symbol] += 1;
    double bits = 0;
    for (double c : counts)
        bits -= c > 0 ? c * std::log2(c / static_cast<double>(q.symbols.size())) : 0.0;
    return bits / 8;
}

std::vector<float> embeddings(int64_t frames, uint64_t seed)
{
    // HNeRV-like embeddings [N, 16, 2, 4] drifting slowly over time.
    std::vector<float> values = normal_values(static_cast<size_t>(frames * 128), seed, 0.3f);
    for (size_t i = 0; i < values.size(); ++i)
        values[i] += 0.01f * static_cast<float>(i / 128);
    return values;
}

void expect_random_access(const std::vector<float> &stacked, int64_t frames, const std::vector<int64_t> &frame_shape,
                          const nerv::TensorCodingOptions &opts)
{
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), frames, frame_shape, opts);
    ASSERT_EQ(encoding.frame_payloads.size(), static_cast<size_t>(frames));
    ASSERT_EQ(encoding.dequantized.size(), stacked.size());
    const nerv::FrameTensorDecoder decoder(encoding.codec_payload.data(), encoding.codec_payload.size(), frames,
                                           frame_shape);
    const size_t frame_numel = numel(frame_shape);
    // Any order, each frame on its own.
    for (int64_t f = frames - 1; f >= 0; f -= 3) {
        const auto &payload = encoding.frame_payloads[static_cast<size_t>(f)];
        const std::vector<float> frame = decoder.decode(f, payload.data(), payload.size());
        const std::vector<float> expected(encoding.dequantized.begin() + f * frame_numel,
                                          encoding.dequantized.begin() + (f + 1) * frame_numel);
        ASSERT_TRUE(same_bits(frame, expected)) << "frame " << f;
    }
}

TEST(FrameTensorCodecTest, RandomAccessDecodeEqualsTheStackedReconstruction)
{
    const std::vector<int64_t> frame_shape = {16, 2, 4};
    for (int bits : {2, 6, 8, 16}) {
        nerv::TensorCodingOptions opts;
        opts.bits = bits;
        expect_random_access(embeddings(132, 51), 132, frame_shape, opts);  // axis 0 eligible (N > 50)
        expect_random_access(embeddings(10, 52), 10, frame_shape, opts);
    }
    nerv::TensorCodingOptions raw;
    raw.bits = 0;
    expect_random_access(embeddings(7, 53), 7, frame_shape, raw);
}

TEST(FrameTensorCodecTest, SharedTableMakesFramesSmallerThanPacking)
{
    // Peaked (Laplacian-like) values over 512-element frames: the shared table pays off.
    std::mt19937_64 rng(54);
    std::exponential_distribution<float> magnitude(20.0f);
    std::vector<float> stacked(40 * 512);
    for (float &v : stacked)
        v = ((rng() & 1) ? 1.0f : -1.0f) * magnitude(rng);
    nerv::TensorCodingOptions opts;
    opts.bits = 6;
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 40, {512}, opts);
    size_t frames_total = 0;
    for (const auto &p : encoding.frame_payloads)
        frames_total += p.size();
    EXPECT_LT(frames_total + encoding.codec_payload.size(), 40 * nerv::packed_size(512, 6) * 9 / 10);
    // Each frame costs its share of the empirical entropy plus the 4-byte rANS state.
    const nerv::QuantizedTensor q = nerv::quantize_tensor(stacked.data(), {40, 512}, 6, false);
    EXPECT_LT(static_cast<double>(frames_total), 1.01 * entropy_bytes(q) + 40 * 4);
    expect_random_access(stacked, 40, {512}, opts);
}

TEST(FrameTensorCodecTest, NeverLargerThanPackingTheFrames)
{
    // Flat 128-symbol frames: entropy coding cannot beat packing by its per-frame flush, so it is not used.
    std::mt19937_64 rng(58);
    std::uniform_real_distribution<float> flat(-1.0f, 1.0f);
    std::vector<float> stacked(30 * 128);
    for (float &v : stacked)
        v = flat(rng);
    nerv::TensorCodingOptions opts;
    opts.bits = 6;
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 30, {16, 2, 4}, opts);
    for (const auto &p : encoding.frame_payloads)
        EXPECT_EQ(p.size(), nerv::packed_size(128, 6));
    expect_random_access(stacked, 30, {16, 2, 4}, opts);
}

TEST(FrameTensorCodecTest, PerFrameStatisticsFollowTheStackedShape)
{
    // Frames with very different offsets: statistics per frame (reduce over axis 1 of [N, 200]).
    std::vector<float> stacked = normal_values(6 * 200, 55, 0.01f);
    for (size_t i = 0; i < stacked.size(); ++i)
        stacked[i] += 3.0f * static_cast<float>(i / 200);
    nerv::TensorCodingOptions opts;
    opts.bits = 8;
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 6, {200}, opts);
    ASSERT_EQ(encoding.codec_payload[3], 1);  // axis byte: per-frame (min, scale)
    expect_random_access(stacked, 6, {200}, opts);
}

/** Embeddings as a trained HNeRV segment has them: each element keeps near its own level
 *  (spread over the whole range between elements) and moves a little from frame to frame. */
std::vector<float> slowly_changing_frames(int64_t frames, int64_t frame_numel, uint64_t seed)
{
    const std::vector<float> levels = normal_values(static_cast<size_t>(frame_numel), seed, 1.0f);
    const std::vector<float> motion = normal_values(static_cast<size_t>(frames * frame_numel), seed + 1, 0.03f);
    std::vector<float> stacked(motion.size());
    for (size_t e = 0; e < stacked.size(); ++e)
        stacked[e] = levels[e % static_cast<size_t>(frame_numel)] + motion[e];
    return stacked;
}

/** The symbol coding byte of a whole-tensor-statistics codec payload (coding, bits, flags, axis, min, scale). */
uint8_t symbol_coding(const nerv::FrameTensorEncoding &encoding)
{
    EXPECT_EQ(encoding.codec_payload.at(3), 0xff);
    return encoding.codec_payload.at(12);
}

TEST(FrameTensorCodecTest, PredictionFromTheSegmentShrinksSlowlyChangingFrames)
{
    for (bool zero_symbol : {false, true}) {
        std::vector<float> stacked = slowly_changing_frames(40, 192, 59);
        if (zero_symbol)  // the same elements zero in every frame
            for (size_t e = 0; e < stacked.size(); ++e)
                if (e % 192 % 7 == 0)
                    stacked[e] = 0.0f;
        nerv::TensorCodingOptions opts;
        opts.bits = 6;
        opts.zero_symbol = zero_symbol;
        const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 40, {16, 3, 4}, opts);
        ASSERT_EQ(symbol_coding(encoding), 2);  // predicted rANS
        size_t total = encoding.codec_payload.size();
        for (const auto &p : encoding.frame_payloads)
            total += p.size();
        // Without prediction each frame costs about the symbols' entropy over the segment (~5 of 6
        // bits); the residuals from each element's median cost well under half of that.
        const nerv::QuantizedTensor q = nerv::quantize_tensor(stacked.data(), {40, 16, 3, 4}, 6, zero_symbol);
        EXPECT_LT(static_cast<double>(total), 0.5 * entropy_bytes(q)) << "zero symbol " << zero_symbol;
        expect_random_access(stacked, 40, {16, 3, 4}, opts);
    }
}

TEST(FrameTensorCodecTest, OneFrameAndUnrelatedFramesKeepTheOtherCodings)
{
    nerv::TensorCodingOptions opts;
    opts.bits = 6;
    // One frame: its own median predicts it exactly, but the predictions cost what packing does.
    const std::vector<float> one = slowly_changing_frames(1, 512, 60);
    EXPECT_NE(symbol_coding(nerv::encode_frame_tensor(one.data(), 1, {512}, opts)), 2);
    expect_random_access(one, 1, {512}, opts);
    // Frames independent of each other: nothing to predict.
    const std::vector<float> unrelated = normal_values(40 * 128, 61, 1.0f);
    EXPECT_NE(symbol_coding(nerv::encode_frame_tensor(unrelated.data(), 40, {16, 2, 4}, opts)), 2);
}

TEST(FrameTensorCodecTest, PredictedCodingRejectsDamage)
{
    nerv::TensorCodingOptions opts;
    opts.bits = 5;
    const std::vector<float> stacked = slowly_changing_frames(20, 128, 62);
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 20, {16, 2, 4}, opts);
    ASSERT_EQ(symbol_coding(encoding), 2);
    // The predictions' size follows the frame shape: another shape or a cut payload fails up front.
    const std::vector<uint8_t> &codec = encoding.codec_payload;
    EXPECT_THROW(nerv::FrameTensorDecoder(codec.data(), codec.size(), 20, {16, 2, 40}), nerv::Error);
    for (size_t cut = 0; cut < codec.size(); ++cut)
        EXPECT_THROW(nerv::FrameTensorDecoder(codec.data(), cut, 20, {16, 2, 4}), nerv::Error) << cut;
    // A whole tensor never uses the predicted coding: the same byte there is invalid data.
    std::vector<float> values = normal_values(300, 63);
    std::vector<uint8_t> whole = nerv::encode_tensor(values.data(), {300}, opts, nullptr);
    const size_t statistics = whole.at(3) == 0xff ? 8 : 4;  // f32 (min, scale), or one f16 pair over axis 0
    ASSERT_LE(whole.at(4 + statistics), 1);  // packed or rANS
    whole.at(4 + statistics) = 2;
    EXPECT_EQ(decode_error(whole, {300}), NERV_ERROR_INVALIDDATA);

    const nerv::FrameTensorDecoder decoder(codec.data(), codec.size(), 20, {16, 2, 4});
    std::mt19937_64 rng(64);
    for (int trial = 0; trial < 2000; ++trial) {
        std::vector<uint8_t> corrupt = encoding.frame_payloads[static_cast<size_t>(trial % 20)];
        mutate(corrupt, rng, trial % 4);
        try {
            ASSERT_EQ(decoder.decode(trial % 20, corrupt.data(), corrupt.size()).size(), 128u);
            ASSERT_NE(trial % 4, 1) << "a truncated frame payload decoded";
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
        }
        std::vector<uint8_t> damaged = codec;
        mutate(damaged, rng, trial % 4);
        try {
            const nerv::FrameTensorDecoder d(damaged.data(), damaged.size(), 20, {16, 2, 4});
            const auto &payload = encoding.frame_payloads[static_cast<size_t>(trial % 20)];
            ASSERT_EQ(d.decode(trial % 20, payload.data(), payload.size()).size(), 128u);
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
        }
    }
}

TEST(FrameTensorCodecTest, DecoderRejectsBadFramesAndPayloads)
{
    nerv::TensorCodingOptions opts;
    opts.bits = 6;
    const std::vector<float> stacked = embeddings(20, 56);
    const nerv::FrameTensorEncoding encoding = nerv::encode_frame_tensor(stacked.data(), 20, {16, 2, 4}, opts);
    const nerv::FrameTensorDecoder decoder(encoding.codec_payload.data(), encoding.codec_payload.size(), 20,
                                           {16, 2, 4});
    const auto &payload = encoding.frame_payloads[4];
    EXPECT_THROW(decoder.decode(20, payload.data(), payload.size()), nerv::Error);
    EXPECT_THROW(decoder.decode(-1, payload.data(), payload.size()), nerv::Error);
    EXPECT_THROW(decoder.decode(4, payload.data(), payload.size() - 1), nerv::Error);
    // A codec payload for another frame shape or a truncated one is rejected up front.
    EXPECT_THROW(nerv::FrameTensorDecoder(encoding.codec_payload.data(), encoding.codec_payload.size() - 1, 20,
                                          {16, 2, 4}),
                 nerv::Error);
    // Frames of another size do not decode from these payloads.
    const nerv::FrameTensorDecoder smaller(encoding.codec_payload.data(), encoding.codec_payload.size(), 20, {16, 2});
    EXPECT_THROW(smaller.decode(4, payload.data(), payload.size()), nerv::Error);

    std::mt19937_64 rng(57);
    for (int trial = 0; trial < 2000; ++trial) {
        std::vector<uint8_t> corrupt = encoding.frame_payloads[static_cast<size_t>(trial % 20)];
        mutate(corrupt, rng, trial % 4);
        try {
            ASSERT_EQ(decoder.decode(trial % 20, corrupt.data(), corrupt.size()).size(), 128u);
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
        }
        std::vector<uint8_t> codec = encoding.codec_payload;
        mutate(codec, rng, trial % 4);
        try {
            nerv::FrameTensorDecoder(codec.data(), codec.size(), 20, {16, 2, 4});
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
        }
    }
}

}  // namespace NERV_TEST_FILE

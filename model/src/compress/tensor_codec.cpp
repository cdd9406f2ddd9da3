// Byte format: docs/tensor-coding.md. Every count the decoder uses comes from the shape
// the caller passes; the payload only has to agree with it.
#include "compress/tensor_codec.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "compress/bit_packing.h"
#include "compress/frequency_table.h"
#include "compress/half_float.h"
#include "compress/quantize.h"
#include "compress/rans.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {

namespace {

enum class Coding : uint8_t { RawFloat32 = 0, Quantized = 1 };
// PredictedRans (per-frame tensors only): each frame codes (symbol - prediction) mod alphabet,
// the predictions (one per frame element) stored once in the codec payload.
enum class SymbolCoding : uint8_t { BitPacked = 0, Rans = 1, PredictedRans = 2 };
constexpr uint8_t kFlagZeroSymbol = 0x01;
constexpr uint8_t kWholeTensorAxis = 0xff;

void validate_options(const TensorCodingOptions &opts)
{
    if (opts.bits != 0 && (opts.bits < kMinQuantBits || opts.bits > kMaxQuantBits))
        fail_invalid_argument(format("tensor coding: bits = %d must be 0 (float32) or in [%d, %d]", opts.bits,
                                     kMinQuantBits, kMaxQuantBits));
}

void write_raw(ByteWriter &out, const float *values, int64_t count)
{
    for (int64_t i = 0; i < count; ++i)
        out.f32(values[i]);
}

/** `count` float32 values that must fill the rest of the payload exactly. */
std::vector<float> read_raw(ByteReader &in, int64_t count)
{
    if (in.remaining() % 4 != 0 || static_cast<uint64_t>(count) != in.remaining() / 4)
        fail_invalid_data(format("%s: %zu bytes where %lld float32 values need %llu", in.what().c_str(),
                                 in.remaining(), (long long)count, (unsigned long long)count * 4));
    std::vector<float> values(static_cast<size_t>(count));
    for (float &v : values)
        v = in.f32("float32 value");
    return values;
}

// --- quantization header: bits | flags | axis | statistics ------------------------------

void write_quantization(ByteWriter &out, const QuantizationParams &params)
{
    out.u8(static_cast<uint8_t>(params.bits));
    out.u8(params.zero_symbol ? kFlagZeroSymbol : 0);
    out.u8(params.axis < 0 ? kWholeTensorAxis : static_cast<uint8_t>(params.axis));
    if (params.axis < 0) {
        out.f32(params.mins[0]);
        out.f32(params.scales[0]);
        return;
    }
    // Per-axis statistics were rounded to half by the quantizer, so this is lossless.
    for (float v : params.mins)
        out.u16(float_to_half_bits(v));
    for (float v : params.scales)
        out.u16(float_to_half_bits(v));
}

void check_statistic(const ByteReader &in, float min, float scale, int64_t index)
{
    if (!std::isfinite(min) || !std::isfinite(scale) || !(scale >= 0.0f))
        fail_invalid_data(format("%s: quantization statistics %lld are invalid (min %g, scale %g)", in.what().c_str(),
                                 (long long)index, min, scale));
}

QuantizationParams read_quantization(ByteReader &in, const std::vector<int64_t> &shape)
{
    QuantizationParams params;
    params.shape = shape;
    params.bits = in.u8("quantization bits");
    if (params.bits < kMinQuantBits || params.bits > kMaxQuantBits)
        fail_invalid_data(format("%s: quantization bits %d outside [%d, %d]", in.what().c_str(), params.bits,
                                 kMinQuantBits, kMaxQuantBits));
    const uint8_t flags = in.u8("quantization flags");
    if (flags & ~kFlagZeroSymbol)
        fail_invalid_data(format("%s: unknown quantization flags 0x%02x", in.what().c_str(), flags));
    params.zero_symbol = (flags & kFlagZeroSymbol) != 0;
    const uint8_t axis = in.u8("quantization axis");
    if (axis != kWholeTensorAxis && axis >= shape.size())
        fail_invalid_data(format("%s: quantization axis %u for a tensor of rank %zu", in.what().c_str(), axis,
                                 shape.size()));
    params.axis = axis == kWholeTensorAxis ? -1 : axis;

    if (params.axis < 0) {
        const float min = in.f32("whole-tensor min");
        const float scale = in.f32("whole-tensor scale");
        check_statistic(in, min, scale, 0);
        params.mins = {min};
        params.scales = {scale};
        return params;
    }
    const int64_t count = params.stats_count();
    if (static_cast<uint64_t>(count) > in.remaining() / 4)
        fail_invalid_data(format("%s: %zu bytes left cannot hold %lld float16 (min, scale) pairs", in.what().c_str(),
                                 in.remaining(), (long long)count));
    params.mins.resize(static_cast<size_t>(count));
    params.scales.resize(static_cast<size_t>(count));
    for (float &v : params.mins)
        v = half_bits_to_float(in.u16("per-axis min"));
    for (float &v : params.scales)
        v = half_bits_to_float(in.u16("per-axis scale"));
    for (int64_t s = 0; s < count; ++s)
        check_statistic(in, params.mins[static_cast<size_t>(s)], params.scales[static_cast<size_t>(s)], s);
    return params;
}

// --- symbols: bit-packed or rANS ------------------------------------------------------

/** `per_frame`: the payload is a frame tensor codec, which may also use PredictedRans. */
SymbolCoding read_symbol_coding(ByteReader &in, bool per_frame)
{
    const uint8_t method = in.u8("symbol coding");
    if (method != static_cast<uint8_t>(SymbolCoding::BitPacked) && method != static_cast<uint8_t>(SymbolCoding::Rans) &&
        !(per_frame && method == static_cast<uint8_t>(SymbolCoding::PredictedRans)))
        fail_invalid_data(format("%s: unknown symbol coding %u", in.what().c_str(), method));
    return static_cast<SymbolCoding>(method);
}

/** The stream's symbols (for PredictedRans: the residuals, which the caller adds to the predictions). */
void decode_symbols(SymbolCoding method, const RansCoder *coder, uint32_t alphabet, const uint8_t *data, size_t size,
                    uint32_t *out, size_t count)
{
    if (method != SymbolCoding::BitPacked)
        coder->decode(data, size, out, count);
    else
        unpack_bits(data, size, symbol_width(alphabet), alphabet, out, count);
}

/** The frequency table (serialized) and one rANS stream per block of symbols. */
struct RansEncoding {
    std::vector<uint8_t> table;
    std::vector<std::vector<uint8_t>> streams;
    size_t total_size() const
    {
        size_t size = table.size();
        for (const auto &s : streams)
            size += s.size();
        return size;
    }
};

RansEncoding rans_encode_blocks(const std::vector<uint32_t> &symbols, uint32_t alphabet, int64_t blocks,
                                int64_t block_size)
{
    const FrequencyTable table = choose_frequency_table(count_symbols(symbols.data(), symbols.size(), alphabet));
    RansEncoding encoding;
    ByteWriter table_bytes;
    write_frequency_table(table_bytes, table);
    encoding.table = table_bytes.take();
    const RansCoder coder(table, alphabet);
    for (int64_t b = 0; b < blocks; ++b)
        encoding.streams.push_back(
            coder.encode(symbols.data() + b * block_size, static_cast<size_t>(block_size)));
    return encoding;
}

/** Per frame element, the lower median of its symbol over the frames: the value the frames
 *  scatter least around (per-frame tensors such as embeddings change slowly over a segment). */
std::vector<uint32_t> median_over_frames(const std::vector<uint32_t> &symbols, int64_t frames, int64_t frame_numel)
{
    std::vector<uint32_t> medians(static_cast<size_t>(frame_numel));
    std::vector<uint32_t> column(static_cast<size_t>(frames));
    for (int64_t i = 0; i < frame_numel; ++i) {
        for (int64_t f = 0; f < frames; ++f)
            column[static_cast<size_t>(f)] = symbols[static_cast<size_t>(f * frame_numel + i)];
        auto middle = column.begin() + (frames - 1) / 2;
        std::nth_element(column.begin(), middle, column.end());
        medians[static_cast<size_t>(i)] = *middle;
    }
    return medians;
}

/** (symbol - prediction) mod alphabet, frame by frame; the decoder adds the prediction back. */
std::vector<uint32_t> residuals_from(const std::vector<uint32_t> &symbols, const std::vector<uint32_t> &predictions,
                                     uint32_t alphabet)
{
    std::vector<uint32_t> residuals(symbols.size());
    for (size_t e = 0; e < symbols.size(); ++e)
        residuals[e] = (symbols[e] + alphabet - predictions[e % predictions.size()]) % alphabet;
    return residuals;
}

}  // namespace

// --- whole tensors ------------------------------------------------------------------------

std::vector<uint8_t> encode_tensor(const float *values, const std::vector<int64_t> &shape,
                                   const TensorCodingOptions &opts, std::vector<float> *dequantized)
{
    validate_options(opts);
    const int64_t numel = element_count(shape);
    ByteWriter out;
    if (opts.bits == 0 || numel == 0) {
        out.u8(static_cast<uint8_t>(Coding::RawFloat32));
        write_raw(out, values, numel);
        if (dequantized)
            dequantized->assign(values, values + numel);
        return out.take();
    }

    QuantizedTensor quantized = quantize_tensor(values, shape, opts.bits, opts.zero_symbol);
    const uint32_t alphabet = quantized.params.alphabet_size();
    out.u8(static_cast<uint8_t>(Coding::Quantized));
    write_quantization(out, quantized.params);

    // Small or flat tensors (biases) pack smaller than a table plus a stream.
    std::vector<uint8_t> packed = pack_bits(quantized.symbols.data(), quantized.symbols.size(), symbol_width(alphabet));
    RansEncoding rans = rans_encode_blocks(quantized.symbols, alphabet, 1, numel);
    if (rans.total_size() < packed.size()) {
        out.u8(static_cast<uint8_t>(SymbolCoding::Rans));
        out.bytes(rans.table);
        out.bytes(rans.streams[0]);
    } else {
        out.u8(static_cast<uint8_t>(SymbolCoding::BitPacked));
        out.bytes(packed);
    }
    if (dequantized)
        *dequantized = std::move(quantized.dequantized);
    return out.take();
}

std::vector<float> decode_tensor(const uint8_t *payload, size_t size, const std::vector<int64_t> &shape)
{
    const int64_t numel = element_count(shape);
    ByteReader in(payload, size, "tensor payload");
    const uint8_t coding = in.u8("tensor coding");
    if (coding == static_cast<uint8_t>(Coding::RawFloat32))
        return read_raw(in, numel);
    if (coding != static_cast<uint8_t>(Coding::Quantized))
        fail_invalid_data(format("tensor payload: unknown coding %u", coding));
    if (numel == 0)
        fail_invalid_data("tensor payload: quantized coding for a tensor with no elements");

    const QuantizationParams params = read_quantization(in, shape);
    const uint32_t alphabet = params.alphabet_size();
    const SymbolCoding method = read_symbol_coding(in, false);
    std::unique_ptr<RansCoder> coder;
    if (method == SymbolCoding::Rans)
        coder = std::make_unique<RansCoder>(read_frequency_table(in, alphabet), alphabet);
    std::vector<uint32_t> symbols(static_cast<size_t>(numel));
    const size_t remaining = in.remaining();
    decode_symbols(method, coder.get(), alphabet, in.bytes(remaining, "symbols"), remaining, symbols.data(),
                   symbols.size());
    std::vector<float> values(static_cast<size_t>(numel));
    dequantize(params, 0, symbols.data(), numel, values.data());
    return values;
}

// --- per-frame tensors ----------------------------------------------------------------------

FrameTensorEncoding encode_frame_tensor(const float *stacked, int64_t frames, const std::vector<int64_t> &frame_shape,
                                        const TensorCodingOptions &opts)
{
    validate_options(opts);
    if (frames < 0)
        fail_invalid_argument(format("frame tensor coding: frame count %lld is negative", (long long)frames));
    const int64_t frame_numel = element_count(frame_shape);
    std::vector<int64_t> stacked_shape = {frames};
    stacked_shape.insert(stacked_shape.end(), frame_shape.begin(), frame_shape.end());
    const int64_t numel = element_count(stacked_shape);

    FrameTensorEncoding encoding;
    ByteWriter codec;
    if (opts.bits == 0 || numel == 0) {
        codec.u8(static_cast<uint8_t>(Coding::RawFloat32));
        encoding.codec_payload = codec.take();
        for (int64_t f = 0; f < frames; ++f) {
            ByteWriter frame;
            write_raw(frame, stacked + f * frame_numel, frame_numel);
            encoding.frame_payloads.push_back(frame.take());
        }
        encoding.dequantized.assign(stacked, stacked + numel);
        return encoding;
    }

    QuantizedTensor quantized = quantize_tensor(stacked, stacked_shape, opts.bits, opts.zero_symbol);
    const uint32_t alphabet = quantized.params.alphabet_size();
    codec.u8(static_cast<uint8_t>(Coding::Quantized));
    write_quantization(codec, quantized.params);

    // One choice for the whole segment, so frame payloads carry no per-frame header: the
    // smallest of packing, rANS, and rANS of the residuals from per-element predictions.
    const int width = symbol_width(alphabet);
    const size_t packed_total = static_cast<size_t>(frames) * packed_size(static_cast<size_t>(frame_numel), width);
    RansEncoding rans = rans_encode_blocks(quantized.symbols, alphabet, frames, frame_numel);
    const std::vector<uint32_t> predictions = median_over_frames(quantized.symbols, frames, frame_numel);
    const std::vector<uint8_t> packed_predictions =
        pack_bits(predictions.data(), predictions.size(), width);
    RansEncoding predicted =
        rans_encode_blocks(residuals_from(quantized.symbols, predictions, alphabet), alphabet, frames, frame_numel);
    if (packed_predictions.size() + predicted.total_size() < std::min(rans.total_size(), packed_total)) {
        codec.u8(static_cast<uint8_t>(SymbolCoding::PredictedRans));
        codec.bytes(packed_predictions);
        codec.bytes(predicted.table);
        encoding.frame_payloads = std::move(predicted.streams);
    } else if (rans.total_size() < packed_total) {
        codec.u8(static_cast<uint8_t>(SymbolCoding::Rans));
        codec.bytes(rans.table);
        encoding.frame_payloads = std::move(rans.streams);
    } else {
        codec.u8(static_cast<uint8_t>(SymbolCoding::BitPacked));
        for (int64_t f = 0; f < frames; ++f)
            encoding.frame_payloads.push_back(
                pack_bits(quantized.symbols.data() + f * frame_numel, static_cast<size_t>(frame_numel), width));
    }
    encoding.codec_payload = codec.take();
    encoding.dequantized = std::move(quantized.dequantized);
    return encoding;
}

struct FrameTensorDecoder::State {
    int64_t frames = 0;
    int64_t frame_numel = 0;
    bool raw = true;
    QuantizationParams params;
    SymbolCoding method = SymbolCoding::BitPacked;
    std::unique_ptr<RansCoder> coder;
    std::vector<uint32_t> predictions;  // PredictedRans: one per frame element
};

FrameTensorDecoder::FrameTensorDecoder(const uint8_t *codec_payload, size_t size, int64_t frames,
                                       const std::vector<int64_t> &frame_shape)
    : state_(std::make_unique<State>())
{
    if (frames < 0)
        fail_invalid_argument(format("frame tensor decoder: frame count %lld is negative", (long long)frames));
    std::vector<int64_t> stacked_shape = {frames};
    stacked_shape.insert(stacked_shape.end(), frame_shape.begin(), frame_shape.end());
    const int64_t numel = element_count(stacked_shape);
    state_->frames = frames;
    state_->frame_numel = element_count(frame_shape);

    ByteReader in(codec_payload, size, "frame tensor codec payload");
    const uint8_t coding = in.u8("tensor coding");
    if (coding == static_cast<uint8_t>(Coding::RawFloat32)) {
        in.expect_end("the coding byte");
        return;
    }
    if (coding != static_cast<uint8_t>(Coding::Quantized))
        fail_invalid_data(format("frame tensor codec payload: unknown coding %u", coding));
    if (numel == 0)
        fail_invalid_data("frame tensor codec payload: quantized coding for a tensor with no elements");
    state_->raw = false;
    state_->params = read_quantization(in, stacked_shape);
    state_->method = read_symbol_coding(in, true);
    const uint32_t alphabet = state_->params.alphabet_size();
    if (state_->method == SymbolCoding::PredictedRans) {
        const int width = symbol_width(alphabet);
        const size_t packed = packed_size(static_cast<size_t>(state_->frame_numel), width);
        if (packed > in.remaining())
            fail_invalid_data(format("frame tensor codec payload: %zu bytes left cannot hold %lld predictions of %d bits",
                                     in.remaining(), (long long)state_->frame_numel, width));
        state_->predictions.resize(static_cast<size_t>(state_->frame_numel));
        unpack_bits(in.bytes(packed, "predictions"), packed, width, alphabet, state_->predictions.data(),
                    state_->predictions.size());
    }
    if (state_->method != SymbolCoding::BitPacked)
        state_->coder = std::make_unique<RansCoder>(read_frequency_table(in, alphabet), alphabet);
    in.expect_end("the frame tensor codec");
}

FrameTensorDecoder::~FrameTensorDecoder() = default;
FrameTensorDecoder::FrameTensorDecoder(FrameTensorDecoder &&) noexcept = default;
FrameTensorDecoder &FrameTensorDecoder::operator=(FrameTensorDecoder &&) noexcept = default;

std::vector<float> FrameTensorDecoder::decode(int64_t index, const uint8_t *payload, size_t size) const
{
    const State &s = *state_;
    if (index < 0 || index >= s.frames)
        fail_invalid_argument(format("frame tensor decoder: frame %lld outside [0, %lld)", (long long)index,
                                     (long long)s.frames));
    if (s.raw) {
        ByteReader in(payload, size, format("frame %lld tensor payload", (long long)index));
        return read_raw(in, s.frame_numel);
    }
    std::vector<float> values(static_cast<size_t>(s.frame_numel));
    std::vector<uint32_t> symbols(static_cast<size_t>(s.frame_numel));
    const uint32_t alphabet = s.params.alphabet_size();
    try {
        decode_symbols(s.method, s.coder.get(), alphabet, payload, size, symbols.data(), symbols.size());
    } catch (const Error &e) {
        fail(e.code(), format("frame %lld tensor payload: %s", (long long)index, e.what()));
    }
    if (s.method == SymbolCoding::PredictedRans)
        for (size_t i = 0; i < symbols.size(); ++i)  // both < alphabet, so the sum cannot overflow
            symbols[i] = (symbols[i] + s.predictions[i]) % alphabet;
    dequantize(s.params, index * s.frame_numel, symbols.data(), s.frame_numel, values.data());
    return values;
}

}  // namespace nerv

// Turning float tensors into stored bytes and back (docs/tensor-coding.md):
// quantize (compress/quantize.h, HNeRV's best-of-axes rule) then entropy-code the
// integer symbols with static-model rANS (compress/rans.h). bits = 0 stores float32.
// The encoder gets back exactly the values the decoder will reconstruct, so it can
// evaluate what the viewer sees.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace nerv {

struct TensorCodingOptions {
    int bits = 8;              // 0 = raw float32; 2..16 = quantized
    bool zero_symbol = false;  // code exact zeros (pruned weights) as their own symbol,
                               // excluded from the min/max statistics
};

/** Weights: the whole tensor in one payload. `dequantized` (optional) receives the reconstruction. */
std::vector<uint8_t> encode_tensor(const float *values, const std::vector<int64_t> &shape,
                                   const TensorCodingOptions &opts, std::vector<float> *dequantized);
/** Inverse of encode_tensor; throws NERV_ERROR_INVALIDDATA on malformed payloads. */
std::vector<float> decode_tensor(const uint8_t *payload, size_t size, const std::vector<int64_t> &shape);

/**
 * Per-frame tensors (e.g. embeddings [N,16,2,4]) are quantized together (statistics over
 * the stacked tensor, shared frequency table) but each frame's symbols are coded on their
 * own, so any frame decodes without the others.
 */
struct FrameTensorEncoding {
    std::vector<uint8_t> codec_payload;              // stored once in the segment
    std::vector<std::vector<uint8_t>> frame_payloads;  // one per frame
    std::vector<float> dequantized;                  // [frames, frame_shape...]
};

FrameTensorEncoding encode_frame_tensor(const float *stacked, int64_t frames, const std::vector<int64_t> &frame_shape,
                                        const TensorCodingOptions &opts);

class FrameTensorDecoder {
public:
    /** Parses the shared codec payload; throws NERV_ERROR_INVALIDDATA when malformed. */
    FrameTensorDecoder(const uint8_t *codec_payload, size_t size, int64_t frames,
                       const std::vector<int64_t> &frame_shape);
    ~FrameTensorDecoder();
    FrameTensorDecoder(FrameTensorDecoder &&) noexcept;
    FrameTensorDecoder &operator=(FrameTensorDecoder &&) noexcept;
    /** Values of frame `index` (0-based in the segment) from its payload. */
    std::vector<float> decode(int64_t index, const uint8_t *payload, size_t size) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace nerv

// Input layout (all counts small so that every input decodes in microseconds):
//   u8 mode     bit 0: 0 = one tensor (decode_tensor), 1 = per-frame tensors (FrameTensorDecoder);
//               bits 1..4: bits for the re-encode check (0 = float32, else 1 + value, clamped to 2..16);
//               bit 5: zero symbol in the re-encode check
//   u8 rank     % 5, then rank bytes: each dimension is 1 + byte % 16
//   one tensor: the rest is the payload
//   per-frame:  u8 frames (1 + byte % 8), u16 codec size + codec payload, then per frame: u16 size + payload
#include <cmath>
#include <cstring>

#include "compress/quantize.h"
#include "compress/tensor_codec.h"
#include "core/error.h"
#include "fuzz_inputs.h"

namespace nerv_fuzz {
namespace {

struct Cursor {
    const uint8_t *p;
    size_t left;
    bool take(size_t n, const uint8_t **out)
    {
        if (n > left)
            return false;
        *out = p;
        p += n;
        left -= n;
        return true;
    }
    bool u8(uint8_t *v)
    {
        const uint8_t *b;
        if (!take(1, &b))
            return false;
        *v = *b;
        return true;
    }
    bool u16(uint16_t *v)
    {
        const uint8_t *b;
        if (!take(2, &b))
            return false;
        *v = static_cast<uint16_t>(b[0] | (b[1] << 8));
        return true;
    }
};

bool allowed(const nerv::Error &e) { return e.code() == NERV_ERROR_INVALIDDATA && *e.what(); }

/** Decoded values, re-encoded with the input's options, must decode to what the encoder reported. */
std::string check_reencode(const std::vector<float> &values, const std::vector<int64_t> &shape, uint8_t mode)
{
    for (float v : values) {
        if (!std::isfinite(v))
            return "";  // the encoder refuses non-finite values (documented)
    }
    nerv::TensorCodingOptions o;
    const int bits = (mode >> 1) & 0x0f;
    o.bits = bits == 0 ? 0 : std::min(16, std::max(2, bits + 1));
    o.zero_symbol = (mode & 0x20) != 0;
    std::vector<float> reported;
    std::vector<uint8_t> payload;
    try {
        payload = nerv::encode_tensor(values.data(), shape, o, &reported);
    } catch (const nerv::Error &e) {
        // A range that overflows float32 is refused by design.
        return e.code() == -EINVAL ? "" : std::string("encode_tensor: ") + e.what();
    }
    const std::vector<float> decoded = nerv::decode_tensor(payload.data(), payload.size(), shape);
    if (decoded.size() != reported.size() ||
        std::memcmp(decoded.data(), reported.data(), decoded.size() * sizeof(float)) != 0)
        return "a re-encoded tensor decodes to other values than the encoder reported";
    return "";
}

}  // namespace

std::string tensor_payload_input(const uint8_t *data, size_t size)
{
    Cursor in{data, size};
    uint8_t mode = 0, rank = 0;
    if (!in.u8(&mode) || !in.u8(&rank))
        return "";
    std::vector<int64_t> shape(rank % 5);
    for (int64_t &d : shape) {
        uint8_t b;
        if (!in.u8(&b))
            return "";
        d = 1 + b % 16;
    }
    const int64_t numel = nerv::element_count(shape);
    if ((mode & 1) == 0) {
        std::vector<float> values;
        try {
            values = nerv::decode_tensor(in.p, in.left, shape);
        } catch (const nerv::Error &e) {
            return allowed(e) ? "" : std::string("decode_tensor: ") + e.what();
        }
        if (static_cast<int64_t>(values.size()) != numel)
            return "decode_tensor returned the wrong number of values";
        return check_reencode(values, shape, mode);
    }
    uint8_t frames_byte = 0;
    uint16_t codec_size = 0;
    const uint8_t *codec = nullptr;
    if (!in.u8(&frames_byte) || !in.u16(&codec_size) || !in.take(codec_size, &codec))
        return "";
    const int64_t frames = 1 + frames_byte % 8;
    try {
        nerv::FrameTensorDecoder decoder(codec, codec_size, frames, shape);
        for (int64_t f = 0; f < frames; ++f) {
            uint16_t n = 0;
            const uint8_t *payload = nullptr;
            if (!in.u16(&n) || !in.take(n, &payload))
                break;
            try {
                if (static_cast<int64_t>(decoder.decode(f, payload, n).size()) != numel)
                    return "FrameTensorDecoder returned the wrong number of values";
            } catch (const nerv::Error &e) {
                if (!allowed(e))
                    return std::string("FrameTensorDecoder::decode: ") + e.what();
            }
        }
    } catch (const nerv::Error &e) {
        return allowed(e) ? "" : std::string("FrameTensorDecoder: ") + e.what();
    }
    return "";
}

}  // namespace nerv_fuzz

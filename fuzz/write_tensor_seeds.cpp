// Writes seed inputs for fuzz_tensor_payload (layout in tensor_payload_input.cpp): payloads
// made by the real encoder for a spread of shapes, bit depths, codings and per-frame codecs.
// Usage: write_tensor_seeds DIR
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "compress/tensor_codec.h"

namespace {

void put_u16(std::vector<uint8_t> &out, size_t v)
{
    out.push_back(static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(v >> 8));
}

std::vector<uint8_t> header(uint8_t mode, const std::vector<int64_t> &shape)
{
    std::vector<uint8_t> out = {mode, static_cast<uint8_t>(shape.size())};
    for (int64_t d : shape)
        out.push_back(static_cast<uint8_t>(d - 1));
    return out;
}

std::vector<float> smooth_values(int64_t n, int seed)
{
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        v[i] = static_cast<float>(std::sin(0.37 * i + seed) * (1 + seed) + (i % 7 == 0 ? 0 : 0.01 * seed));
    return v;
}

/** A per-frame input: header, frame count, codec payload, then each frame's payload. */
std::vector<uint8_t> per_frame_seed(uint8_t reencode, const std::vector<int64_t> &shape, int64_t frames,
                                    const nerv::FrameTensorEncoding &fe)
{
    std::vector<uint8_t> out = header(static_cast<uint8_t>(reencode | 1), shape);
    out.push_back(static_cast<uint8_t>(frames - 1));
    put_u16(out, fe.codec_payload.size());
    out.insert(out.end(), fe.codec_payload.begin(), fe.codec_payload.end());
    for (const auto &p : fe.frame_payloads) {
        put_u16(out, p.size());
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

bool write(const std::string &dir, int index, const std::vector<uint8_t> &bytes)
{
    const std::string path = dir + "/seed-" + std::to_string(index);
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return false;
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_tensor_seeds DIR\n");
        return 2;
    }
    const std::vector<std::vector<int64_t>> shapes = {{}, {5}, {4, 3}, {8, 2, 3}, {2, 3, 2, 4}, {16, 16}};
    const int bit_depths[] = {0, 2, 6, 8, 16};
    int index = 0;
    for (const auto &shape : shapes) {
        for (int bits : bit_depths) {
            nerv::TensorCodingOptions o;
            o.bits = bits;
            o.zero_symbol = bits == 6;
            int64_t n = 1;
            for (int64_t d : shape)
                n *= d;
            std::vector<float> values = smooth_values(n, bits);
            if (o.zero_symbol) {
                for (int64_t i = 0; i < n; i += 3)
                    values[i] = 0;
            }
            // Mode: bit 0 one tensor; bits 1..4 re-encode with the same bits; bit 5 zero symbol.
            const uint8_t reencode = static_cast<uint8_t>(bits ? (bits - 1) << 1 : 0) | (o.zero_symbol ? 0x20 : 0);
            std::vector<uint8_t> one = header(reencode, shape);
            const std::vector<uint8_t> payload = nerv::encode_tensor(values.data(), shape, o, nullptr);
            one.insert(one.end(), payload.begin(), payload.end());
            if (!write(argv[1], index++, one))
                return 1;
            // The same shape as the per-frame tensor of a 3-frame segment.
            const int64_t frames = 3;
            std::vector<float> stacked = smooth_values(n * frames, bits + 1);
            const nerv::FrameTensorEncoding fe = nerv::encode_frame_tensor(stacked.data(), frames, shape, o);
            if (!write(argv[1], index++, per_frame_seed(reencode, shape, frames, fe)))
                return 1;
        }
    }
    // Frames that stay close to one pattern (as embeddings do over a segment): the encoder picks
    // the predicted coding (symbol coding 2) for these.
    for (int bits : {3, 6, 8}) {
        const std::vector<int64_t> shape = {16, 16};
        const int64_t frames = 8, n = 256;
        std::vector<float> stacked(static_cast<size_t>(n * frames));
        for (int64_t f = 0; f < frames; ++f)
            for (int64_t i = 0; i < n; ++i)
                stacked[f * n + i] = static_cast<float>(std::sin(1.7 * i) + 0.004 * f * (i % 3));
        nerv::TensorCodingOptions o;
        o.bits = bits;
        o.zero_symbol = bits == 3;
        const nerv::FrameTensorEncoding fe = nerv::encode_frame_tensor(stacked.data(), frames, shape, o);
        const uint8_t reencode = static_cast<uint8_t>((bits - 1) << 1) | (o.zero_symbol ? 0x20 : 0);
        if (!write(argv[1], index++, per_frame_seed(reencode, shape, frames, fe)))
            return 1;
    }
    std::printf("%d seeds in %s\n", index, argv[1]);
    return 0;
}

#include "compress/bit_packing.h"

#include "core/error.h"

namespace nerv {

int symbol_width(uint32_t alphabet_size)
{
    int width = 1;
    while (width < 32 && (uint64_t(1) << width) < alphabet_size)
        ++width;
    return width;
}

size_t packed_size(size_t count, int width)
{
    // Every 8 values fill exactly `width` bytes; split so count * width cannot overflow.
    const size_t w = static_cast<size_t>(width);
    return (count / 8) * w + ((count % 8) * w + 7) / 8;
}

std::vector<uint8_t> pack_bits(const uint32_t *values, size_t count, int width)
{
    if (width < 1 || width > 32)
        fail_invalid_argument(format("bit packing: width %d is outside [1, 32]", width));
    std::vector<uint8_t> out;
    out.reserve(packed_size(count, width));
    uint64_t pending = 0;  // bits not yet written, LSB first
    int pending_bits = 0;
    for (size_t i = 0; i < count; ++i) {
        if (width < 32 && (values[i] >> width) != 0)
            fail_invalid_argument(format("bit packing: value %u at %zu does not fit %d bits", values[i], i, width));
        pending |= static_cast<uint64_t>(values[i]) << pending_bits;
        pending_bits += width;
        while (pending_bits >= 8) {
            out.push_back(static_cast<uint8_t>(pending));
            pending >>= 8;
            pending_bits -= 8;
        }
    }
    if (pending_bits > 0)
        out.push_back(static_cast<uint8_t>(pending));
    return out;
}

void unpack_bits(const uint8_t *data, size_t size, int width, uint32_t alphabet_size, uint32_t *out, size_t count)
{
    if (width < 1 || width > 32)
        fail_invalid_argument(format("bit unpacking: width %d is outside [1, 32]", width));
    const size_t expected = packed_size(count, width);
    if (size != expected)
        fail_invalid_data(format("packed symbols: %zu bytes where %zu values of %d bits need %zu", size, count, width,
                                 expected));
    const uint64_t mask = (uint64_t(1) << width) - 1;
    uint64_t pending = 0;
    int pending_bits = 0;
    size_t pos = 0;
    for (size_t i = 0; i < count; ++i) {
        while (pending_bits < width) {
            pending |= static_cast<uint64_t>(data[pos++]) << pending_bits;
            pending_bits += 8;
        }
        const uint32_t value = static_cast<uint32_t>(pending & mask);
        if (value >= alphabet_size)
            fail_invalid_data(format("packed symbols: value %u at %zu is outside the alphabet of %u", value, i,
                                     alphabet_size));
        out[i] = value;
        pending >>= width;
        pending_bits -= width;
    }
    if (pending != 0)
        fail_invalid_data("packed symbols: padding bits after the last value are not zero");
}

}  // namespace nerv

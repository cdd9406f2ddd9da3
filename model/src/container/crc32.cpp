// CRC-32 as in IEEE 802.3 / zlib / PNG: polynomial 0x04C11DB7 processed bit-reflected
// (0xEDB88320), initial value and final XOR 0xFFFFFFFF. Table-driven, one byte per step;
// chunk payloads are entropy-coded model weights, a few MB at most, so this is never the
// bottleneck next to the network.
#include <array>

#include "container/records.h"

namespace nerv {

namespace {

constexpr std::array<uint32_t, 256> make_crc_table()
{
    std::array<uint32_t, 256> table{};
    for (uint32_t n = 0; n < 256; ++n) {
        uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();

}  // namespace

uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc)
{
    // Like zlib's crc32(): the pre/post inversion lets a caller continue a CRC across buffers.
    crc = ~crc;
    for (size_t i = 0; i < size; ++i)
        crc = kCrcTable[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

}  // namespace nerv

#include <cstring>

#include "container/records.h"
#include "fuzz_inputs.h"

namespace nerv_fuzz {

std::vector<uint8_t> with_valid_crcs(const uint8_t *data, size_t size)
{
    std::vector<uint8_t> out(data, data + size);
    size_t pos = 0;
    if (size >= nerv::kFilePrefixSize && std::memcmp(data, "NERV", 4) == 0)
        pos = nerv::kFilePrefixSize;
    while (size - pos >= nerv::kChunkHeaderSize + nerv::kChunkTrailerSize) {
        uint64_t payload = 0;
        for (int i = 0; i < 8; ++i)
            payload |= static_cast<uint64_t>(out[pos + 4 + i]) << (8 * i);
        if (payload > size - pos - nerv::kChunkHeaderSize - nerv::kChunkTrailerSize)
            break;
        const size_t framed = nerv::kChunkHeaderSize + static_cast<size_t>(payload);
        const uint32_t crc = nerv::crc32(out.data() + pos, framed);
        for (int i = 0; i < 4; ++i)
            out[pos + framed + i] = static_cast<uint8_t>(crc >> (8 * i));
        pos += framed + nerv::kChunkTrailerSize;
    }
    return out;
}

}  // namespace nerv_fuzz

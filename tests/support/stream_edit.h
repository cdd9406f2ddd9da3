// Editing .nerv bytes the way a hostile or damaged file would differ, from the format's
// specification alone (docs/container-format.md): find chunks, change metadata values in
// place, recompute CRCs. For tests that see only nerv.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nerv_test {

struct ChunkSpan {
    std::string tag;       // "NVST", "NVSG", "NVFR"
    size_t offset = 0;     // of the chunk header
    size_t payload = 0;    // of the payload
    size_t payload_size = 0;
    size_t end() const { return payload + payload_size + 4; }
};

/** CRC-32 (IEEE 802.3 / zlib), as the container uses. */
uint32_t crc32_ieee(const uint8_t *data, size_t size);

/** Every whole chunk after the file prefix. */
std::vector<ChunkSpan> chunk_spans(const std::vector<uint8_t> &stream);
/** The first chunk with `tag`; throws when there is none. */
ChunkSpan first_chunk(const std::vector<uint8_t> &stream, const std::string &tag);

/** Recompute the CRC of `chunk` after its bytes were changed. */
void fix_crc(std::vector<uint8_t> &stream, const ChunkSpan &chunk);

/** Overwrite the String metadata value of `key` in the first `tag` chunk with text of the same
 *  length, fixing the CRC. Throws when the key is absent or the length differs. */
void set_metadata_string(std::vector<uint8_t> &stream, const std::string &tag, const std::string &key,
                         const std::string &value);
/** Overwrite every element of the Int or IntArray metadata value of `key`, fixing the CRC. */
void set_metadata_ints(std::vector<uint8_t> &stream, const std::string &tag, const std::string &key, int64_t value);

std::vector<uint8_t> read_binary_file(const std::string &path);
void write_binary_file(const std::string &path, const std::vector<uint8_t> &bytes);

}  // namespace nerv_test

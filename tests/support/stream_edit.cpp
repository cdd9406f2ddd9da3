#include "stream_edit.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace nerv_test {
namespace {

uint64_t load_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

void store_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}

/** Offset of the value type byte of `key` inside the chunk's payload (key: u32 length + bytes). */
size_t find_key(const std::vector<uint8_t> &stream, const ChunkSpan &c, const std::string &key)
{
    std::vector<uint8_t> needle(4);
    store_le(needle.data(), key.size(), 4);
    needle.insert(needle.end(), key.begin(), key.end());
    const auto begin = stream.begin() + static_cast<std::ptrdiff_t>(c.payload);
    const auto end = begin + static_cast<std::ptrdiff_t>(c.payload_size);
    const auto it = std::search(begin, end, needle.begin(), needle.end());
    if (it == end)
        throw std::runtime_error("metadata key '" + key + "' not found in " + c.tag);
    return static_cast<size_t>(it - stream.begin()) + needle.size();
}

}  // namespace

uint32_t crc32_ieee(const uint8_t *data, size_t size)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int b = 0; b < 8; ++b)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}

std::vector<ChunkSpan> chunk_spans(const std::vector<uint8_t> &stream)
{
    std::vector<ChunkSpan> out;
    size_t pos = stream.size() >= 8 && std::memcmp(stream.data(), "NERV", 4) == 0 ? 8 : 0;
    while (stream.size() - pos >= 16) {
        ChunkSpan c;
        c.tag.assign(reinterpret_cast<const char *>(stream.data() + pos), 4);
        c.offset = pos;
        c.payload = pos + 12;
        const uint64_t n = load_le(stream.data() + pos + 4, 8);
        if (n > stream.size() - pos - 16)
            break;
        c.payload_size = static_cast<size_t>(n);
        out.push_back(c);
        pos = c.end();
    }
    return out;
}

ChunkSpan first_chunk(const std::vector<uint8_t> &stream, const std::string &tag)
{
    for (const ChunkSpan &c : chunk_spans(stream)) {
        if (c.tag == tag)
            return c;
    }
    throw std::runtime_error("no " + tag + " chunk in the stream");
}

void fix_crc(std::vector<uint8_t> &stream, const ChunkSpan &c)
{
    const uint32_t crc = crc32_ieee(stream.data() + c.offset, 12 + c.payload_size);
    store_le(stream.data() + c.payload + c.payload_size, crc, 4);
}

void set_metadata_string(std::vector<uint8_t> &stream, const std::string &tag, const std::string &key,
                         const std::string &value)
{
    const ChunkSpan c = first_chunk(stream, tag);
    const size_t type = find_key(stream, c, key);
    if (stream.at(type) != 3 || load_le(stream.data() + type + 1, 4) != value.size())
        throw std::runtime_error("'" + key + "' is not a String of " + std::to_string(value.size()) + " bytes");
    std::memcpy(stream.data() + type + 5, value.data(), value.size());
    fix_crc(stream, c);
}

void set_metadata_ints(std::vector<uint8_t> &stream, const std::string &tag, const std::string &key, int64_t value)
{
    const ChunkSpan c = first_chunk(stream, tag);
    const size_t type = find_key(stream, c, key);
    if (stream.at(type) == 1) {
        store_le(stream.data() + type + 1, static_cast<uint64_t>(value), 8);
    } else if (stream.at(type) == 4) {
        const uint64_t n = load_le(stream.data() + type + 1, 4);
        for (uint64_t i = 0; i < n; ++i)
            store_le(stream.data() + type + 5 + 8 * i, static_cast<uint64_t>(value), 8);
    } else {
        throw std::runtime_error("'" + key + "' is not an Int or IntArray");
    }
    fix_crc(stream, c);
}

std::vector<uint8_t> read_binary_file(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_binary_file(const std::string &path, const std::vector<uint8_t> &bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

}  // namespace nerv_test

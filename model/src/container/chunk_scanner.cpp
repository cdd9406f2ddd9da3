#include <cstring>

#include "container/chunk_framing.h"
#include "core/error.h"

namespace nerv {

namespace {

uint64_t load_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

}  // namespace

ChunkScanner::ChunkScanner(const uint8_t *data, size_t size, size_t base_offset)
    : data_(data), size_(size), base_(base_offset)
{
}

bool ChunkScanner::consume_file_prefix()
{
    size_t left = size_ - pos_;
    if (left == 0)
        return false;
    const uint8_t *p = data_ + pos_;
    static const uint8_t magic[4] = {'N', 'E', 'R', 'V'};
    size_t compared = left < 4 ? left : 4;
    if (std::memcmp(p, magic, compared) != 0) {
        // Not a file start. Chunks alone (packets) are fine; anything else is not .nerv data,
        // and saying so here beats a later "unknown chunk tag".
        if (left >= 4 && !is_known_chunk_tag(static_cast<uint32_t>(load_le(p, 4))))
            fail_invalid_data(format("not a .nerv stream: offset %zu holds %s, expected the magic 'NERV' or a "
                                     "chunk tag",
                                     base_ + pos_, chunk_tag_text(static_cast<uint32_t>(load_le(p, 4))).c_str()));
        return false;
    }
    if (left < kFilePrefixSize) {
        truncated_ = true;
        return false;
    }
    unsigned major = static_cast<unsigned>(load_le(p + 4, 2));
    unsigned minor = static_cast<unsigned>(load_le(p + 6, 2));
    // Minor versions only add what a reader of the same major can safely reject by tag.
    if (major != kFileVersionMajor)
        fail(-ENOTSUP, format("unsupported .nerv version %u.%u (this libnerv reads %u.x)", major, minor,
                              kFileVersionMajor));
    pos_ += kFilePrefixSize;
    return true;
}

bool ChunkScanner::next(ChunkView *out)
{
    if (truncated_ || pos_ == size_)
        return false;
    const uint8_t *p = data_ + pos_;
    size_t left = size_ - pos_;
    size_t offset = base_ + pos_;

    // Check what is there as early as possible so that garbage fails instead of waiting for more data.
    if (left >= 4) {
        uint32_t tag = static_cast<uint32_t>(load_le(p, 4));
        if (!is_known_chunk_tag(tag))
            fail_invalid_data(format("unknown chunk tag %s at offset %zu", chunk_tag_text(tag).c_str(), offset));
    }
    if (left < kChunkHeaderSize) {
        truncated_ = true;
        return false;
    }
    uint32_t tag = static_cast<uint32_t>(load_le(p, 4));
    uint64_t payload_size = load_le(p + 4, 8);
    if (payload_size > StreamLimits::kMaxChunkPayload)
        fail_invalid_data(format("%s chunk at offset %zu declares a payload of %llu bytes, more than the limit %llu",
                                 chunk_tag_text(tag).c_str(), offset, static_cast<unsigned long long>(payload_size),
                                 static_cast<unsigned long long>(StreamLimits::kMaxChunkPayload)));
    if (payload_size + kChunkTrailerSize > left - kChunkHeaderSize) {
        truncated_ = true;
        return false;
    }
    size_t payload_bytes = static_cast<size_t>(payload_size);
    size_t framed = kChunkHeaderSize + payload_bytes;
    uint32_t stored = static_cast<uint32_t>(load_le(p + framed, 4));
    uint32_t computed = crc32(p, framed);
    if (stored != computed)
        fail_invalid_data(format("%s chunk at offset %zu (%zu payload bytes): CRC mismatch, stored 0x%08x, computed "
                                 "0x%08x",
                                 chunk_tag_text(tag).c_str(), offset, payload_bytes, stored, computed));

    out->type = static_cast<ChunkType>(tag);
    out->payload = p + kChunkHeaderSize;
    out->payload_size = payload_bytes;
    out->offset = offset;
    out->total_size = framed + kChunkTrailerSize;
    pos_ += out->total_size;
    return true;
}

}  // namespace nerv

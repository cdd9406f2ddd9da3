// Chunk framing shared by the record writers and the scanner (docs/container-format.md,
// "Chunks"): tag u32 | payload size u64 | payload | CRC-32 u32 over tag, size and payload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "container/records.h"

namespace nerv {

/** "NERV" read as a little-endian u32: the first four bytes of a file and of extradata. */
constexpr uint32_t kFileMagic = 0x5652454e;

/** Whether `tag` is one of the chunk types this version of the format defines. */
bool is_known_chunk_tag(uint32_t tag);

/** A tag for messages: its four characters quoted when printable ('NVSG'), else hex (0x0000ffff). */
std::string chunk_tag_text(uint32_t tag);

/** Frames a payload as a complete chunk. Throws -EINVAL if it exceeds kMaxChunkPayload. */
std::vector<uint8_t> wrap_chunk(ChunkType type, const std::vector<uint8_t> &payload);

}  // namespace nerv

// What each fuzz target does with one input. The libFuzzer targets (fuzz/*_fuzzer.cpp) and the
// GoogleTest replay of the seed corpus and of every crash input ever found
// (tests/unit/fuzz/fuzz_replay_test.cpp) run the same code. A handler returns "" when libnerv
// kept its contract on the input (a result, or one of the documented error codes with a
// message), else what was broken; memory errors are the sanitizers' to catch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nerv_fuzz {

/** Any bytes -> ChunkScanner, the NVST/NVSG/NVFR parsers and Metadata; every record that
 *  parses must be written back to exactly the bytes it came from. Then nerv concat: a whole
 *  stream alone joins into itself, and with a copy of itself it is refused. */
std::string container_input(const uint8_t *data, size_t size);

/** A shape, a tensor payload or a frame-tensor codec with frame payloads (layout in
 *  tensor_payload_input.cpp) -> decode_tensor / FrameTensorDecoder; values that decode are
 *  re-encoded and must decode to exactly what the encoder reported. */
std::string tensor_payload_input(const uint8_t *data, size_t size);

/** Stream bytes -> nerv_probe and a decoder through the public API (whole input as one
 *  packet, then chunk by chunk), models bounded by the decoder's memory_limit. */
std::string decoder_input(const uint8_t *data, size_t size);

/** The input with every whole chunk's CRC-32 recomputed, so that mutations reach the record
 *  parsers instead of stopping at the checksum (the unchanged input tests the checksum). */
std::vector<uint8_t> with_valid_crcs(const uint8_t *data, size_t size);

}  // namespace nerv_fuzz

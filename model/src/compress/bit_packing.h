// Fixed-width packing of symbols, least significant bit first: the fallback for tensors
// too small (or too flat) for an entropy-coding table to pay for itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nerv {

/** Bits needed for the symbols [0, alphabet_size). */
int symbol_width(uint32_t alphabet_size);
/** Bytes that `count` symbols of `width` bits occupy. */
size_t packed_size(size_t count, int width);

/** `width` in [1, 32]; values must fit in `width` bits (-EINVAL otherwise). */
std::vector<uint8_t> pack_bits(const uint32_t *values, size_t count, int width);
/**
 * Unpacks `count` values; `size` must be exactly packed_size(count, width), the padding
 * bits zero and every value < alphabet_size, else NERV_ERROR_INVALIDDATA.
 */
void unpack_bits(const uint8_t *data, size_t size, int width, uint32_t alphabet_size, uint32_t *out, size_t count);

}  // namespace nerv

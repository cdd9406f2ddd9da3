// Static-model rANS entropy coder (Duda's asymmetric numeral systems, byte-wise
// renormalization with a 32-bit state, in the style of Giesen's rans_byte). The model is
// a FrequencyTable fixed before coding (two passes: count, then code), so any stream
// decodes with the table alone and several streams may share one table.
//
// Stream: the final encoder state (u32, little-endian) followed by the renormalization
// bytes in decoding order. The decoder checks that it consumes every byte and ends in
// the encoder's initial state, and never reads past the buffer, whatever the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compress/frequency_table.h"

namespace nerv {

class RansCoder {
public:
    /** Validates `table` for symbols < alphabet_size (NERV_ERROR_INVALIDDATA if unusable). */
    RansCoder(const FrequencyTable &table, uint32_t alphabet_size);

    /** Throws -EINVAL if a symbol is not in the table. */
    std::vector<uint8_t> encode(const uint32_t *symbols, size_t count) const;
    /** Decodes exactly `count` symbols from the whole of `data`; throws NERV_ERROR_INVALIDDATA. */
    void decode(const uint8_t *data, size_t size, uint32_t *out, size_t count) const;

private:
    int precision_bits_;
    std::vector<uint32_t> frequency_;  // by symbol; 0 = absent
    std::vector<uint32_t> start_;      // by symbol: cumulative frequency of the symbols before it
    // The symbol owning each slot of [0, 2^precision_bits). Symbols only (not their
    // frequency and start) keep it at 256 KiB for 2^16 and ~30% faster to decode.
    std::vector<uint32_t> slot_symbol_;
};

}  // namespace nerv

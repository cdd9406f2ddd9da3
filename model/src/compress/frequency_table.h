// The static model of the rANS coder (compress/rans.h): symbol frequencies normalized
// to a power-of-two total, chosen per table, and their compact serialization.
#pragma once

#include <cstdint>
#include <vector>

#include "core/byte_io.h"

namespace nerv {

/** 2^16 + 1 symbols: 16-bit levels plus the zero symbol. */
constexpr uint32_t kMaxAlphabetSize = (1u << 16) + 1;
/** Frequency totals go up to 2^17 only because all kMaxAlphabetSize symbols may be present;
 *  choose_frequency_table stays at or below 2^16 otherwise. */
constexpr int kMaxPrecisionBits = 17;

struct FrequencyTable {
    int precision_bits = 0;             // the frequencies sum to 2^precision_bits
    std::vector<uint32_t> symbols;      // present symbols, strictly increasing
    std::vector<uint32_t> frequencies;  // one per present symbol, each >= 1
};

/** Occurrences of each symbol; throws -EINVAL if a symbol is >= alphabet_size. */
std::vector<uint64_t> count_symbols(const uint32_t *symbols, size_t count, uint32_t alphabet_size);

/**
 * Scales `counts` to frequencies summing to 2^precision_bits, keeping every present
 * symbol >= 1 and minimizing the coded size sum(count * log2(total / frequency)) greedily
 * from the rounded proportional start. Requires 2^precision_bits >= present symbols.
 */
FrequencyTable normalize_frequencies(const std::vector<uint64_t> &counts, int precision_bits);

/** The precision (and its normalized table) with the smallest table bytes + coded bits. */
FrequencyTable choose_frequency_table(const std::vector<uint64_t> &counts);

/** Ideal coded size of `counts` under `table` (bits, excluding the coder's flush). */
double coded_bits(const FrequencyTable &table, const std::vector<uint64_t> &counts);

/**
 * Format (docs/tensor-coding.md): u8 precision_bits | varint run count | per run:
 * varint gap (absent symbols before it), varint length-1 | varint frequency-1 for every
 * present symbol but the last, whose frequency is what remains of 2^precision_bits.
 */
void write_frequency_table(ByteWriter &out, const FrequencyTable &table);
/** Parses and validates a table for symbols < alphabet_size; throws NERV_ERROR_INVALIDDATA. */
FrequencyTable read_frequency_table(ByteReader &in, uint32_t alphabet_size);
/** Throws NERV_ERROR_INVALIDDATA unless `table` is usable for symbols < alphabet_size. */
void validate_frequency_table(const FrequencyTable &table, uint32_t alphabet_size);

}  // namespace nerv

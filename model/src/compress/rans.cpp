#include "compress/rans.h"

#include <algorithm>

#include "core/error.h"

namespace nerv {

namespace {

// The state lives in [kLowerBound, kLowerBound << 8) between symbols: one byte moves per
// renormalization step and 2^23 leaves room for precisions up to kMaxPrecisionBits.
constexpr uint32_t kLowerBound = 1u << 23;
constexpr size_t kStateBytes = 4;

[[noreturn]] __attribute__((noinline, cold)) void fail_truncated(size_t size, size_t decoded, size_t count)
{
    fail_invalid_data(format("rANS: stream of %zu bytes ends after %zu of %zu symbols", size, decoded, count));
}

}  // namespace

RansCoder::RansCoder(const FrequencyTable &table, uint32_t alphabet_size) : precision_bits_(table.precision_bits)
{
    if (alphabet_size > kMaxAlphabetSize)
        fail_invalid_argument(format("rANS: alphabet of %u symbols exceeds the limit %u", alphabet_size,
                                     kMaxAlphabetSize));
    validate_frequency_table(table, alphabet_size);
    frequency_.assign(alphabet_size, 0);
    start_.assign(alphabet_size, 0);
    if (table.symbols.empty())
        return;
    slot_symbol_.resize(size_t(1) << precision_bits_);
    uint32_t start = 0;
    for (size_t i = 0; i < table.symbols.size(); ++i) {
        const uint32_t symbol = table.symbols[i], frequency = table.frequencies[i];
        frequency_[symbol] = frequency;
        start_[symbol] = start;
        std::fill(slot_symbol_.begin() + start, slot_symbol_.begin() + start + frequency, symbol);
        start += frequency;
    }
}

std::vector<uint8_t> RansCoder::encode(const uint32_t *symbols, size_t count) const
{
    // Symbols go in last to first and bytes come out in reverse; one reversal at the end
    // puts them in decoding order.
    std::vector<uint8_t> reversed;
    reversed.reserve(count / 2 + 16);
    const int precision = precision_bits_;
    const uint32_t max_scaled = (kLowerBound >> precision) << 8;
    const size_t alphabet = frequency_.size();
    uint32_t state = kLowerBound;
    for (size_t i = count; i-- > 0;) {
        const uint32_t symbol = symbols[i];
        const uint32_t frequency = symbol < alphabet ? frequency_[symbol] : 0;
        if (frequency == 0)
            fail_invalid_argument(format("rANS: symbol %u at %zu is not in the frequency table", symbol, i));
        const uint32_t state_limit = max_scaled * frequency;  // keeps the next state below 2^31
        while (state >= state_limit) {
            reversed.push_back(static_cast<uint8_t>(state & 0xff));
            state >>= 8;
        }
        state = ((state / frequency) << precision) + (state % frequency) + start_[symbol];
    }
    for (int shift = 24; shift >= 0; shift -= 8)
        reversed.push_back(static_cast<uint8_t>(state >> shift));
    std::reverse(reversed.begin(), reversed.end());
    return reversed;
}

void RansCoder::decode(const uint8_t *data, size_t size, uint32_t *out, size_t count) const
{
    if (size < kStateBytes)
        fail_invalid_data(format("rANS: stream of %zu bytes is shorter than its %zu-byte state", size, kStateBytes));
    if (count > 0 && slot_symbol_.empty())
        fail_invalid_data(format("rANS: %zu symbols to decode but the frequency table is empty", count));
    uint32_t state = uint32_t(data[0]) | uint32_t(data[1]) << 8 | uint32_t(data[2]) << 16 | uint32_t(data[3]) << 24;
    if (state < kLowerBound || state >= (kLowerBound << 8))
        fail_invalid_data(format("rANS: initial state %08x is outside the coder's range", state));
    size_t pos = kStateBytes;
    // Locals, so the stores to `out` cannot force reloads of the members.
    const uint32_t *slot_symbol = slot_symbol_.data(), *frequency = frequency_.data(), *start = start_.data();
    const int precision = precision_bits_;
    const uint32_t mask = (1u << precision) - 1;
    for (size_t i = 0; i < count; ++i) {
        const uint32_t symbol = slot_symbol[state & mask];
        out[i] = symbol;
        state = frequency[symbol] * (state >> precision) + (state & mask) - start[symbol];
        while (state < kLowerBound) {
            if (pos == size)
                fail_truncated(size, i, count);
            state = (state << 8) | data[pos++];
        }
    }
    if (pos != size)
        fail_invalid_data(format("rANS: %zu bytes left over after %zu symbols", size - pos, count));
    if (state != kLowerBound)
        fail_invalid_data(format("rANS: final state %08x differs from the initial %08x: corrupt stream", state,
                                 kLowerBound));
}

}  // namespace nerv

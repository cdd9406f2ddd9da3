#include "compress/frequency_table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <utility>

#include "core/error.h"

namespace nerv {

std::vector<uint64_t> count_symbols(const uint32_t *symbols, size_t count, uint32_t alphabet_size)
{
    if (alphabet_size > kMaxAlphabetSize)
        fail_invalid_argument(format("symbol counting: alphabet of %u symbols exceeds the limit %u", alphabet_size,
                                     kMaxAlphabetSize));
    std::vector<uint64_t> counts(alphabet_size, 0);
    for (size_t i = 0; i < count; ++i) {
        if (symbols[i] >= alphabet_size)
            fail_invalid_argument(format("symbol counting: symbol %u at %zu is outside the alphabet of %u", symbols[i],
                                         i, alphabet_size));
        ++counts[symbols[i]];
    }
    return counts;
}

namespace {

int ceil_log2(uint64_t n)
{
    int bits = 0;
    while ((uint64_t(1) << bits) < n)
        ++bits;
    return bits;
}

/** Change in coded bits when one symbol's frequency goes from `from` to `to` (negative = saving). */
double cost_change(uint64_t count, uint32_t from, uint32_t to)
{
    return static_cast<double>(count) * std::log2(static_cast<double>(from) / static_cast<double>(to));
}

}  // namespace

FrequencyTable normalize_frequencies(const std::vector<uint64_t> &counts, int precision_bits)
{
    if (precision_bits < 0 || precision_bits > kMaxPrecisionBits)
        fail_invalid_argument(format("frequency normalization: precision %d bits is outside [0, %d]", precision_bits,
                                     kMaxPrecisionBits));
    FrequencyTable table;
    table.precision_bits = precision_bits;
    uint64_t total_count = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
        if (counts[s]) {
            table.symbols.push_back(static_cast<uint32_t>(s));
            total_count += counts[s];
        }
    }
    const size_t present = table.symbols.size();
    const int64_t total = int64_t(1) << precision_bits;
    if (static_cast<int64_t>(present) > total)
        fail_invalid_argument(format("frequency normalization: %zu present symbols do not fit a total of %lld", present,
                                     (long long)total));
    if (present == 0)
        return table;

    // Proportional start, every present symbol kept >= 1.
    int64_t sum = 0;
    table.frequencies.resize(present);
    for (size_t i = 0; i < present; ++i) {
        const double share = static_cast<double>(counts[table.symbols[i]]) * static_cast<double>(total) /
                             static_cast<double>(total_count);
        const double rounded = std::max(1.0, std::floor(share + 0.5));
        const uint32_t f = static_cast<uint32_t>(std::min(static_cast<double>(total), rounded));
        table.frequencies[i] = f;
        sum += f;
    }

    // Then move the sum to `total` one unit at a time, always where it costs least.
    // Ties break on the symbol index so tables are reproducible.
    using Candidate = std::pair<double, size_t>;  // (cost of the move, index)
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> cheapest;
    auto count_of = [&](size_t i) { return counts[table.symbols[i]]; };
    if (sum < total) {
        for (size_t i = 0; i < present; ++i)
            cheapest.push({cost_change(count_of(i), table.frequencies[i], table.frequencies[i] + 1), i});
        for (; sum < total; ++sum) {
            const size_t i = cheapest.top().second;
            cheapest.pop();
            ++table.frequencies[i];
            cheapest.push({cost_change(count_of(i), table.frequencies[i], table.frequencies[i] + 1), i});
        }
    } else if (sum > total) {
        for (size_t i = 0; i < present; ++i) {
            if (table.frequencies[i] > 1)
                cheapest.push({cost_change(count_of(i), table.frequencies[i], table.frequencies[i] - 1), i});
        }
        for (; sum > total; --sum) {
            const size_t i = cheapest.top().second;
            cheapest.pop();
            --table.frequencies[i];
            if (table.frequencies[i] > 1)
                cheapest.push({cost_change(count_of(i), table.frequencies[i], table.frequencies[i] - 1), i});
        }
    }
    return table;
}

double coded_bits(const FrequencyTable &table, const std::vector<uint64_t> &counts)
{
    const double total = std::ldexp(1.0, table.precision_bits);
    double bits = 0.0;
    uint64_t covered = 0, all = 0;
    for (uint64_t c : counts)
        all += c;
    for (size_t i = 0; i < table.symbols.size(); ++i) {
        if (table.symbols[i] >= counts.size())
            continue;
        const uint64_t c = counts[table.symbols[i]];
        covered += c;
        bits += static_cast<double>(c) * std::log2(total / table.frequencies[i]);
    }
    return covered == all ? bits : std::numeric_limits<double>::infinity();
}

FrequencyTable choose_frequency_table(const std::vector<uint64_t> &counts)
{
    uint64_t present = 0, total_count = 0;
    for (uint64_t c : counts) {
        present += c ? 1 : 0;
        total_count += c;
    }
    if (present <= 1)  // nothing to code, or one symbol that costs 0 bits at precision 0
        return normalize_frequencies(counts, 0);
    // Precision beyond the sample count (or 2^16) only grows the table.
    const int lowest = ceil_log2(present);
    const int highest = std::max(lowest, std::min(16, ceil_log2(total_count) + 1));
    FrequencyTable best;
    double best_bits = std::numeric_limits<double>::infinity();
    for (int precision = lowest; precision <= highest; ++precision) {
        FrequencyTable table = normalize_frequencies(counts, precision);
        ByteWriter serialized;
        write_frequency_table(serialized, table);
        const double bits = 8.0 * static_cast<double>(serialized.size()) + coded_bits(table, counts);
        if (bits < best_bits) {
            best_bits = bits;
            best = std::move(table);
        }
    }
    return best;
}

void write_frequency_table(ByteWriter &out, const FrequencyTable &table)
{
    out.u8(static_cast<uint8_t>(table.precision_bits));
    std::vector<std::pair<uint32_t, uint32_t>> runs;  // (gap, length)
    uint32_t next = 0;
    for (size_t i = 0; i < table.symbols.size(); ++i) {
        const uint32_t s = table.symbols[i];
        if (i > 0 && s == next)
            ++runs.back().second;
        else
            runs.push_back({s - next, 1});
        next = s + 1;
    }
    out.varint(runs.size());
    for (const auto &run : runs) {
        out.varint(run.first);
        out.varint(run.second - 1);
    }
    for (size_t i = 0; i + 1 < table.frequencies.size(); ++i)
        out.varint(table.frequencies[i] - 1);
}

FrequencyTable read_frequency_table(ByteReader &in, uint32_t alphabet_size)
{
    const std::string &what = in.what();
    if (alphabet_size > kMaxAlphabetSize)
        fail_invalid_argument(format("frequency table: alphabet of %u symbols exceeds the limit %u", alphabet_size,
                                     kMaxAlphabetSize));
    FrequencyTable table;
    table.precision_bits = in.u8("frequency table precision");
    if (table.precision_bits > kMaxPrecisionBits)
        fail_invalid_data(format("%s: frequency table precision %d exceeds %d bits", what.c_str(),
                                 table.precision_bits, kMaxPrecisionBits));
    const uint64_t runs = in.varint("frequency table run count");
    if (runs > alphabet_size)
        fail_invalid_data(format("%s: frequency table has %llu runs for an alphabet of %u", what.c_str(),
                                 (unsigned long long)runs, alphabet_size));
    uint64_t next = 0;
    for (uint64_t r = 0; r < runs; ++r) {
        const uint64_t gap = in.varint("frequency table run gap");
        const uint64_t length_minus_one = in.varint("frequency table run length");
        if (gap > alphabet_size - next || length_minus_one >= alphabet_size - next - gap)
            fail_invalid_data(format("%s: frequency table run %llu runs past the alphabet of %u symbols",
                                     what.c_str(), (unsigned long long)r, alphabet_size));
        next += gap;
        for (uint64_t k = 0; k <= length_minus_one; ++k)
            table.symbols.push_back(static_cast<uint32_t>(next + k));
        next += length_minus_one + 1;
    }
    const size_t present = table.symbols.size();
    const uint64_t total = uint64_t(1) << table.precision_bits;
    if (present > total)
        fail_invalid_data(format("%s: %zu symbols cannot all have a frequency within a total of %llu", what.c_str(),
                                 present, (unsigned long long)total));
    if (present == 0)
        return table;
    table.frequencies.resize(present);
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < present; ++i) {
        const uint64_t f_minus_one = in.varint("symbol frequency");
        // Checked before adding so the sum cannot wrap; the last symbol must keep >= 1.
        if (f_minus_one >= total || sum + f_minus_one + 1 >= total)
            fail_invalid_data(format("%s: frequencies exceed the total %llu at symbol %u", what.c_str(),
                                     (unsigned long long)total, table.symbols[i]));
        table.frequencies[i] = static_cast<uint32_t>(f_minus_one + 1);
        sum += f_minus_one + 1;
    }
    table.frequencies.back() = static_cast<uint32_t>(total - sum);
    return table;
}

void validate_frequency_table(const FrequencyTable &table, uint32_t alphabet_size)
{
    if (table.precision_bits < 0 || table.precision_bits > kMaxPrecisionBits)
        fail_invalid_data(format("frequency table: precision %d bits is outside [0, %d]", table.precision_bits,
                                 kMaxPrecisionBits));
    if (table.symbols.size() != table.frequencies.size())
        fail_invalid_data(format("frequency table: %zu symbols but %zu frequencies", table.symbols.size(),
                                 table.frequencies.size()));
    uint64_t sum = 0;
    for (size_t i = 0; i < table.symbols.size(); ++i) {
        if (table.symbols[i] >= alphabet_size || (i > 0 && table.symbols[i] <= table.symbols[i - 1]))
            fail_invalid_data(format("frequency table: symbol %u at %zu is out of order or outside the alphabet of %u",
                                     table.symbols[i], i, alphabet_size));
        if (table.frequencies[i] == 0)
            fail_invalid_data(format("frequency table: symbol %u has frequency 0", table.symbols[i]));
        sum += table.frequencies[i];
    }
    if (!table.symbols.empty() && sum != (uint64_t(1) << table.precision_bits))
        fail_invalid_data(format("frequency table: frequencies sum to %llu, not 2^%d", (unsigned long long)sum,
                                 table.precision_bits));
}

}  // namespace nerv

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compress/frequency_table.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

double entropy_bits(const std::vector<uint64_t> &counts)
{
    const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), uint64_t(0)));
    double bits = 0;
    for (uint64_t c : counts) {
        if (c)
            bits -= static_cast<double>(c) * std::log2(static_cast<double>(c) / total);
    }
    return bits;
}

uint64_t frequency_sum(const nerv::FrequencyTable &table)
{
    return std::accumulate(table.frequencies.begin(), table.frequencies.end(), uint64_t(0));
}

TEST(FrequencyTableTest, KeepsEveryPresentSymbolAndSumsToThePrecision)
{
    // One dominant symbol and many singletons: proportional rounding alone would give them 0.
    std::vector<uint64_t> counts(3000, 0);
    counts[7] = 100000000;
    for (size_t s = 100; s < 3000; s += 2)
        counts[s] = 1;
    for (int precision : {12, 14, 16}) {
        const nerv::FrequencyTable table = nerv::normalize_frequencies(counts, precision);
        EXPECT_EQ(frequency_sum(table), uint64_t(1) << precision);
        ASSERT_EQ(table.symbols.size(), 1451u);
        for (uint32_t f : table.frequencies)
            EXPECT_GE(f, 1u);
        EXPECT_NO_THROW(nerv::validate_frequency_table(table, 3000));
    }
    EXPECT_THROW(nerv::normalize_frequencies(counts, 10), nerv::Error);  // 1451 symbols > 1024
}

TEST(FrequencyTableTest, StaysCloseToTheEmpiricalDistribution)
{
    // Laplacian counts over 256 levels: the normalization loss is a small fraction of a percent.
    std::vector<uint64_t> counts(256);
    for (int s = 0; s < 256; ++s)
        counts[static_cast<size_t>(s)] = static_cast<uint64_t>(1e6 * std::exp(-std::abs(s - 128) / 6.0)) + 1;
    const double entropy = entropy_bits(counts);
    const nerv::FrequencyTable table = nerv::normalize_frequencies(counts, 16);
    const double loss = nerv::coded_bits(table, counts) / entropy - 1.0;
    EXPECT_GE(loss, 0.0);
    EXPECT_LT(loss, 0.001) << "coded " << nerv::coded_bits(table, counts) << " bits vs entropy " << entropy;
}

/** The smallest coded size any frequencies >= 1 summing to `total` can give (exhaustive). */
double optimal_coded_bits(const std::vector<uint64_t> &counts, int total)
{
    const size_t k = counts.size();
    std::vector<int> f(k);
    double best = INFINITY;
    std::function<void(size_t, int)> assign = [&](size_t i, int left) {
        if (i + 1 == k) {
            f[i] = left;
            double bits = 0;
            for (size_t j = 0; j < k; ++j)
                bits += static_cast<double>(counts[j]) * std::log2(static_cast<double>(total) / f[j]);
            best = std::min(best, bits);
            return;
        }
        for (int v = 1; v <= left - static_cast<int>(k - 1 - i); ++v) {
            f[i] = v;
            assign(i + 1, left - v);
        }
    };
    assign(0, total);
    return best;
}

TEST(FrequencyTableTest, NormalizationIsNearlyOptimalOnSmallTables)
{
    // The greedy unit moves hit the exhaustive optimum almost always, and never miss by much.
    std::mt19937_64 rng(13);
    int suboptimal = 0;
    const int trials = 1000;
    for (int trial = 0; trial < trials; ++trial) {
        std::vector<uint64_t> counts(2 + rng() % 4);
        for (uint64_t &c : counts)
            c = 1 + rng() % ((rng() & 1) ? 5 : 1000);
        const int precision = 3 + static_cast<int>(rng() % 3);
        const double greedy = nerv::coded_bits(nerv::normalize_frequencies(counts, precision), counts);
        const double optimum = optimal_coded_bits(counts, 1 << precision);
        ASSERT_LE(greedy, optimum * 1.005 + 1e-9) << "trial " << trial;
        suboptimal += greedy > optimum + 1e-9;
    }
    EXPECT_LE(suboptimal, trials / 100);
}

TEST(FrequencyTableTest, ChoosesSmallPrecisionForFewSamples)
{
    std::vector<uint64_t> counts(64, 0);
    counts[3] = 20;
    counts[4] = 10;
    counts[9] = 2;
    const nerv::FrequencyTable table = nerv::choose_frequency_table(counts);
    EXPECT_LE(table.precision_bits, 7);  // 32 samples need no 2^16 resolution
    EXPECT_EQ(frequency_sum(table), uint64_t(1) << table.precision_bits);

    std::vector<uint64_t> single(10, 0);
    single[5] = 1000000;
    const nerv::FrequencyTable one = nerv::choose_frequency_table(single);
    EXPECT_EQ(one.precision_bits, 0);
    EXPECT_EQ(one.frequencies, std::vector<uint32_t>{1});
    EXPECT_EQ(nerv::coded_bits(one, single), 0.0);
}

TEST(FrequencyTableTest, HoldsAllSymbolsOfTheLargestAlphabet)
{
    const std::vector<uint64_t> counts(nerv::kMaxAlphabetSize, 3);
    const nerv::FrequencyTable table = nerv::choose_frequency_table(counts);
    EXPECT_EQ(table.precision_bits, 17);
    EXPECT_EQ(table.symbols.size(), nerv::kMaxAlphabetSize);
}

TEST(FrequencyTableTest, SerializationRoundTrips)
{
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 50; ++trial) {
        const uint32_t alphabet = 1 + static_cast<uint32_t>(rng() % 5000);
        std::vector<uint64_t> counts(alphabet, 0);
        const int present = 1 + static_cast<int>(rng() % 300);
        for (int i = 0; i < present; ++i)
            counts[rng() % alphabet] += 1 + rng() % 1000;
        const nerv::FrequencyTable table = nerv::choose_frequency_table(counts);
        nerv::ByteWriter out;
        nerv::write_frequency_table(out, table);
        out.u8(0xab);  // the parser must stop at the table's end
        nerv::ByteReader in(out.data().data(), out.size(), "table");
        const nerv::FrequencyTable parsed = nerv::read_frequency_table(in, alphabet);
        EXPECT_EQ(parsed.precision_bits, table.precision_bits);
        EXPECT_EQ(parsed.symbols, table.symbols);
        EXPECT_EQ(parsed.frequencies, table.frequencies);
        EXPECT_EQ(in.remaining(), 1u);
    }
}

TEST(FrequencyTableTest, DenseTablesAreCompact)
{
    // 256 present levels in one run: precision, run count, gap, length-1 (2 varint bytes),
    // then 255 one-byte frequencies (the last is implied).
    std::vector<uint64_t> counts(256, 1);
    const nerv::FrequencyTable table = nerv::normalize_frequencies(counts, 8);
    nerv::ByteWriter out;
    nerv::write_frequency_table(out, table);
    EXPECT_EQ(out.size(), 1u + 1u + 1u + 2u + 255u);
}

nerv::FrequencyTable parse(const std::vector<uint8_t> &bytes, uint32_t alphabet)
{
    nerv::ByteReader in(bytes.data(), bytes.size(), "table");
    return nerv::read_frequency_table(in, alphabet);
}

int parse_error(const std::vector<uint8_t> &bytes, uint32_t alphabet)
{
    try {
        parse(bytes, alphabet);
    } catch (const nerv::Error &e) {
        return e.code();
    }
    return 0;
}

TEST(FrequencyTableTest, ParserRejectsMalformedTables)
{
    // precision 2 (total 4), one run: gap 1, length 2 -> symbols {1, 2}; first frequency 1+1 = 2, last implied 2.
    EXPECT_EQ(parse_error({2, 1, 1, 1, 1}, 8), 0);
    EXPECT_EQ(parse({2, 1, 1, 1, 1}, 8).frequencies, (std::vector<uint32_t>{2, 2}));
    EXPECT_EQ(parse_error({18, 0}, 8), NERV_ERROR_INVALIDDATA);              // precision too high
    EXPECT_EQ(parse_error({2, 9}, 8), NERV_ERROR_INVALIDDATA);               // more runs than symbols
    EXPECT_EQ(parse_error({2, 1, 7, 1}, 8), NERV_ERROR_INVALIDDATA);         // run past the alphabet
    EXPECT_EQ(parse_error({2, 1, 0x80, 0x80}, 8), NERV_ERROR_INVALIDDATA);   // truncated varint
    EXPECT_EQ(parse_error({1, 1, 0, 2}, 8), NERV_ERROR_INVALIDDATA);         // 3 symbols in a total of 2
    EXPECT_EQ(parse_error({2, 1, 1, 1, 3}, 8), NERV_ERROR_INVALIDDATA);      // leaves 0 for the last symbol
    EXPECT_EQ(parse_error({2, 1, 1, 1}, 8), NERV_ERROR_INVALIDDATA);         // frequency missing
    EXPECT_EQ(parse_error({2, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 8),
              NERV_ERROR_INVALIDDATA);                                      // 2^64 - 1 frequency
    EXPECT_EQ(parse_error({2, 2, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0}, 8),
              NERV_ERROR_INVALIDDATA);                                      // huge second gap
}

TEST(FrequencyTableTest, ParserSurvivesRandomBytes)
{
    std::mt19937_64 rng(12);
    int accepted = 0;
    for (int trial = 0; trial < 5000; ++trial) {
        std::vector<uint8_t> bytes(rng() % 40);
        for (uint8_t &b : bytes)
            b = static_cast<uint8_t>(rng());
        if (!bytes.empty())
            bytes[0] %= 20;  // mostly plausible precisions, to get past the first check
        try {
            const nerv::FrequencyTable table = parse(bytes, 300);
            nerv::validate_frequency_table(table, 300);  // whatever parses must be usable
            ++accepted;
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << e.what();
        }
    }
    EXPECT_LT(accepted, 5000);
}

}  // namespace NERV_TEST_FILE

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compress/frequency_table.h"
#include "compress/rans.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

struct Coded {
    nerv::FrequencyTable table;
    size_t table_bytes = 0;
    std::vector<uint8_t> stream;
};

Coded encode(const std::vector<uint32_t> &symbols, uint32_t alphabet)
{
    Coded coded;
    coded.table = nerv::choose_frequency_table(nerv::count_symbols(symbols.data(), symbols.size(), alphabet));
    nerv::ByteWriter table_bytes;
    nerv::write_frequency_table(table_bytes, coded.table);
    coded.table_bytes = table_bytes.size();
    coded.stream = nerv::RansCoder(coded.table, alphabet).encode(symbols.data(), symbols.size());
    return coded;
}

std::vector<uint32_t> decode(const Coded &coded, uint32_t alphabet, size_t count)
{
    std::vector<uint32_t> out(count);
    nerv::RansCoder(coded.table, alphabet).decode(coded.stream.data(), coded.stream.size(), out.data(), count);
    return out;
}

double entropy_bits(const std::vector<uint32_t> &symbols, uint32_t alphabet)
{
    const std::vector<uint64_t> counts = nerv::count_symbols(symbols.data(), symbols.size(), alphabet);
    double bits = 0;
    for (uint64_t c : counts) {
        if (c)
            bits -= static_cast<double>(c) * std::log2(static_cast<double>(c) / static_cast<double>(symbols.size()));
    }
    return bits;
}

/** Two-sided geometric (discrete Laplacian) around the middle of the alphabet. */
std::vector<uint32_t> laplacian_symbols(size_t count, double scale, uint32_t alphabet, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> magnitude(1.0 / scale);
    std::vector<uint32_t> symbols(count);
    const double centre = alphabet / 2;
    for (uint32_t &s : symbols) {
        const double v = centre + ((rng() & 1) ? 1 : -1) * std::floor(magnitude(rng));
        s = static_cast<uint32_t>(std::clamp(v, 0.0, alphabet - 1.0));
    }
    return symbols;
}

void expect_round_trip(const std::vector<uint32_t> &symbols, uint32_t alphabet)
{
    const Coded coded = encode(symbols, alphabet);
    ASSERT_EQ(decode(coded, alphabet, symbols.size()), symbols);
}

TEST(RansTest, EmptyInputIsJustTheState)
{
    const Coded coded = encode({}, 16);
    EXPECT_EQ(coded.stream.size(), 4u);
    EXPECT_TRUE(decode(coded, 16, 0).empty());
}

TEST(RansTest, OneSymbolRepeatedCostsNothing)
{
    const std::vector<uint32_t> symbols(1000000, 42);
    const Coded coded = encode(symbols, 256);
    EXPECT_EQ(coded.stream.size(), 4u);
    EXPECT_EQ(decode(coded, 256, symbols.size()), symbols);
}

TEST(RansTest, AllSymbolsOfTheLargestAlphabetUniform)
{
    const uint32_t alphabet = nerv::kMaxAlphabetSize;
    std::vector<uint32_t> symbols(4 * alphabet);
    for (size_t i = 0; i < symbols.size(); ++i)
        symbols[i] = static_cast<uint32_t>(i % alphabet);
    std::shuffle(symbols.begin(), symbols.end(), std::mt19937_64(21));
    const Coded coded = encode(symbols, alphabet);
    EXPECT_EQ(coded.table.precision_bits, 17);
    EXPECT_EQ(decode(coded, alphabet, symbols.size()), symbols);
    // ~16 bits per symbol: two symbols get frequency 1 of 2^17, the rest 2.
    EXPECT_LT(static_cast<double>(coded.stream.size()), 1.002 * entropy_bits(symbols, alphabet) / 8 + 8);
}

TEST(RansTest, ExtremelySkewedDistribution)
{
    // p(rare) = 1e-6: one rare symbol in a million.
    std::vector<uint32_t> symbols(1000000, 3);
    symbols[123457] = 9;
    const Coded coded = encode(symbols, 16);
    EXPECT_EQ(decode(coded, 16, symbols.size()), symbols);
    EXPECT_LT(coded.stream.size(), 16u);  // ~21 bits of payload plus the state
}

TEST(RansTest, TwoSymbolsAlternating)
{
    std::vector<uint32_t> symbols(100001);
    for (size_t i = 0; i < symbols.size(); ++i)
        symbols[i] = (i % 2) ? 65535u : 0u;
    const Coded coded = encode(symbols, 65536);
    EXPECT_EQ(decode(coded, 65536, symbols.size()), symbols);
    EXPECT_LE(coded.stream.size(), symbols.size() / 8 + 8);  // one bit each
}

TEST(RansTest, GeometricDistribution)
{
    std::mt19937_64 rng(22);
    std::geometric_distribution<uint32_t> geometric(0.3);
    std::vector<uint32_t> symbols(200000);
    for (uint32_t &s : symbols)
        s = std::min<uint32_t>(geometric(rng), 1023);
    const Coded coded = encode(symbols, 1024);
    EXPECT_EQ(decode(coded, 1024, symbols.size()), symbols);
    EXPECT_LT(static_cast<double>(coded.stream.size()), 1.01 * entropy_bits(symbols, 1024) / 8 + 4);
}

TEST(RansTest, LaplacianSizeIsWithinOnePercentOfEntropy)
{
    for (double scale : {0.7, 3.0, 20.0}) {
        const std::vector<uint32_t> symbols = laplacian_symbols(1000000, scale, 256, 23);
        const Coded coded = encode(symbols, 256);
        ASSERT_EQ(decode(coded, 256, symbols.size()), symbols);
        const double entropy_bytes = entropy_bits(symbols, 256) / 8;
        EXPECT_LT(static_cast<double>(coded.stream.size()), 1.01 * entropy_bytes + 4)
            << "scale " << scale << ": " << coded.stream.size() << " bytes + " << coded.table_bytes
            << " table vs entropy " << entropy_bytes;
    }
    // Sixteen-bit levels (wide Laplacian, ~12 bits per symbol), the table included.
    const std::vector<uint32_t> wide = laplacian_symbols(1000000, 300.0, 65536, 24);
    const Coded coded = encode(wide, 65536);
    ASSERT_EQ(decode(coded, 65536, wide.size()), wide);
    EXPECT_LT(static_cast<double>(coded.stream.size() + coded.table_bytes), 1.01 * entropy_bits(wide, 65536) / 8);
}

TEST(RansTest, RandomAlphabetsAndLengthsRoundTrip)
{
    std::mt19937_64 rng(25);
    for (int trial = 0; trial < 200; ++trial) {
        const uint32_t alphabet = 1 + static_cast<uint32_t>(rng() % 3000);
        const size_t count = rng() % 2000;
        const uint32_t used = 1 + static_cast<uint32_t>(rng() % alphabet);
        std::vector<uint32_t> symbols(count);
        for (uint32_t &s : symbols)
            s = static_cast<uint32_t>(rng() % used);
        expect_round_trip(symbols, alphabet);
    }
}

TEST(RansTest, EncoderRejectsSymbolsOutsideTheTable)
{
    nerv::FrequencyTable table;
    table.precision_bits = 1;
    table.symbols = {0, 2};
    table.frequencies = {1, 1};
    const nerv::RansCoder coder(table, 4);
    const std::vector<uint32_t> symbols = {0, 2, 1};
    try {
        coder.encode(symbols.data(), symbols.size());
        FAIL() << "symbol 1 has no frequency";
    } catch (const nerv::Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
    }
}

TEST(RansTest, CoderRejectsInconsistentTables)
{
    nerv::FrequencyTable table;
    table.precision_bits = 3;
    table.symbols = {1, 5};
    table.frequencies = {3, 4};  // sums to 7, not 8
    EXPECT_THROW(nerv::RansCoder(table, 8), nerv::Error);
    table.frequencies = {4, 4};
    EXPECT_THROW(nerv::RansCoder(table, 5), nerv::Error);  // symbol 5 outside an alphabet of 5
    EXPECT_NO_THROW(nerv::RansCoder(table, 6));
}

int decode_error(const Coded &coded, uint32_t alphabet, const std::vector<uint8_t> &stream, size_t count)
{
    std::vector<uint32_t> out(count);
    try {
        nerv::RansCoder(coded.table, alphabet).decode(stream.data(), stream.size(), out.data(), count);
    } catch (const nerv::Error &e) {
        return e.code();
    }
    return 0;
}

TEST(RansTest, TruncatedOrExtendedStreamsAreRejected)
{
    const std::vector<uint32_t> symbols = laplacian_symbols(5000, 4.0, 64, 26);
    const Coded coded = encode(symbols, 64);
    for (size_t keep = 0; keep < coded.stream.size(); ++keep) {
        const std::vector<uint8_t> truncated(coded.stream.begin(), coded.stream.begin() + keep);
        ASSERT_EQ(decode_error(coded, 64, truncated, symbols.size()), NERV_ERROR_INVALIDDATA) << "kept " << keep;
    }
    std::vector<uint8_t> extended = coded.stream;
    extended.push_back(0);
    EXPECT_EQ(decode_error(coded, 64, extended, symbols.size()), NERV_ERROR_INVALIDDATA);
    // Asking for more or fewer symbols than were coded is detected too.
    EXPECT_EQ(decode_error(coded, 64, coded.stream, symbols.size() + 1), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(decode_error(coded, 64, coded.stream, symbols.size() - 1), NERV_ERROR_INVALIDDATA);
}

TEST(RansTest, CorruptStreamsNeverCrashAndAreMostlyDetected)
{
    const std::vector<uint32_t> symbols = laplacian_symbols(3000, 6.0, 256, 27);
    const Coded coded = encode(symbols, 256);
    std::mt19937_64 rng(28);
    int detected = 0;
    const int trials = 4000;
    for (int trial = 0; trial < trials; ++trial) {
        std::vector<uint8_t> stream = coded.stream;
        switch (trial % 3) {
        case 0:  // one flipped bit
            stream[rng() % stream.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
            break;
        case 1:  // a few random bytes
            for (int k = 0; k < 4; ++k)
                stream[rng() % stream.size()] = static_cast<uint8_t>(rng());
            break;
        default:  // pure garbage of a random length
            stream.resize(rng() % (2 * coded.stream.size()));
            for (uint8_t &b : stream)
                b = static_cast<uint8_t>(rng());
        }
        const int code = decode_error(coded, 256, stream, symbols.size());
        ASSERT_TRUE(code == 0 || code == NERV_ERROR_INVALIDDATA);
        detected += code != 0;
    }
    // The final-state check catches nearly every corruption (a state collision is ~2^-8 or rarer).
    EXPECT_GT(detected, trials * 95 / 100);
}

}  // namespace NERV_TEST_FILE

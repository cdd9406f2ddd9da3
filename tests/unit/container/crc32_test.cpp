#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "container/records.h"

namespace NERV_TEST_FILE {

const uint8_t *bytes_of(const char *text) { return reinterpret_cast<const uint8_t *>(text); }

TEST(Crc32Test, MatchesTheStandardCheckValue)
{
    // The check value of CRC-32/ISO-HDLC (zlib, PNG, IEEE 802.3).
    EXPECT_EQ(nerv::crc32(bytes_of("123456789"), 9), 0xCBF43926u);
}

TEST(Crc32Test, MatchesZlibOnOtherInputs)
{
    EXPECT_EQ(nerv::crc32(nullptr, 0), 0u);
    EXPECT_EQ(nerv::crc32(bytes_of("a"), 1), 0xE8B7BE43u);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    EXPECT_EQ(nerv::crc32(bytes_of(fox), std::strlen(fox)), 0x414FA339u);
    std::vector<uint8_t> zeros(32, 0);
    EXPECT_EQ(nerv::crc32(zeros.data(), zeros.size()), 0x190A55ADu);
}

TEST(Crc32Test, ContinuesAcrossBuffersLikeZlib)
{
    const uint8_t *all = bytes_of("123456789");
    for (size_t split = 0; split <= 9; ++split) {
        uint32_t first = nerv::crc32(all, split);
        EXPECT_EQ(nerv::crc32(all + split, 9 - split, first), 0xCBF43926u) << "split at " << split;
    }
}

TEST(Crc32Test, DetectsEverySingleBitFlip)
{
    std::vector<uint8_t> data(64);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i * 37 + 11);
    uint32_t reference = nerv::crc32(data.data(), data.size());
    for (size_t bit = 0; bit < data.size() * 8; ++bit) {
        data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_NE(nerv::crc32(data.data(), data.size()), reference) << "bit " << bit;
        data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
}

}  // namespace NERV_TEST_FILE

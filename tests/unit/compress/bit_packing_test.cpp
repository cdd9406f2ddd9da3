#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compress/bit_packing.h"
#include "core/error.h"

namespace NERV_TEST_FILE {

TEST(BitPackingTest, WidthCoversTheAlphabet)
{
    EXPECT_EQ(nerv::symbol_width(1), 1);
    EXPECT_EQ(nerv::symbol_width(2), 1);
    EXPECT_EQ(nerv::symbol_width(3), 2);
    EXPECT_EQ(nerv::symbol_width(256), 8);
    EXPECT_EQ(nerv::symbol_width(257), 9);  // 8-bit levels + the zero symbol
    EXPECT_EQ(nerv::symbol_width(65537), 17);
}

TEST(BitPackingTest, RoundTripsEveryWidth)
{
    std::mt19937_64 rng(31);
    for (int width = 1; width <= 32; ++width) {
        for (size_t count : {0, 1, 7, 8, 9, 1001}) {
            std::vector<uint32_t> values(count);
            for (uint32_t &v : values)
                v = static_cast<uint32_t>(rng()) >> (32 - width);
            const std::vector<uint8_t> packed = nerv::pack_bits(values.data(), count, width);
            ASSERT_EQ(packed.size(), nerv::packed_size(count, width));
            ASSERT_EQ(packed.size(), (count * width + 7) / 8);
            std::vector<uint32_t> out(count);
            const uint32_t alphabet = width == 32 ? 0xffffffffu : (1u << width);
            nerv::unpack_bits(packed.data(), packed.size(), width, alphabet, out.data(), count);
            ASSERT_EQ(out, values) << "width " << width << " count " << count;
        }
    }
}

TEST(BitPackingTest, PacksLeastSignificantBitFirst)
{
    const std::vector<uint32_t> values = {1, 2, 3, 0, 7};
    EXPECT_EQ(nerv::pack_bits(values.data(), values.size(), 3), (std::vector<uint8_t>{0xd1, 0x70}));
}

int unpack_error(const std::vector<uint8_t> &bytes, int width, uint32_t alphabet, size_t count)
{
    std::vector<uint32_t> out(count);
    try {
        nerv::unpack_bits(bytes.data(), bytes.size(), width, alphabet, out.data(), count);
    } catch (const nerv::Error &e) {
        return e.code();
    }
    return 0;
}

TEST(BitPackingTest, UnpackRejectsInconsistentInput)
{
    EXPECT_EQ(unpack_error({0xd1, 0x70}, 3, 8, 5), 0);
    EXPECT_EQ(unpack_error({0xd1}, 3, 8, 5), NERV_ERROR_INVALIDDATA);              // too short
    EXPECT_EQ(unpack_error({0xd1, 0x70, 0x00}, 3, 8, 5), NERV_ERROR_INVALIDDATA);  // too long
    EXPECT_EQ(unpack_error({0xd1, 0xf0}, 3, 8, 5), NERV_ERROR_INVALIDDATA);        // padding bit set
    EXPECT_EQ(unpack_error({0xd1, 0x70}, 3, 7, 5), NERV_ERROR_INVALIDDATA);        // 7 outside the alphabet
    const std::vector<uint32_t> too_wide = {8};
    EXPECT_THROW(nerv::pack_bits(too_wide.data(), 1, 3), nerv::Error);
}

}  // namespace NERV_TEST_FILE

// Damaged streams: truncation at every length, every single-bit flip, and a deterministic
// mutation fuzz whose CRCs are recomputed so that the record parsers themselves see the
// damage. The only acceptable outcomes are a clean parse or a nerv::Error.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <vector>

#include "container/records.h"
#include "container_samples.h"

namespace NERV_TEST_FILE {

using nerv_test::container::outcome_of;
using nerv_test::container::read_stream;

TEST(StreamRobustnessTest, EveryTruncationYieldsTheWholeChunksBeforeIt)
{
    std::vector<size_t> ends;
    std::vector<uint8_t> stream = nerv_test::container::sample_stream(&ends);
    for (size_t length = 0; length <= stream.size(); ++length) {
        // A copy of exactly `length` bytes, so that a read past the end is an ASan error.
        std::vector<uint8_t> prefix(stream.begin(), stream.begin() + length);
        nerv_test::container::StreamSummary s;
        auto o = outcome_of([&] { s = read_stream(prefix.data(), prefix.size()); });
        ASSERT_EQ(o.code, 0) << "length " << length << ": " << o.message;
        int whole = static_cast<int>(std::count_if(ends.begin(), ends.end(), [&](size_t e) { return e <= length; }));
        size_t consumed = whole ? ends[whole - 1] : (length >= nerv::kFilePrefixSize ? nerv::kFilePrefixSize : 0);
        bool at_boundary = length == consumed;
        EXPECT_EQ(s.stream_headers + s.segments + s.frames, whole) << "length " << length;
        EXPECT_EQ(s.truncated, !at_boundary) << "length " << length;
        EXPECT_EQ(s.consumed, consumed) << "length " << length;
    }
}

TEST(StreamRobustnessTest, EverySingleBitFlipIsCaught)
{
    std::vector<size_t> ends;
    const std::vector<uint8_t> stream = nerv_test::container::sample_stream(&ends);
    size_t crc_errors = 0;
    for (size_t bit = 0; bit < stream.size() * 8; ++bit) {
        const size_t byte = bit / 8;
        std::vector<uint8_t> damaged = stream;
        damaged[byte] ^= static_cast<uint8_t>(1u << (bit % 8));
        nerv_test::container::StreamSummary s;
        auto o = outcome_of([&] { s = read_stream(damaged); });

        if (byte >= 6 && byte < 8) {  // the minor version: any value is accepted by design
            EXPECT_EQ(o.code, 0) << "bit " << bit << ": " << o.message;
            continue;
        }
        if (byte < 6) {  // magic or major version
            EXPECT_NE(o.code, 0) << "bit " << bit;
            continue;
        }
        size_t chunk_start = nerv::kFilePrefixSize;
        for (size_t e : ends)
            if (e <= byte)
                chunk_start = e;
        size_t in_chunk = byte - chunk_start;
        if (in_chunk < 4) {  // tag: no single flip turns one defined tag into another
            EXPECT_NE(o.message.find("unknown chunk tag"), std::string::npos) << "bit " << bit << ": " << o.message;
        } else if (in_chunk < nerv::kChunkHeaderSize) {
            // Size field: a chunk that now claims to run past the data is indistinguishable from a
            // truncated stream; anything else breaks the CRC or the size limit.
            EXPECT_TRUE(o.code == NERV_ERROR_INVALIDDATA || (o.code == 0 && s.truncated))
                << "bit " << bit << ": " << o.message;
        } else {  // payload or CRC: CRC-32 catches every single-bit error
            EXPECT_NE(o.message.find("CRC mismatch"), std::string::npos) << "bit " << bit << ": " << o.message;
            ++crc_errors;
        }
    }
    EXPECT_GT(crc_errors, stream.size() * 8 / 2);
}

/** A stream as (tag, payload) pairs, so mutations can be re-framed with valid sizes and CRCs. */
struct Chunk {
    uint32_t tag;
    std::vector<uint8_t> payload;
};

std::vector<Chunk> split_chunks(const std::vector<uint8_t> &stream)
{
    std::vector<Chunk> chunks;
    nerv::ChunkScanner scanner(stream.data(), stream.size());
    scanner.consume_file_prefix();
    nerv::ChunkView c;
    while (scanner.next(&c))
        chunks.push_back({static_cast<uint32_t>(c.type), std::vector<uint8_t>(c.payload, c.payload + c.payload_size)});
    return chunks;
}

void overwrite(std::vector<uint8_t> &bytes, size_t at, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width && at + i < bytes.size(); ++i)
        bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

void mutate(std::vector<uint8_t> &p, std::mt19937_64 &rng)
{
    static const uint64_t interesting[] = {0,          1,          2,          8,          255,
                                           256,        4096,       4097,       65535,      65536,
                                           65537,      0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                                           1ull << 31, (1ull << 20) + 1, ~0ull, 0x7fffffffffffffffull, 16385};
    auto pick = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
    switch (rng() % 8) {
    case 0:
        if (!p.empty())
            p[pick(p.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
    case 1:
        if (!p.empty())
            p[pick(p.size())] = static_cast<uint8_t>(rng());
        break;
    case 2: overwrite(p, pick(p.size()), interesting[pick(std::size(interesting))], 4); break;
    case 3: overwrite(p, pick(p.size()), interesting[pick(std::size(interesting))], 8); break;
    case 4: p.resize(pick(p.size() + 1)); break;
    case 5: {
        size_t at = pick(p.size() + 1);
        std::vector<uint8_t> extra(1 + pick(16));
        for (uint8_t &b : extra)
            b = static_cast<uint8_t>(rng());
        p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
        break;
    }
    case 6: {
        size_t at = pick(p.size() + 1);
        size_t n = std::min(p.size() - at, 1 + pick(16));
        p.erase(p.begin() + static_cast<std::ptrdiff_t>(at), p.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
    }
    case 7:
        if (!p.empty())
            p[pick(p.size())] = static_cast<uint8_t>(interesting[pick(std::size(interesting))]);
        break;
    }
}

TEST(StreamRobustnessTest, MutatedRecordsParseOrFailCleanly)
{
    const std::vector<Chunk> original = split_chunks(nerv_test::container::sample_stream());
    ASSERT_EQ(original.size(), 5u);
    std::mt19937_64 rng(20240611);
    int parsed = 0, rejected = 0;
    for (int iteration = 0; iteration < 20000; ++iteration) {
        std::vector<Chunk> chunks = original;
        int mutations = 1 + static_cast<int>(rng() % 3);
        for (int m = 0; m < mutations; ++m) {
            Chunk &victim = chunks[rng() % chunks.size()];
            mutate(victim.payload, rng);
        }
        if (rng() % 16 == 0)  // occasionally reorder, so frames meet the wrong (or no) segment
            std::swap(chunks[rng() % chunks.size()], chunks[rng() % chunks.size()]);

        std::vector<uint8_t> stream = nerv::write_file_prefix();
        for (const Chunk &c : chunks)
            nerv_test::container::append(stream, nerv_test::container::framed_chunk(c.tag, c.payload));
        try {
            nerv_test::container::StreamSummary s = read_stream(stream);
            ASSERT_FALSE(s.truncated) << "iteration " << iteration;
            ++parsed;
        } catch (const nerv::Error &e) {
            ASSERT_EQ(e.code(), NERV_ERROR_INVALIDDATA) << "iteration " << iteration << ": " << e.what();
            // The framing is always intact here, so the record parsers must be what objected.
            ASSERT_EQ(std::string(e.what()).find("CRC"), std::string::npos) << e.what();
            ++rejected;
        } catch (const std::exception &e) {
            FAIL() << "iteration " << iteration << " threw a non-nerv exception: " << e.what();
        }
    }
    RecordProperty("parsed", parsed);
    RecordProperty("rejected", rejected);
    // Both outcomes must occur, or the mutations are not reaching the parsers in a useful way.
    EXPECT_GT(parsed, 1000);
    EXPECT_GT(rejected, 1000);
}

}  // namespace NERV_TEST_FILE

// Replays the fuzz targets' seed corpus and every input that ever broke a target
// (fuzz/corpus/<target>/, fuzz/regressions/<target>/) through the code the targets run
// (fuzz/*_input.cpp), so that `make check` and `make check-asan` keep every finding fixed
// without clang or libFuzzer.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "container/records.h"
#include "fuzz_inputs.h"

namespace fs = std::filesystem;

namespace NERV_TEST_FILE {

struct FuzzTarget {
    const char *name;
    std::string (*handle)(const uint8_t *, size_t);
};

std::string PrintName(const testing::TestParamInfo<FuzzTarget> &info) { return info.param.name; }

std::vector<fs::path> inputs_in(const fs::path &dir)
{
    std::vector<fs::path> files;
    if (fs::is_directory(dir)) {
        for (const auto &e : fs::directory_iterator(dir)) {
            if (e.is_regular_file() && e.path().filename().string()[0] != '.')
                files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

class FuzzReplayTest : public testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzReplayTest, SeedsAndRegressionsKeepTheContract)
{
    const FuzzTarget &t = GetParam();
    const fs::path root = NERV_FUZZ_DIR;
    const auto seeds = inputs_in(root / "corpus" / t.name);
    EXPECT_FALSE(seeds.empty()) << "no seed corpus for " << t.name;
    std::vector<fs::path> all = seeds;
    const auto regressions = inputs_in(root / "regressions" / t.name);
    all.insert(all.end(), regressions.begin(), regressions.end());
    for (const fs::path &p : all) {
        std::ifstream in(p, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(t.handle(bytes.data(), bytes.size()), "") << p;
    }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest,
                         testing::Values(FuzzTarget{"container", nerv_fuzz::container_input},
                                         FuzzTarget{"tensor_payload", nerv_fuzz::tensor_payload_input},
                                         FuzzTarget{"decoder", nerv_fuzz::decoder_input}),
                         PrintName);

TEST(FuzzCrcFixupTest, RecomputesEveryWholeChunkAndLeavesTheRest)
{
    const std::vector<uint8_t> chunk = nerv::write_frame_chunk(nerv::FrameRecord());
    std::vector<uint8_t> bytes = {'N', 'E', 'R', 'V', 1, 0, 0, 0};
    bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    bytes.push_back(0x55);  // a partial chunk at the end stays as it is
    std::vector<uint8_t> damaged = bytes;
    damaged[8 + chunk.size() - 1] ^= 0xff;  // first chunk's CRC
    damaged[8 + 2 * chunk.size() - 2] ^= 0x01;  // second chunk's CRC
    EXPECT_EQ(nerv_fuzz::with_valid_crcs(damaged.data(), damaged.size()), bytes);
}

}  // namespace NERV_TEST_FILE

// scripts/demo.sh (make demo) as a user runs it, on tiny settings: it prints nerv's row beside
// x264's and x265's at the same file size, with numbers, and says what NeRV codecs are for.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

/** The first line of text that starts with prefix, or "". */
std::string line_starting(const std::string &text, const std::string &prefix)
{
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l.compare(0, prefix.size(), prefix) == 0)
            return l;
    return "";
}

bool ffmpeg_has(const std::string &encoder)
{
    return nerv_test::run_shell("ffmpeg -hide_banner -encoders | grep -q ' " + encoder + " '").status == 0;
}

TEST(DemoScript, PrintsX264AndX265AtTheSameSizeAndWhatNervIsFor)
{
    if (!ffmpeg_has("libx264") || !ffmpeg_has("libx265"))
        GTEST_SKIP() << "ffmpeg with libx264 and libx265 is not installed";
    const fs::path repo = fs::path(NERV_TEST_FIXTURES).parent_path().parent_path();
    const std::string build = fs::path(nerv_test::bin_dir()).parent_path().string();
    const std::string out = nerv_test::temp_dir();
    ASSERT_FALSE(out.empty());
    // 4 frames, 1 epoch, 20k parameters: a few seconds, mostly the nerv encode.
    const nerv_test::CliResult r = nerv_test::run_shell("DEMO_FRAMES=4 DEMO_EPOCHS=1 DEMO_SIZE=20k DEMO_OUT='" + out +
                                 "' bash '" + (repo / "scripts" / "demo.sh").string() + "' '" + build + "'");
    ASSERT_EQ(r.status, 0) << r.output;

    // name, bytes, bpp, size against nerv's, RGB PSNR, SSIM, encode time.
    const std::regex x26x_row(R"(^x26[45] \S+, 2-pass ABR +\d+ +\d+\.\d{3} +[-+]\d+\.\d%)"
                              R"( +\d+\.\d\d dB +[01]\.\d{4} +\d+\.\d s$)");
    const std::string x264 = line_starting(r.output, "x264 "), x265 = line_starting(r.output, "x265 ");
    EXPECT_TRUE(std::regex_match(x264, x26x_row)) << "x264 row: '" << x264 << "'";
    EXPECT_TRUE(std::regex_match(x265, x26x_row)) << "x265 row: '" << x265 << "'";
    const std::regex nerv_row(R"(^nerv hnerv 20k, 1 epochs +\d+ +\d+\.\d{3} +\d+\.\d\d dB +[01]\.\d{4} +\d+\.\d s$)");
    const std::string nerv = line_starting(r.output, "nerv hnerv");
    EXPECT_TRUE(std::regex_match(nerv, nerv_row)) << "nerv row: '" << nerv << "'";

    const std::string what = line_starting(r.output, "what NeRV codecs are for:");
    EXPECT_NE(what.find("random access"), std::string::npos);
    EXPECT_NE(what.find("one network per segment"), std::string::npos);
    const std::string how_long = line_starting(r.output, "a good encode takes longer:");
    EXPECT_NE(how_long.find("300 epochs"), std::string::npos);
    EXPECT_NE(how_long.find("extrapolation"), std::string::npos);
    if (HasFailure())
        ADD_FAILURE() << "the demo printed:\n" << r.output;
}

}  // namespace

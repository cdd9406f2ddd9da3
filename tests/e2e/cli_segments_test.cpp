// nerv encode --segments and nerv concat across processes (docs/distributed.md): parts encoded
// by separate processes join into the bytes of one process's encode; a part plays, probes and is
// evaluated as the frames of the whole clip it holds; --jobs writes the bytes of one worker.
#include <gtest/gtest.h>

#include <string>

#include "cli_runner.h"
#include "test_data.h"

namespace {

// 16 fixture frames in 4 segments of 4; one thread per worker, so that bytes can be compared.
std::string encode_args(const std::string &out, const std::string &extra)
{
    return "encode " + nerv_test::fixture("carphone_176x144_16f.y4m") + " -o " + out +
           " --arch hnerv --size 20k --epochs 2 --segment_frames 4 --threads 1 --checkpoint '' -q " + extra;
}

TEST(CliSegmentsTest, PartsFromSeparateProcessesConcatenateToTheSingleEncode)
{
    const std::string dir = nerv_test::temp_dir();
    auto r = nerv_test::run_nerv(encode_args(dir + "/whole.nerv", ""));
    ASSERT_EQ(r.status, 0) << r.output;
    const char *ranges[] = {"0:1", "1:3", "3:"};
    std::string parts;
    for (int i = 0; i < 3; ++i) {
        const std::string part = dir + "/part" + std::to_string(i) + ".nerv";
        r = nerv_test::run_nerv(encode_args(part, std::string("--segments ") + ranges[i]));
        ASSERT_EQ(r.status, 0) << ranges[i] << ": " << r.output;
        parts += " " + part;
    }
    r = nerv_test::run_nerv("concat" + parts + " -o " + dir + "/joined.nerv");
    ASSERT_EQ(r.status, 0) << r.output;
    r = nerv_test::run_shell("cmp " + dir + "/whole.nerv " + dir + "/joined.nerv");
    EXPECT_EQ(r.status, 0) << "the joined parts differ from the single encode: " << r.output;

    // The middle part: frames 4..11 of the clip.
    const std::string middle = dir + "/part1.nerv";
    r = nerv_test::run_nerv("info " + middle);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("frames: 8 in 2 segments"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("part: frames 4..11"), std::string::npos) << r.output;
    r = nerv_test::run_nerv("decode " + middle + " -o " + dir + "/middle.y4m --frames 6:8");
    EXPECT_EQ(r.status, 0) << r.output;
    r = nerv_test::run_nerv("decode " + middle + " -o " + dir + "/bad.y4m --frames 0:2");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("frames 4..11"), std::string::npos) << r.output;
    // eval reads the whole clip as the reference and compares the part with its frames 4..11.
    r = nerv_test::run_nerv("eval " + middle + " " + nerv_test::fixture("carphone_176x144_16f.y4m"));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("frames=8 "), std::string::npos) << r.output;
    const size_t at = r.output.find("psnr_rgb=");
    ASSERT_NE(at, std::string::npos) << r.output;
    EXPECT_GT(std::stod(r.output.substr(at + 9)), 8.0) << r.output;

    // Parts with a gap are refused with the frames named, and no output appears.
    r = nerv_test::run_nerv("concat " + dir + "/part0.nerv " + dir + "/part2.nerv -o " + dir + "/gap.nerv");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("ends at frame 3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("starts at frame 12"), std::string::npos) << r.output;
    EXPECT_NE(nerv_test::run_shell("test -e " + dir + "/gap.nerv").status, 0);
}

TEST(CliSegmentsTest, JobsWriteTheBytesOfOneWorker)
{
    const std::string dir = nerv_test::temp_dir();
    auto r = nerv_test::run_nerv(encode_args(dir + "/one.nerv", "--jobs 1"));
    ASSERT_EQ(r.status, 0) << r.output;
    r = nerv_test::run_nerv(encode_args(dir + "/two.nerv", "--jobs 2"));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(nerv_test::run_shell("cmp " + dir + "/one.nerv " + dir + "/two.nerv").status, 0);
}

}  // namespace

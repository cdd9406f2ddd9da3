// The nerv CLI's own options (decode, eval) and its encoder settings: values that work, and
// values rejected with a message naming the option and what is valid, before any output file
// appears. A typo in an option name is an error, not something silently ignored.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

struct OptionCase {
    std::string command;   // "decode" or "eval"
    std::string option;    // without dashes
    std::vector<std::string> valid;
    std::vector<std::string> invalid;
    std::string named;     // what an error message must contain
};

std::string PrintName(const testing::TestParamInfo<OptionCase> &info)
{
    return info.param.command + "_" + info.param.option;
}

class CliOptionsTest : public testing::TestWithParam<OptionCase> {
protected:
    static void SetUpTestSuite()
    {
        dir_ = new std::string(nerv_test::temp_dir());
        ASSERT_EQ(nerv_test::run_nerv("synth -o " + *dir_ + "/s.y4m --width 32 --height 32 --frames 3").status, 0);
        const auto e = nerv_test::run_nerv("encode " + *dir_ + "/s.y4m -o " + *dir_ +
                                           "/s.nerv --size 20k --epochs 1 --device cpu -q");
        ASSERT_EQ(e.status, 0) << e.output;
    }
    static void TearDownTestSuite() { delete dir_; }
    static std::string *dir_;

    std::string command_line(const OptionCase &c, const std::string &value, const std::string &out) const
    {
        const std::string opt = " --" + c.option + " '" + value + "'";
        if (c.command == "decode")
            return "decode " + *dir_ + "/s.nerv -o " + out + opt;
        return "eval " + *dir_ + "/s.nerv " + *dir_ + "/s.y4m" + opt;
    }
};
std::string *CliOptionsTest::dir_ = nullptr;

TEST_P(CliOptionsTest, ValidValuesWorkInvalidOnesAreNamed)
{
    const OptionCase &c = GetParam();
    for (const std::string &v : c.valid) {
        const std::string out = *dir_ + "/ok.y4m";
        const auto r = nerv_test::run_nerv(command_line(c, v, out));
        EXPECT_EQ(r.status, 0) << c.command << " --" << c.option << " " << v << ": " << r.output;
        fs::remove(out);
    }
    for (const std::string &v : c.invalid) {
        const std::string out = *dir_ + "/bad.y4m";
        const auto r = nerv_test::run_nerv(command_line(c, v, out));
        EXPECT_NE(r.status, 0) << c.command << " --" << c.option << " '" << v << "' was accepted";
        EXPECT_NE(r.output.find(c.named), std::string::npos) << "message must name " << c.named << ": " << r.output;
        EXPECT_FALSE(fs::exists(out)) << "an invalid option left an output file";
    }
}

INSTANTIATE_TEST_SUITE_P(
    DecodeAndEval, CliOptionsTest,
    testing::Values(OptionCase{"decode", "frames", {"0:3", "1:2", "2", ":", "1:"}, {"3:1", "0:4", "-1:2", "x", "5", ""},
                               "--frames"},
                    OptionCase{"decode", "pix_fmt", {"yuv420p", "yuv444p"}, {"rgb24", "nv12", "YUV420P"}, "--pix_fmt"},
                    OptionCase{"decode", "device", {"cpu", "auto"}, {"gpu", "CPU", ""}, "--device"},
                    OptionCase{"decode", "threads", {"0", "1", "2"}, {"-1", "1025", "two", "1.5"}, "--threads"},
                    OptionCase{"decode", "memory_limit", {"0", "64"}, {"-1", "1G", "99999999999"}, "--memory_limit"},
                    // The stream is HNeRV: its own size decodes; other sizes are pnerv-poly's (api tests).
                    OptionCase{"decode", "render_size", {"32x32"}, {"0x32", "32", "32x-1", "16385x32", "axb", "32x32x"},
                               "--render_size"},
                    OptionCase{"eval", "device", {"cpu"}, {"tpu"}, "--device"},
                    OptionCase{"eval", "threads", {"1"}, {"-3", "x"}, "--threads"},
                    OptionCase{"eval", "memory_limit", {"0"}, {"-1"}, "--memory_limit"}),
    PrintName);

TEST_F(CliOptionsTest, UnknownOptionsAreRejected)
{
    const auto d = nerv_test::run_nerv("decode " + *dir_ + "/s.nerv -o " + *dir_ + "/x.y4m --frame 1");
    EXPECT_EQ(d.status, 2);
    EXPECT_NE(d.output.find("unknown option '--frame'"), std::string::npos) << d.output;
    EXPECT_FALSE(fs::exists(*dir_ + "/x.y4m"));
    const auto e = nerv_test::run_nerv("eval " + *dir_ + "/s.nerv " + *dir_ + "/s.y4m --devices cpu");
    EXPECT_EQ(e.status, 2);
    EXPECT_NE(e.output.find("unknown option '--devices'"), std::string::npos) << e.output;
}

TEST_F(CliOptionsTest, EncoderSettingsAreNamedWithTheirRange)
{
    struct Bad {
        std::string args, named, range;
    } cases[] = {
        {"--epochs -3", "epochs", "[0, 100000]"},
        {"--qbits 40", "qbits", "[0, 16]"},
        {"--device gpu", "device", "auto, cpu, cuda"},
        {"--checkpoint_every 0", "checkpoint_every", "[1, 100000]"},
        {"--memory_limit -1", "memory_limit", "16777216"},
        {"--checkpoint '' --resume", "checkpoint", "resume"},
    };
    for (const Bad &b : cases) {
        const std::string out = *dir_ + "/bad.nerv";
        const auto r = nerv_test::run_nerv("encode " + *dir_ + "/s.y4m -o " + out + " " + b.args);
        EXPECT_NE(r.status, 0) << b.args;
        EXPECT_NE(r.output.find(b.named), std::string::npos) << b.args << ": " << r.output;
        EXPECT_NE(r.output.find(b.range), std::string::npos) << b.args << ": " << r.output;
        EXPECT_FALSE(fs::exists(out));
    }
}

}  // namespace

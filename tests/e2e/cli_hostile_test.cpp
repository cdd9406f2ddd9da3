// The nerv CLI on damaged and hostile streams: every case ends with a message that says what
// is wrong and a nonzero exit status (or, for a stream cut inside its last frame, a warning and
// the frames that are whole), within seconds, and never with an output file for a failure.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "stream_edit.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

class CliHostileTest : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        dir_ = new std::string(nerv_test::temp_dir());
        ASSERT_EQ(nerv_test::run_nerv("synth -o " + *dir_ + "/s.y4m --width 32 --height 32 --frames 3").status, 0);
        const auto e = nerv_test::run_nerv("encode " + *dir_ + "/s.y4m -o " + *dir_ +
                                           "/s.nerv --arch hnerv --size 20k --epochs 1 --device cpu -q");
        ASSERT_EQ(e.status, 0) << e.output;
        valid_ = new std::vector<uint8_t>(nerv_test::read_binary_file(*dir_ + "/s.nerv"));
    }
    static void TearDownTestSuite()
    {
        delete valid_;
        delete dir_;
    }

    /** Writes `bytes` as NAME.nerv and runs decode, eval and info on it. */
    struct Runs {
        nerv_test::CliResult decode, eval, info;
        bool output_left = false;
        double seconds = 0;
    };
    Runs run_all(const std::string &name, const std::vector<uint8_t> &bytes, const std::string &extra = "")
    {
        const std::string path = *dir_ + "/" + name + ".nerv", out = *dir_ + "/" + name + ".y4m";
        nerv_test::write_binary_file(path, bytes);
        const auto t0 = std::chrono::steady_clock::now();
        Runs r;
        r.decode = nerv_test::run_nerv("decode " + path + " -o " + out + " --device cpu " + extra);
        r.output_left = fs::exists(out);
        r.eval = nerv_test::run_nerv("eval " + path + " " + *dir_ + "/s.y4m --device cpu " + extra);
        r.info = nerv_test::run_nerv("info " + path);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fs::remove(out);
        return r;
    }
    void expect_failure(const Runs &r, const std::string &reason, bool info_fails = true)
    {
        EXPECT_NE(r.decode.status, 0) << r.decode.output;
        EXPECT_NE(r.decode.output.find(reason), std::string::npos) << "decode: " << r.decode.output;
        EXPECT_FALSE(r.output_left) << "a failed decode left its output file";
        EXPECT_NE(r.eval.status, 0) << r.eval.output;
        EXPECT_NE(r.eval.output.find(reason), std::string::npos) << "eval: " << r.eval.output;
        if (info_fails) {
            EXPECT_NE(r.info.status, 0) << r.info.output;
            EXPECT_NE(r.info.output.find(reason), std::string::npos) << "info: " << r.info.output;
        }
        EXPECT_LT(r.seconds, 30.0) << "three runs must fail fast";
    }
    static std::string *dir_;
    static std::vector<uint8_t> *valid_;
};
std::string *CliHostileTest::dir_ = nullptr;
std::vector<uint8_t> *CliHostileTest::valid_ = nullptr;

TEST_F(CliHostileTest, WrongCrc)
{
    std::vector<uint8_t> bad = *valid_;
    const nerv_test::ChunkSpan seg = nerv_test::first_chunk(bad, "NVSG");
    bad[seg.payload + seg.payload_size / 2] ^= 0x08;
    expect_failure(run_all("crc", bad), "CRC mismatch");
}

TEST_F(CliHostileTest, TruncatedInsideTheSegment)
{
    const nerv_test::ChunkSpan seg = nerv_test::first_chunk(*valid_, "NVSG");
    std::vector<uint8_t> cut(valid_->begin(), valid_->begin() + static_cast<std::ptrdiff_t>(seg.payload + 40));
    const Runs r = run_all("cut", cut);
    EXPECT_NE(r.decode.status, 0);
    EXPECT_NE(r.decode.output.find("truncated"), std::string::npos) << r.decode.output;
    EXPECT_FALSE(r.output_left);
    EXPECT_EQ(r.info.status, 0) << "info describes what is there";
    EXPECT_NE(r.info.output.find("frames: 0 in 0 segments (truncated)"), std::string::npos) << r.info.output;
}

TEST_F(CliHostileTest, TruncatedInsideTheLastFrameKeepsTheWholeFrames)
{
    std::vector<uint8_t> cut(valid_->begin(), valid_->end() - 3);
    const std::string path = *dir_ + "/cut-last.nerv", out = *dir_ + "/cut-last.y4m";
    nerv_test::write_binary_file(path, cut);
    const auto r = nerv_test::run_nerv("decode " + path + " -o " + out + " --device cpu");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("truncated; 2 whole frames"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(out));
}

TEST_F(CliHostileTest, UnknownVersion)
{
    std::vector<uint8_t> v2 = *valid_;
    v2[4] = 2;  // major
    v2[6] = 0;  // minor
    expect_failure(run_all("v2", v2), "unsupported .nerv version 2.0");
}

TEST_F(CliHostileTest, UnknownArchitecture)
{
    std::vector<uint8_t> bad = *valid_;
    nerv_test::set_metadata_string(bad, "NVSG", "model.arch", "qnerv");
    const Runs r = run_all("arch", bad);
    expect_failure(r, "unknown architecture 'qnerv'", /*info_fails=*/false);
    EXPECT_NE(r.info.output.find("architecture 'qnerv' is unknown"), std::string::npos) << r.info.output;
}

TEST_F(CliHostileTest, AbsurdModelIsRefusedBeforeItIsBuilt)
{
    std::vector<uint8_t> bad = *valid_;
    nerv_test::set_metadata_ints(bad, "NVSG", "hnerv.channels", 4096);
    nerv_test::set_metadata_ints(bad, "NVSG", "hnerv.kernels", 15);
    expect_failure(run_all("huge", bad), "more than the format's limit", /*info_fails=*/false);
}

TEST_F(CliHostileTest, ModelOverTheMemoryLimitIsRefusedWithFigures)
{
    std::vector<uint8_t> bad = *valid_;
    nerv_test::set_metadata_ints(bad, "NVSG", "hnerv.channels", 256);
    const Runs r = run_all("big", bad, "--memory_limit 1");
    expect_failure(r, "more than the 1.0 MiB memory_limit", /*info_fails=*/false);
}

TEST_F(CliHostileTest, NotANervFile)
{
    const std::vector<uint8_t> y4m = nerv_test::read_binary_file(*dir_ + "/s.y4m");
    expect_failure(run_all("y4m", y4m), "not a .nerv stream");
    expect_failure(run_all("empty", {}), "not a .nerv stream");
}

TEST_F(CliHostileTest, MissingFile)
{
    const auto r = nerv_test::run_nerv("decode " + *dir_ + "/absent.nerv -o " + *dir_ + "/absent.y4m");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("cannot open"), std::string::npos) << r.output;
}

TEST_F(CliHostileTest, BrokenY4mInputsForEncode)
{
    struct Case {
        std::string name, bytes, reason;
    } cases[] = {
        {"huge", "YUV4MPEG2 W100000 H100000 F25:1 C420\n", "invalid size"},
        {"nosize", "YUV4MPEG2 F25:1 C420\n", "invalid size"},
        {"p10", "YUV4MPEG2 W32 H32 F25:1 C420p10\n", "not supported"},
        {"short", "YUV4MPEG2 W32 H32 F25:1 C420\nFRAME\nabc", "truncated Y4M frame"},
        {"noframe", "YUV4MPEG2 W32 H32 F25:1 C420\n", "no frames"},
    };
    for (const Case &c : cases) {
        const std::string in = *dir_ + "/" + c.name + ".y4m", out = *dir_ + "/" + c.name + "-y4m.nerv";
        nerv_test::write_binary_file(in, std::vector<uint8_t>(c.bytes.begin(), c.bytes.end()));
        const auto r = nerv_test::run_nerv("encode " + in + " -o " + out + " --epochs 1 --device cpu");
        EXPECT_NE(r.status, 0) << c.name;
        EXPECT_NE(r.output.find(c.reason), std::string::npos) << c.name << ": " << r.output;
        EXPECT_FALSE(fs::exists(out)) << c.name;
    }
}

}  // namespace

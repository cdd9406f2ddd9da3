// The nerv CLI as a user runs it: synth -> encode -> info / decode / eval, the
// layer-table counts, atomic outputs and clear failures on bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "test_data.h"

namespace fs = std::filesystem;

namespace {

struct CliRun {
    int status = -1;
    std::string output;  // stdout + stderr
};

CliRun run(const std::string &args)
{
    const std::string cmd = nerv_test::bin_dir() + "/nerv " + args + " 2>&1";
    CliRun r;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        r.output.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string last_lines(const std::string &text, int n)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    std::string out;
    for (int i = std::max(0, static_cast<int>(lines.size()) - n); i < static_cast<int>(lines.size()); ++i)
        out += lines[i] + "\n";
    return out;
}

int count_y4m_frames(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    int n = 0;
    for (size_t pos = data.find("FRAME\n"); pos != std::string::npos; pos = data.find("FRAME\n", pos + 6))
        ++n;
    return n;
}

class CliTest : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        dir_ = nerv_test::temp_dir();
        ASSERT_EQ(run("synth -o " + dir_ + "/s.y4m --width 64 --height 48 --frames 4").status, 0);
        const CliRun e = run("encode " + dir_ + "/s.y4m -o " + dir_ +
                          "/s.nerv --arch hnerv --size 20k --epochs 2 --device cpu -q");
        ASSERT_EQ(e.status, 0) << e.output;
        encode_output_ = e.output;
    }
    static std::string dir_;
    static std::string encode_output_;
};
std::string CliTest::dir_;
std::string CliTest::encode_output_;

TEST_F(CliTest, EncodeWritesOnlyTheFinalFileAndReportsBppOfIt)
{
    int files = 0;
    for (const auto &e : fs::directory_iterator(dir_)) {
        EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "left a temporary file";
        ++files;
    }
    EXPECT_EQ(files, 2);
    const double bytes = static_cast<double>(fs::file_size(dir_ + "/s.nerv"));
    const CliRun ev = run("eval " + dir_ + "/s.nerv " + dir_ + "/s.y4m --device cpu");
    ASSERT_EQ(ev.status, 0) << ev.output;
    double bpp = -1;
    const size_t pos = ev.output.find("bpp=");
    ASSERT_NE(pos, std::string::npos) << ev.output;
    bpp = std::stod(ev.output.substr(pos + 4));
    EXPECT_NEAR(bpp, 8.0 * bytes / (64.0 * 48 * 4), 1e-6);
    EXPECT_NE(ev.output.find("psnr_rgb="), std::string::npos);
    EXPECT_NE(encode_output_.find("bpp"), std::string::npos) << encode_output_;
}

TEST_F(CliTest, InfoAndDecodeWithFrameRange)
{
    const CliRun info = run("info " + dir_ + "/s.nerv");
    ASSERT_EQ(info.status, 0) << info.output;
    EXPECT_NE(info.output.find("frames: 4 in 1 segment"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("hnerv.fc_dim"), std::string::npos) << info.output;
    ASSERT_EQ(run("decode " + dir_ + "/s.nerv -o " + dir_ + "/all.y4m --device cpu").status, 0);
    EXPECT_EQ(count_y4m_frames(dir_ + "/all.y4m"), 4);
    ASSERT_EQ(run("decode " + dir_ + "/s.nerv -o " + dir_ + "/part.y4m --frames 1:3").status, 0);
    EXPECT_EQ(count_y4m_frames(dir_ + "/part.y4m"), 2);
    EXPECT_NE(run("decode " + dir_ + "/s.nerv -o " + dir_ + "/bad.y4m --frames 3:9").status, 0);
    EXPECT_FALSE(fs::exists(dir_ + "/bad.y4m"));
    fs::remove(dir_ + "/all.y4m");
    fs::remove(dir_ + "/part.y4m");
}

TEST_F(CliTest, CorruptStreamFailsCleanlyWithoutOutput)
{
    std::ifstream in(dir_ + "/s.nerv", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes[bytes.size() / 2] ^= 0x10;
    const std::string bad = nerv_test::temp_dir() + "/bad.nerv";
    std::ofstream(bad, std::ios::binary) << bytes;
    const CliRun r = run("decode " + bad + " -o " + bad + ".y4m");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("CRC"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(bad + ".y4m"));
    const CliRun i = run("info " + bad);
    EXPECT_NE(i.status, 0);
}

TEST(CliArchTest, LayerTableCountsMatchTheReferences)
{
    struct Case {
        std::string args;
        std::string total, embeddings;
    } cases[] = {
        {"hnerv --width 1280 --height 640 --frames 132 --size 1.5M", "total_params=1488276",
         "embedding_values=16896"},
        {"nerv --width 1280 --height 720 --frames 132 --size S", "total_params=3201905", "embedding_values=0"},
        {"nerv --width 1280 --height 720 --frames 132 --size L", "total_params=12524563", "embedding_values=0"},
        {"enerv --width 1280 --height 720 --frames 132", "total_params=12490602", "embedding_values=0"},
        // SNeRV-B 3M (models.md §6.1): decoder 2,991,851 + head 1,191; 132 x (16x2x4 + 2 norm).
        {"snerv --width 1280 --height 640 --frames 132 --size 3M", "total_params=2993042",
         "embedding_values=17160"},
        // SNeRV-T 3M (§6.3): decoder 2,339,468 + head 1,137; + 132 x 2 x 3x20x40 temporal values.
        {"snerv-t --width 1280 --height 640 --frames 132 --size 3M", "total_params=2340605",
         "embedding_values=650760"},
        // The paper's Conv2D TUB variant at the same widths (time folded into channels).
        {"snerv-t --width 1280 --height 640 --frames 132 --size 3M --params temporal=conv2d",
         "total_params=3849545", "embedding_values=650760"},
        // DNeRV and pyramidal PNeRV at 960x1920 (§5, §8.3): decoder side, head included;
        // 132 x (16x2x4 content + 2x40x80 difference) values.
        {"dnerv --width 1920 --height 960 --frames 132", "total_params=3405368", "embedding_values=861696"},
        {"pnerv-pyr --width 1920 --height 960 --frames 132", "total_params=3318026",
         "embedding_values=861696"},
        // Polynomial PNeRV at 720x1280 (§7, no reference code): 12,030,430, the paper's 11.89M + 1.2%.
        {"pnerv-poly --width 1280 --height 720 --frames 132", "total_params=12030430", "embedding_values=0"},
    };
    for (const Case &c : cases) {
        const CliRun r = run("arch " + c.args);
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(last_lines(r.output, 2), c.embeddings + "\n" + c.total + "\n") << c.args;
    }
}

TEST(CliArchTest, BadOptionsNameTheOption)
{
    const CliRun r = run("arch hnerv --width 64 --height 64 --frames 2 --qbits 99");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("qbits"), std::string::npos) << r.output;
    const CliRun u = run("arch nope --width 64 --height 64 --frames 2");
    EXPECT_NE(u.status, 0);
    EXPECT_NE(u.output.find("arch"), std::string::npos) << u.output;
    const CliRun m = run("encode /nonexistent.y4m -o /tmp/x.nerv");
    EXPECT_NE(m.status, 0);
    EXPECT_NE(m.output.find("cannot open"), std::string::npos) << m.output;
}

}  // namespace

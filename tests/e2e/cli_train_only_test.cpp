// `nerv encode --train_only 1` trains, writes no stream, says where the trained network is and
// how to code it, and exits 0; `--resume` on copies of that checkpoint codes it with other
// settings into the streams whole encodes with those settings write.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_runner.h"
#include "stream_edit.h"
#include "test_data.h"

namespace fs = std::filesystem;

namespace {

TEST(CliTrainOnlyTest, TrainsOnceThenCodesCopiesWithTheirOwnSettings)
{
    const std::string dir = nerv_test::temp_dir();
    ASSERT_EQ(nerv_test::run_nerv("synth -o " + dir + "/s.y4m --width 32 --height 32 --frames 3").status, 0);
    const std::string train = "encode " + dir + "/s.y4m --size 20k --epochs 2 --threads 1 --device cpu -q";

    const auto trained = nerv_test::run_nerv(train + " -o " + dir + "/t.nerv --train_only 1");
    ASSERT_EQ(trained.status, 0) << trained.output;
    EXPECT_FALSE(fs::exists(dir + "/t.nerv")) << "train_only writes no stream";
    ASSERT_TRUE(fs::exists(dir + "/t.nerv.ckpt"));
    EXPECT_NE(trained.output.find("--resume"), std::string::npos) << trained.output;
    EXPECT_NE(trained.output.find(dir + "/t.nerv.ckpt"), std::string::npos) << trained.output;

    fs::copy_file(dir + "/t.nerv.ckpt", dir + "/q4.nerv.ckpt");
    fs::copy_file(dir + "/t.nerv.ckpt", dir + "/q8.nerv.ckpt");
    const auto q4 = nerv_test::run_nerv(train + " -o " + dir + "/q4.nerv --resume --qbits 4 --qat_epochs 1");
    ASSERT_EQ(q4.status, 0) << q4.output;
    const auto q8 = nerv_test::run_nerv(train + " -o " + dir + "/q8.nerv --resume");
    ASSERT_EQ(q8.status, 0) << q8.output;
    const auto whole4 = nerv_test::run_nerv(train + " -o " + dir + "/w4.nerv --qbits 4 --qat_epochs 1");
    ASSERT_EQ(whole4.status, 0) << whole4.output;

    EXPECT_EQ(nerv_test::read_binary_file(dir + "/q4.nerv"), nerv_test::read_binary_file(dir + "/w4.nerv"));
    EXPECT_LT(fs::file_size(dir + "/q4.nerv"), fs::file_size(dir + "/q8.nerv"));
    EXPECT_FALSE(fs::exists(dir + "/q4.nerv.ckpt")) << "a complete encode removes its checkpoint";
    EXPECT_TRUE(fs::exists(dir + "/t.nerv.ckpt")) << "the trained network stays for more codings";
}

}  // namespace

// Streams written before a container change still decode, to the same pictures: a stream of
// container version 1.0 (tests/fixtures/hnerv_container_1.0.nerv, written by libnerv at commit
// fb27b61, before the predicted coding of embeddings) against the synthetic clip it was encoded from.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cli_runner.h"
#include "test_data.h"

namespace {

double value_after(const std::string &text, const std::string &key)
{
    const size_t at = text.find(key);
    return at == std::string::npos ? -1.0 : std::atof(text.c_str() + at + key.size());
}

TEST(OldStreamTest, Container10StreamDecodesToThePicturesItHad)
{
    const std::string dir = nerv_test::temp_dir(), stream = nerv_test::fixture("hnerv_container_1.0.nerv");
    // The clip it was encoded from (fuzz/make_corpus.sh at fb27b61: 32x32, 3 frames, HNeRV 10k, 1 epoch).
    ASSERT_EQ(nerv_test::run_nerv("synth -o " + dir + "/a.y4m --width 32 --height 32 --frames 3").status, 0);

    const auto info = nerv_test::run_nerv("info " + stream);
    ASSERT_EQ(info.status, 0) << info.output;
    EXPECT_NE(info.output.find("frames: 3 in 1 segment"), std::string::npos) << info.output;

    const auto decode = nerv_test::run_nerv("decode " + stream + " -o " + dir + "/d.y4m --device cpu");
    ASSERT_EQ(decode.status, 0) << decode.output;
    // 13.3532 dB is what `nerv eval` gave for this stream when it was committed (libnerv 8c2db3c, whose
    // reader of 1.0 codings is fb27b61's); the tolerance absorbs LibTorch versions' rounding.
    const auto eval = nerv_test::run_nerv("eval " + stream + " " + dir + "/a.y4m --device cpu");
    ASSERT_EQ(eval.status, 0) << eval.output;
    EXPECT_NEAR(value_after(eval.output, "psnr_rgb="), 13.3532, 0.01) << eval.output;
}

}  // namespace

// Every encoder setting: its default, values it accepts, values it rejects with a
// message naming it (the one table shared by the CLI and FFmpeg).
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "nerv/nerv.h"

namespace {

struct SettingCase {
    const char *name;
    const char *default_text;              // NervOptionInfo::default_value
    std::vector<const char *> valid;
    std::vector<const char *> invalid;
};

std::string PrintName(const testing::TestParamInfo<SettingCase> &info) { return info.param.name; }

class SettingTableTest : public testing::TestWithParam<SettingCase> {};

const NervOptionInfo *find_option(const char *name)
{
    for (int i = 0; i < nerv_encoder_option_count(); ++i) {
        if (std::strcmp(nerv_encoder_option(i)->name, name) == 0)
            return nerv_encoder_option(i);
    }
    return nullptr;
}

TEST_P(SettingTableTest, DefaultValidAndInvalidValues)
{
    const SettingCase &c = GetParam();
    const NervOptionInfo *info = find_option(c.name);
    ASSERT_NE(info, nullptr) << c.name << " is not in the option table";
    EXPECT_STREQ(info->default_value, c.default_text);
    EXPECT_GT(std::strlen(info->help), 0u);
    EXPECT_GT(std::strlen(info->valid), 0u);
    for (const char *v : c.valid) {
        NervEncoderSettings s;
        nerv_encoder_default_settings(&s);
        EXPECT_EQ(nerv_encoder_settings_set(&s, c.name, v), 0) << c.name << "=" << v << ": " << nerv_last_error();
    }
    for (const char *v : c.invalid) {
        NervEncoderSettings s;
        nerv_encoder_default_settings(&s);
        EXPECT_EQ(nerv_encoder_settings_set(&s, c.name, v), -EINVAL) << c.name << "=" << v;
        EXPECT_NE(std::string(nerv_last_error()).find(c.name), std::string::npos)
            << "message must name the setting: " << nerv_last_error();
    }
}

INSTANTIATE_TEST_SUITE_P(
    AllSettings, SettingTableTest,
    testing::Values(SettingCase{"width", "", {"1", "1280", "16384"}, {"0", "-5", "16385", "abc", ""}},
                    SettingCase{"height", "", {"1", "720"}, {"0", "99999", "1.5"}},
                    SettingCase{"fps", "25", {"25", "30000/1001", "1"}, {"0", "25/0", "x", "-1/2"}},
                    SettingCase{"timebase", "", {"1/90000", "1001/30000"}, {"90000", "0/1", "1/0", "a/b"}},
                    SettingCase{"pix_fmt", "rgb24", {"rgb24", "yuv420p", "yuv444p"}, {"nv12", "", "RGB"}},
                    SettingCase{"matrix", "bt601", {"bt601", "bt709"}, {"bt2020"}},
                    SettingCase{"range", "limited", {"limited", "full"}, {"tv"}},
                    SettingCase{"arch", "hnerv", {"hnerv", "nerv", "enerv"}, {"0123456789012345678901234567890123456789"}},
                    SettingCase{"size", "", {"1.5M", "S", "300k"}, {}},
                    SettingCase{"epochs", "", {"0", "1", "300", "100000"}, {"-1", "100001", "ten"}},
                    SettingCase{"lr", "", {"0.001", "1", "0"}, {"-0.1", "2", "nan"}},
                    SettingCase{"batch", "", {"0", "1", "64"}, {"65", "-1"}},
                    SettingCase{"loss", "", {"l2", "fusion6", "l1"}, {}},
                    SettingCase{"grad_clip", "", {"1", "0", "-1"}, {"-2", "x"}},
                    SettingCase{"seed", "1", {"0", "2147483647"}, {"-1", "2147483648"}},
                    SettingCase{"device", "auto", {"auto", "cpu", "cuda"}, {"gpu", "tpu"}},
                    SettingCase{"threads", "0", {"0", "2"}, {"-1", "1025"}},
                    SettingCase{"bf16", "0", {"0", "1"}, {"2"}},
                    SettingCase{"segment_frames", "0", {"0", "1", "600"}, {"-3", "100001"}},
                    SettingCase{"prune", "0", {"0", "0.1", "0.95"}, {"0.96", "-0.1"}},
                    SettingCase{"prune_epochs", "", {"0", "10"}, {"-1"}},
                    SettingCase{"qat_epochs", "0", {"-1", "0", "1", "100000"}, {"-2", "100001", "x"}},
                    SettingCase{"qbits", "8", {"0", "2", "8", "16"}, {"17", "-1"}},
                    SettingCase{"qbits_embed", "6", {"0", "6", "16"}, {"17"}},
                    SettingCase{"log_level", "info", {"error", "debug"}, {"loud"}},
                    SettingCase{"params", "", {"crop=32x32", ""}, {}},
                    SettingCase{"memory_limit", "0", {"0", "1", "16777216"}, {"-1", "16777217", "2G"}},
                    SettingCase{"checkpoint", "", {"", "/tmp/out.nerv.ckpt"}, {}},
                    SettingCase{"checkpoint_every", "10", {"1", "100000"}, {"0", "-1", "100001", "x"}},
                    SettingCase{"resume", "0", {"0", "1"}, {"2", "yes"}},
                    SettingCase{"train_only", "0", {"0", "1"}, {"2", "-1", "yes"}},
                    SettingCase{"bitrate", "0", {"0", "300k", "1.2M", "64000", "1000"}, {"-1", "999", "2e12", "x", "300q", "300k5"}},
                    SettingCase{"train_frames", "all", {"all", "odd", "even"}, {"1", "ODD", "half", ""}},
                    SettingCase{"tune", "none", {"none", "denoise"}, {"film", "", "DENOISE"}},
                    SettingCase{"segments", "all", {"all", "0:1", "3:", "2:9"}, {"3:2", "2:2", "-1:", "4", "", "a:b"}},
                    SettingCase{"jobs", "0", {"0", "1", "64"}, {"-1", "65", "two"}}),
    PrintName);

TEST(SettingsTest, EveryTableEntryHasACase)
{
    // The parameterised cases above must cover the whole table: a new setting needs its row.
    const std::vector<std::string> covered = {
        "width", "height", "fps", "timebase", "pix_fmt", "matrix", "range", "arch", "size", "epochs",
        "lr", "batch", "loss", "grad_clip", "seed", "device", "threads", "bf16", "segment_frames", "prune",
        "prune_epochs", "qat_epochs", "qbits", "qbits_embed", "log_level", "params", "memory_limit", "checkpoint",
        "checkpoint_every", "resume", "train_only", "bitrate", "train_frames", "tune", "segments", "jobs"};
    ASSERT_EQ(nerv_encoder_option_count(), static_cast<int>(covered.size()));
    for (int i = 0; i < nerv_encoder_option_count(); ++i)
        EXPECT_NE(std::find(covered.begin(), covered.end(), nerv_encoder_option(i)->name), covered.end())
            << nerv_encoder_option(i)->name << " has no row in AllSettings";
}

TEST(SettingsTest, TooLongTextSettingsNameTheSetting)
{
    const std::string long_text(5000, 'a');
    for (const char *name : {"size", "loss", "params", "checkpoint"}) {
        NervEncoderSettings s;
        nerv_encoder_default_settings(&s);
        EXPECT_EQ(nerv_encoder_settings_set(&s, name, long_text.c_str()), -EINVAL) << name;
        EXPECT_NE(std::string(nerv_last_error()).find(name), std::string::npos) << nerv_last_error();
    }
}

TEST(SettingsTest, OpenRejectsValuesSetDirectlyOutOfRange)
{
    struct Bad {
        const char *field;
        void (*apply)(NervEncoderSettings *);
    };
    const Bad bad[] = {
        {"width", [](NervEncoderSettings *s) { s->width = 0; }},
        {"height", [](NervEncoderSettings *s) { s->height = 20000; }},
        {"qbits", [](NervEncoderSettings *s) { s->qbits = 1; }},
        {"qbits_embed", [](NervEncoderSettings *s) { s->qbits_embed = 40; }},
        {"prune", [](NervEncoderSettings *s) { s->prune = 0.99; }},
        {"qat_epochs", [](NervEncoderSettings *s) { s->qat_epochs = -2; }},
        {"arch", [](NervEncoderSettings *s) { std::strcpy(s->arch, "nope"); }},
        {"loss", [](NervEncoderSettings *s) { std::strcpy(s->loss, "l7"); }},
        {"device", [](NervEncoderSettings *s) { s->device = static_cast<NervDevice>(9); }},
        {"pix_fmt", [](NervEncoderSettings *s) { s->pixel_format = static_cast<NervPixelFormat>(5); }},
        {"params", [](NervEncoderSettings *s) { std::strcpy(s->params, "novalue"); }},
        {"memory_limit", [](NervEncoderSettings *s) { s->memory_limit = -5; }},
        {"checkpoint_every", [](NervEncoderSettings *s) { s->checkpoint_every = 0; }},
        {"resume", [](NervEncoderSettings *s) { s->resume = 3; }},
        {"train_only", [](NervEncoderSettings *s) { s->train_only = 2; }},
        {"bitrate", [](NervEncoderSettings *s) { s->bitrate = 500; }},
        {"checkpoint", [](NervEncoderSettings *s) { s->resume = 1; }},  // resume without a checkpoint file
        {"segments", [](NervEncoderSettings *s) { s->segment_first = 5, s->segment_end = 3; }},
        {"jobs", [](NervEncoderSettings *s) { s->jobs = 100; }},
    };
    for (const Bad &b : bad) {
        NervEncoderSettings s;
        nerv_encoder_default_settings(&s);
        s.width = 64;
        s.height = 64;
        b.apply(&s);
        NervEncoder *enc = reinterpret_cast<NervEncoder *>(0x1);
        EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL) << b.field;
        EXPECT_EQ(enc, nullptr);
        EXPECT_NE(std::string(nerv_last_error()).find(b.field), std::string::npos)
            << b.field << ": " << nerv_last_error();
    }
}

TEST(SettingsTest, UnknownNamesBecomeParamsAndAreCheckedAtOpen)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    s.width = 64;
    s.height = 64;
    ASSERT_EQ(nerv_encoder_settings_set(&s, "no_such_param", "3"), 0);
    EXPECT_STREQ(s.params, "no_such_param=3");
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL);
    EXPECT_NE(std::string(nerv_last_error()).find("no_such_param"), std::string::npos) << nerv_last_error();
    EXPECT_EQ(nerv_encoder_settings_set(&s, "bad:name", "1"), -EINVAL);
}

TEST(SettingsTest, DefaultsAreThePapersAndDocumented)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    EXPECT_STREQ(s.arch, "hnerv");
    EXPECT_EQ(s.qbits, 8);
    EXPECT_EQ(s.qbits_embed, 6);
    EXPECT_EQ(s.seed, 1);
    EXPECT_EQ(s.fps_num, 25);
    EXPECT_EQ(s.fps_den, 1);
    EXPECT_EQ(s.device, NERV_DEVICE_AUTO);
    for (size_t i = 0; i < sizeof(s.reserved); ++i)
        ASSERT_EQ(s.reserved[i], 0);
}

}  // namespace

TEST(SettingsTest, TuneDenoiseFillsTheLossOnlyWhenItIsNotSet)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "tune", "denoise"), 0);
    EXPECT_STREQ(s.loss, "l2");

    // The user's loss wins in either order.
    nerv_encoder_default_settings(&s);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "loss", "l1"), 0);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "tune", "denoise"), 0);
    EXPECT_STREQ(s.loss, "l1");
    nerv_encoder_default_settings(&s);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "tune", "denoise"), 0);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "loss", "fusion6"), 0);
    EXPECT_STREQ(s.loss, "fusion6");

    nerv_encoder_default_settings(&s);
    ASSERT_EQ(nerv_encoder_settings_set(&s, "tune", "none"), 0);
    EXPECT_STREQ(s.loss, "");
}

TEST(SettingsTest, AnUnknownLossIsRejectedAtOpenWithTheChoices)
{
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    s.width = 32;
    s.height = 32;
    ASSERT_EQ(nerv_encoder_settings_set(&s, "loss", "huber"), 0);  // checked when the encoder opens
    NervEncoder *enc = nullptr;
    EXPECT_EQ(nerv_encoder_open(&enc, &s), -EINVAL);
    EXPECT_EQ(enc, nullptr);
    const std::string msg = nerv_last_error();
    EXPECT_NE(msg.find("'loss'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("l2, fusion6, l1"), std::string::npos) << msg;
}


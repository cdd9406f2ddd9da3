#include "arch/nerv.h"

#include <functional>

#include <gtest/gtest.h>

#include "arch_test_model.h"
#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

VideoModel create(int width, int height, const std::string &size, const std::string &params = "")
{
    return nerv_test::create_arch_model(nerv_arch_entry(), width, height, 132, size, params);
}

NervImpl &as_nerv(const VideoModel &m) { return dynamic_cast<NervImpl &>(*m); }

/** A model small enough to run forward passes in milliseconds: 32x64 canvas. */
VideoModel small_model()
{
    return create(64, 32, "", "strides=2,2,2:fc_hw=4x8:fc_dim=8:lower_width=4:stem=32_1:pe=1.25_8");
}

void copy_parameters(VideoModelImpl &from, VideoModelImpl &to)
{
    torch::NoGradGuard no_grad;
    auto dst = to.named_parameters();
    for (const auto &p : from.named_parameters())
        dst[p.key()].copy_(p.value());
}

FrameBatch indices(std::vector<float> idx, int64_t frame_count)
{
    FrameBatch b;
    b.index = torch::tensor(idx);
    b.frame_count = frame_count;
    return b;
}

int error_code_of(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.code();
    }
    return 0;
}

TEST(NervTest, PresetParameterCountsAt720p)
{
    const struct {
        const char *size;
        int64_t fc_dim, count;
    } presets[] = {{"S", 26, 3201905}, {"M", 58, 6282001}, {"L", 112, 12524563}};
    for (const auto &p : presets) {
        VideoModel m = create(1280, 720, p.size);
        EXPECT_EQ(as_nerv(m).config().fc_dim, p.fc_dim) << p.size;
        ParameterCounts c = count_parameters(*m);
        EXPECT_EQ(c.transmitted, p.count) << p.size;
        EXPECT_EQ(c.head, 291);
        EXPECT_EQ(c.encoder, 0);
        EXPECT_EQ(nerv_parameter_count(as_nerv(m).config()), p.count);
        EXPECT_EQ(m->canvas_width(), 1280);
        EXPECT_EQ(m->canvas_height(), 720);
    }
    // The default is NeRV-S, and the paper's own PE (1.25_80) adds 40 inputs to the stem.
    EXPECT_EQ(count_parameters(*create(1280, 720, "")).transmitted, 3201905);
    EXPECT_EQ(count_parameters(*create(1280, 720, "s", "pe=1.25_80")).transmitted, 3242865);
}

TEST(NervTest, LayerTableMatchesTheReferenceAt720p)
{
    VideoModel m = create(1280, 720, "S");
    const std::vector<LayerInfo> rows = m->layers();
    ASSERT_EQ(rows.size(), 8u);
    const struct {
        const char *name, *op, *output;
        int64_t params;
    } expected[] = {
        {"stem.0", "Linear 80->512, SiLU", "[B,512]", 41472},
        {"stem.2", "Linear 512->3744, SiLU", "[B,26,9,16]", 1920672},
        {"layers.0", "Conv3x3 26->650, PS5, SiLU", "[B,26,45,80]", 152750},
        {"layers.1", "Conv3x3 26->384, PS2, SiLU", "[B,96,90,160]", 90240},
        {"layers.2", "Conv3x3 96->384, PS2, SiLU", "[B,96,180,320]", 332160},
        {"layers.3", "Conv3x3 96->384, PS2, SiLU", "[B,96,360,640]", 332160},
        {"layers.4", "Conv3x3 96->384, PS2, SiLU", "[B,96,720,1280]", 332160},
        {"head", "Conv1x1 96->3, (tanh+1)/2", "[B,3,720,1280]", 291},
    };
    int64_t sum = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].name, expected[i].name);
        EXPECT_EQ(rows[i].op, expected[i].op);
        EXPECT_EQ(rows[i].output, expected[i].output);
        EXPECT_EQ(rows[i].parameters, expected[i].params) << rows[i].name;
        EXPECT_TRUE(rows[i].transmitted);
        sum += rows[i].parameters;
        // Row names are tensor-name prefixes.
        int64_t under_prefix = 0;
        for (const auto &p : m->named_parameters()) {
            if (p.key().rfind(rows[i].name + ".", 0) == 0)
                under_prefix += p.value().numel();
        }
        EXPECT_EQ(under_prefix, rows[i].parameters) << rows[i].name;
    }
    EXPECT_EQ(sum, count_parameters(*m).transmitted);
    EXPECT_EQ(m->summary(),
              "fc=26x9x16 channels=26,96,96,96,96 strides=5,2,2,2,2 pe=1.25_40 act=swish canvas=1280x720");
}

TEST(NervTest, BudgetGivesTheLargestFcDimThatFits)
{
    EXPECT_EQ(as_nerv(create(1280, 720, "3201905")).config().fc_dim, 26);
    EXPECT_EQ(as_nerv(create(1280, 720, "3201904")).config().fc_dim, 25);
    VideoModel m = create(1280, 720, "3.2M");
    const NervConfig c = as_nerv(m).config();
    EXPECT_EQ(c.fc_dim, 25);
    EXPECT_LE(count_parameters(*m).transmitted, 3200000);
    NervConfig bigger = c;
    bigger.fc_dim += 1;
    bigger.channels = nerv_stage_channels(bigger.fc_dim, bigger.strides, 1.0, 2, 96);
    EXPECT_GT(nerv_parameter_count(bigger), 3200000);
    EXPECT_EQ(as_nerv(create(1280, 720, "12.6m")).config().fc_dim, 112);
}

TEST(NervTest, GridAndStridesFollowTheFrameSize)
{
    const NervConfig uvg = as_nerv(create(1920, 1080, "S")).config();
    EXPECT_EQ(uvg.strides, (std::vector<int64_t>{5, 3, 2, 2, 2}));
    EXPECT_EQ(uvg.fc_height, 9);
    EXPECT_EQ(uvg.fc_width, 16);
    // QCIF: 3,2,2,2,2 on a 3x4 grid renders 192x144; the caller crops 176 columns.
    VideoModel qcif = create(176, 144, "S");
    EXPECT_EQ(as_nerv(qcif).config().strides, (std::vector<int64_t>{3, 2, 2, 2, 2}));
    EXPECT_EQ(qcif->canvas_width(), 192);
    EXPECT_EQ(qcif->canvas_height(), 144);
    // Explicit strides: the grid covers the frame.
    const NervConfig given = as_nerv(create(100, 50, "S", "strides=4,2")).config();
    EXPECT_EQ(given.fc_height, 7);
    EXPECT_EQ(given.fc_width, 13);
}

TEST(NervTest, ChannelRuleUsesFloorDivisionAndKeepsStrideOneWidths)
{
    EXPECT_EQ(nerv_stage_channels(97, {5, 2, 2, 2, 2}, 1.0, 2, 12), (std::vector<int64_t>{97, 48, 24, 12, 12}));
    EXPECT_EQ(nerv_stage_channels(26, {5, 2, 2}, 1.0, 2, 96), (std::vector<int64_t>{26, 96, 96}));
    EXPECT_EQ(nerv_stage_channels(64, {2, 1, 2}, 1.5, 2, 8), (std::vector<int64_t>{96, 96, 48}));
    EXPECT_EQ(nerv_stage_channels(10, {2}, 0.55, 2, 8), (std::vector<int64_t>{5}));  // int(5.5) = 5
}

TEST(NervTest, RenderShapeRangeAndTimeConvention)
{
    torch::manual_seed(0);
    VideoModel m = small_model();
    EXPECT_EQ(m->canvas_width(), 64);
    EXPECT_EQ(m->canvas_height(), 32);
    EXPECT_TRUE(m->frame_tensors().empty());
    torch::NoGradGuard no_grad;
    torch::Tensor out = m->render(indices({0, 3}, 4));
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({2, 3, 32, 64}));
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
    EXPECT_FALSE(torch::allclose(out[0], out[1]));
    // t = i / N: frame 1 of 4 is frame 2 of 8.
    EXPECT_TRUE(torch::equal(m->render(indices({1}, 4)), m->render(indices({2}, 8))));
    EXPECT_ANY_THROW(m->render(indices({0}, 0)));
}

TEST(NervTest, ConfigRoundTripRebuildsTheSameModel)
{
    torch::manual_seed(1);
    VideoModel a = small_model();
    Metadata meta;
    a->write_config(meta);
    EXPECT_EQ(meta.get_ints("nerv.channels"), (std::vector<int64_t>{8, 4, 4}));
    VideoModel b = nerv_arch_entry().load(meta, false);
    EXPECT_EQ(b->arch(), "nerv");
    auto pa = a->named_parameters(), pb = b->named_parameters();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        EXPECT_EQ(pa[i].key(), pb[i].key());
        EXPECT_EQ(pa[i].value().sizes(), pb[i].value().sizes()) << pa[i].key();
    }
    copy_parameters(*a, *b);
    torch::NoGradGuard no_grad;
    FrameBatch batch = indices({0, 1, 2}, 3);
    EXPECT_TRUE(torch::equal(a->render(batch), b->render(batch)));
    EXPECT_EQ(a->summary(), b->summary());

    // 720p: the whole config survives too.
    Metadata big;
    VideoModel s = create(1280, 720, "S");
    s->write_config(big);
    VideoModel s2 = nerv_arch_entry().load(big, true);
    EXPECT_EQ(count_parameters(*s2).transmitted, 3201905);
    EXPECT_EQ(s2->summary(), s->summary());
}

TEST(NervTest, HostileStreamValuesAreRejected)
{
    VideoModel a = small_model();
    auto mutated = [&](const std::function<void(Metadata &)> &change) {
        Metadata meta;
        a->write_config(meta);
        change(meta);
        return error_code_of([&] { nerv_arch_entry().load(meta, false); });
    };
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("nerv.channels", {8, 4, 100000}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("nerv.channels", {8, 4}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("nerv.strides", {2, 2, 64}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("nerv.fc_height", 3000); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("nerv.canvas_width", 65); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("nerv.act", "bogus"); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("nerv.pe_levels", 100000); }), NERV_ERROR_INVALIDDATA);
    // 4096 wide stem on a 2048x2048 grid: within each bound, far beyond the parameter cap.
    EXPECT_EQ(mutated([](Metadata &m) {
                  m.set_int("nerv.fc_dim", 4096);
                  m.set_int("nerv.fc_height", 2048);
                  m.set_int("nerv.fc_width", 2048);
                  m.set_int("nerv.canvas_height", 16384);
                  m.set_int("nerv.canvas_width", 16384);
              }),
              NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &) {}), 0);
}

TEST(NervTest, PrunableParametersAreStemAndConvWeights)
{
    VideoModel m = small_model();
    const std::vector<std::string> names = m->prunable_parameters();
    EXPECT_EQ(names, (std::vector<std::string>{"stem.0.weight", "stem.2.weight", "layers.0.conv.weight",
                                               "layers.1.conv.weight", "layers.2.conv.weight"}));
    for (const auto &n : names)
        EXPECT_TRUE(m->named_parameters().contains(n)) << n;
}

TEST(NervTest, RecipeIsTheReadmeCommand)
{
    const TrainRecipe r = nerv_arch_entry().recipe();
    EXPECT_EQ(r.epochs, 300);
    EXPECT_DOUBLE_EQ(r.lr, 5e-4);
    EXPECT_DOUBLE_EQ(r.beta1, 0.5);
    EXPECT_DOUBLE_EQ(r.beta2, 0.999);
    EXPECT_EQ(r.batch_size, 1);
    EXPECT_EQ(r.loss, LossKind::Fusion6);
    EXPECT_DOUBLE_EQ(r.grad_clip, 0.0);
    EXPECT_DOUBLE_EQ(r.schedule.warmup_fraction, 0.2);
    EXPECT_TRUE(r.schedule.warmup_whole_epochs);
    EXPECT_STREQ(nerv_arch_entry().name, "nerv");
}

// Each setting: a valid value, and invalid ones that must fail with -EINVAL naming it.
struct ParamCase {
    const char *params;
    const char *size;
    bool valid;
    const char *mentions;
};

class NervParamTest : public ::testing::TestWithParam<ParamCase> {};

TEST_P(NervParamTest, ValidatesEachSetting)
{
    const ParamCase &c = GetParam();
    if (c.valid) {
        EXPECT_NO_THROW(create(176, 144, c.size, c.params));
        return;
    }
    try {
        create(176, 144, c.size, c.params);
        FAIL() << "accepted " << c.params << " size " << c.size;
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
        EXPECT_NE(std::string(e.what()).find(c.mentions), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Settings, NervParamTest,
    ::testing::Values(ParamCase{"", "S", true, ""}, ParamCase{"", "m", true, ""}, ParamCase{"", "1.2M", true, ""},
                      ParamCase{"", "XL", false, "size"}, ParamCase{"", "10", false, "size"},
                      ParamCase{"strides=4,2,2,2", "S", true, ""}, ParamCase{"strides=4,0", "S", false, "strides"},
                      ParamCase{"strides=2,2,2,2,2,2,2,2,2", "S", false, "strides"},
                      ParamCase{"fc_hw=3x4", "S", true, ""}, ParamCase{"fc_hw=2x2", "S", false, "fc_hw"},
                      ParamCase{"fc_hw=3by4", "S", false, "fc_hw"}, ParamCase{"fc_dim=0", "S", false, "fc_dim"},
                      ParamCase{"fc_dim=5000", "S", false, "fc_dim"}, ParamCase{"act=gelu", "S", true, ""},
                      ParamCase{"act=bogus", "S", false, "act"}, ParamCase{"pe=1.25_80", "S", true, ""},
                      ParamCase{"pe=1.25", "S", false, "pe"}, ParamCase{"stem=256_2", "S", true, ""},
                      ParamCase{"stem=512", "S", false, "stem"}, ParamCase{"expansion=0", "S", false, "expansion"},
                      ParamCase{"reduction=0", "S", false, "reduction"},
                      ParamCase{"lower_width=0", "S", false, "lower_width"}));

}  // namespace NERV_TEST_FILE
}  // namespace nerv

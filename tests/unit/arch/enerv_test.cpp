// E-NeRV: exact parameter counts against the reference (models.md §4.1), shapes, the
// time convention, config round trips through Metadata, and parameter validation.
#include "arch/enerv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "carphone_clip.h"
#include "container/metadata.h"
#include "core/error.h"
#include "train/loss.h"

namespace nerv {
namespace NERV_TEST_FILE {

ArchRequest request_for(int width, int height, const KeyValues *params, const std::string &size = "")
{
    ArchRequest r;
    r.width = width;
    r.height = height;
    r.frames = 132;
    r.size = size;
    r.params = params;
    return r;
}

std::shared_ptr<EnervImpl> create_model(const ArchRequest &request)
{
    VideoModel model = enerv_arch_entry().create(request);
    auto enerv = std::dynamic_pointer_cast<EnervImpl>(model);
    EXPECT_NE(enerv, nullptr);
    return enerv;
}

int64_t parameters_under(torch::nn::Module &model, const std::string &prefix)
{
    int64_t n = 0;
    for (const auto &p : model.named_parameters(true)) {
        if (p.key().compare(0, prefix.size() + 1, prefix + ".") == 0)
            n += p.value().numel();
    }
    return n;
}

// A small model (48x32 canvas, a few thousand parameters) that renders in milliseconds.
KeyValues tiny_params()
{
    return KeyValues::parse("fc_hw=2,3:strides=4,2,2:fc_dim=8:block_dim=16:stem_dim=16:mlp_dim=8:mod_dim=8:"
                            "dim_head=8:heads=1,2:lower_width=4:pe=1.25_8:pe_xy=1.25_4:pe_mod=1.25_6");
}

FrameBatch batch_of(std::vector<float> indices, int64_t frame_count)
{
    FrameBatch b;
    b.index = torch::tensor(indices, torch::kFloat);
    b.frame_count = frame_count;
    return b;
}

template <typename Fn>
void expect_error(int code, const std::string &needle, Fn fn)
{
    try {
        fn();
        ADD_FAILURE() << "expected an error mentioning '" << needle << "'";
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

TEST(EnervTest, BunnyTotalMatchesReference)
{
    auto model = create_model(request_for(1280, 720, nullptr));
    const ParameterCounts counts = count_parameters(*model);
    EXPECT_EQ(counts.transmitted, 12490314);
    EXPECT_EQ(counts.head, 291);
    EXPECT_EQ(counts.encoder, 0);
    // The reference's 12,490,602 also counts its frozen 2x9x16 coordinate grid, a buffer here
    // that is rebuilt from the config (not stored) but counted like the reference does.
    EXPECT_EQ(counts.fixed, 288);
    EXPECT_EQ(counts.transmitted + counts.fixed, 12490602);
    EXPECT_FALSE(model->is_stored_buffer("xy_grid"));
    EXPECT_EQ(enerv_parameter_count(model->config()), 12490314);
    EXPECT_EQ(model->canvas_width(), 1280);
    EXPECT_EQ(model->canvas_height(), 720);
}

TEST(EnervTest, BunnyModulesMatchReferenceTable)
{
    auto model = create_model(request_for(1280, 720, nullptr));
    const std::map<std::string, int64_t> expected = {
        {"stem_t", 213760},      {"stem_xy", 82176},       {"trans1", 131712},      {"trans2", 590464},
        {"toconv", 50372},       {"t_branch", 37120},      {"layers.0", 2422021},   {"layers.1", 6224568},
        {"layers.2", 1556436},   {"layers.3", 508416},     {"layers.4", 332160},    {"t_layers.0", 50568},
        {"t_layers.1", 151704},  {"t_layers.2", 75852},    {"t_layers.3", 37926},   {"t_layers.4", 24768},
        {"head", 291},
    };
    int64_t total = 0;
    for (const auto &kv : expected) {
        EXPECT_EQ(parameters_under(*model, kv.first), kv.second) << kv.first;
        total += kv.second;
    }
    EXPECT_EQ(total, count_parameters(*model).transmitted);  // nothing outside the table
    EXPECT_EQ(model->config().channels, (std::vector<int64_t>{588, 294, 147, 96, 96}));
}

TEST(EnervTest, LayerTableMatchesModules)
{
    // The bunny model and variants that take the reference's other branches: expansion < 1
    // flips the upgraded block, block_dim == fc_dim drops toconv, one head of the full
    // token width drops to_out, stride 1 keeps the width.
    const std::vector<std::string> variants = {
        "", "fc_dim=32:expansion=0.5:block_dim=32:dim_head=32:stem_dim=64:mlp_dim=16:mod_dim=16:strides=5,1,4,2,2"};
    for (const std::string &text : variants) {
        const KeyValues params = KeyValues::parse(text);
        auto model = create_model(request_for(1280, 720, &params));
        const std::vector<LayerInfo> rows = model->layers();
        int64_t sum = 0;
        for (const LayerInfo &row : rows) {
            EXPECT_EQ(parameters_under(*model, row.name), row.parameters) << text << " " << row.name;
            sum += row.parameters;
        }
        EXPECT_EQ(sum, count_parameters(*model).transmitted) << text;
        EXPECT_EQ(rows.back().name, "head");
        EXPECT_EQ(rows.back().output, "[B,3,720,1280]");
    }
    const KeyValues params = KeyValues::parse(variants[1]);
    auto model = create_model(request_for(1280, 720, &params));
    EXPECT_EQ(model->config().channels, (std::vector<int64_t>{16, 96, 96, 96, 96}));
    EXPECT_EQ(parameters_under(*model, "toconv"), 0);
    EXPECT_EQ(parameters_under(*model, "trans1.attn.to_out"), 0);
    EXPECT_GT(parameters_under(*model, "trans2.attn.to_out"), 0);
}

TEST(EnervTest, BunnyLayerTableText)
{
    auto model = create_model(request_for(1280, 720, nullptr));
    std::map<std::string, LayerInfo> rows;
    for (const LayerInfo &row : model->layers())
        rows[row.name] = row;
    EXPECT_EQ(rows["layers.0"].op, "Conv3x3 196->1225, PS5, Conv3x3 49->588, GELU");
    EXPECT_EQ(rows["layers.0"].output, "[B,588,45,80]");
    EXPECT_EQ(rows["layers.1"].op, "Conv3x3 588->1176, PS2, GELU");
    EXPECT_EQ(rows["layers.4"].output, "[B,96,720,1280]");
    EXPECT_EQ(rows["toconv"].output, "[B,196,9,16]");
    EXPECT_NE(model->summary().find("12.49M"), std::string::npos) << model->summary();
}

// Sets parameter j (in named_parameters() order) to amp * sin(0.731 * k + 1.3 * j), k the
// flat index, amp = 3 / sqrt(fan_in) for weights and 0.5 for biases: weights both
// implementations can build without sharing a file.
void fill_deterministic(torch::nn::Module &model)
{
    torch::NoGradGuard no_grad;
    int64_t j = 0;
    for (const auto &p : model.named_parameters(true)) {
        torch::Tensor v = p.value();
        const double amp = v.dim() >= 2 ? 3.0 / std::sqrt(static_cast<double>(v.numel() / v.size(0))) : 0.5;
        torch::Tensor k = torch::arange(v.numel(), torch::kDouble);
        v.copy_((torch::sin(k * 0.731 + 1.3 * static_cast<double>(j)) * amp).to(torch::kFloat).view(v.sizes()));
        ++j;
    }
}

TEST(EnervTest, MatchesReferenceImplementation)
{
    // Expected values from the reference E_NeRV_Generator (kyleleey/E-NeRV @ 9f3529a, PyTorch
    // 1.13 CPU) with cfg pos_l 8, xypos_l 4, pos_l_tm 6 (b 1.25), stem_dim_num '16',
    // fc_hw_dim '2_3_8', stride_list [4, 2], expansion 3, reduction 2, lower_width 4,
    // block_dim 16, mlp_dim 8, gelu, sigmoid; the same weights set through the name mapping
    // toconv -> toconv.0, attn.to_out -> attn.to_out.0, ffn.{0,2} -> ffn.net.{0,3},
    // layers.0.conv1 -> layers.0.conv1.conv, layers.i.conv -> layers.i.conv.conv,
    // head -> head_layers.1; img_id = [0, 1/3, 1]. Tolerances as FATE's: CPUs may differ.
    const KeyValues params = KeyValues::parse("fc_hw=2,3:strides=4,2:fc_dim=8:block_dim=16:stem_dim=16:mlp_dim=8:"
                                              "lower_width=4:pe=1.25_8:pe_xy=1.25_4:pe_mod=1.25_6");
    auto model = create_model(request_for(24, 16, &params));
    fill_deterministic(*model);
    torch::NoGradGuard no_grad;
    const torch::Tensor out = model->render(batch_of({0, 1, 3}, 4));
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 3, 16, 24}));
    EXPECT_NEAR(out.to(torch::kDouble).sum().item<double>(), 1594.739504, 1e-3);
    const std::vector<std::pair<std::vector<int64_t>, float>> samples = {
        {{0, 0, 0, 0}, 0.3163952f},  {{1, 1, 7, 11}, 0.0360987f}, {{2, 2, 15, 23}, 0.9477079f},
        {{2, 0, 8, 5}, 0.1822457f},  {{0, 2, 3, 17}, 0.9983529f},
    };
    for (const auto &s : samples) {
        const auto &i = s.first;
        EXPECT_NEAR(out[i[0]][i[1]][i[2]][i[3]].item<float>(), s.second, 2e-6f)
            << "at " << shape_text({i[0], i[1], i[2], i[3]});
    }
}

TEST(EnervTest, RenderShapeRangeAndTimeDependence)
{
    const KeyValues params = tiny_params();
    auto model = create_model(request_for(48, 32, &params));
    EXPECT_TRUE(model->frame_tensors().empty());
    EXPECT_TRUE(model->embed(batch_of({0}, 3)).empty());
    torch::Tensor out = model->render(batch_of({0, 1, 2}, 3));
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 3, 32, 48}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
    // Different times give different frames; a batch renders each frame as alone.
    EXPECT_GT((out[0] - out[2]).abs().max().item<float>(), 1e-6f);
    torch::Tensor single = model->render(batch_of({2}, 3));
    EXPECT_TRUE(torch::allclose(single[0], out[2], 1e-5, 1e-6));
}

TEST(EnervTest, TimeIsIndexOverLastIndex)
{
    torch::Tensor t = EnervImpl::normalized_time(torch::tensor({0.0f, 2.0f, 4.0f, 1.0f}), 5);
    EXPECT_TRUE(torch::equal(t, torch::tensor({0.0f, 0.5f, 1.0f, 0.25f})));
    EXPECT_EQ(t.scalar_type(), torch::kFloat);
    // One frame: no division by zero, t = 0.
    torch::Tensor one = EnervImpl::normalized_time(torch::tensor({0.0f}), 1);
    EXPECT_EQ(one.item<float>(), 0.0f);

    const KeyValues params = tiny_params();
    auto model = create_model(request_for(48, 32, &params));
    torch::Tensor single = model->render(batch_of({0}, 1));
    EXPECT_TRUE(torch::isfinite(single).all().item<bool>());
    // Frame 0 is t = 0 whatever N, so it renders the same as in a longer segment.
    EXPECT_TRUE(torch::allclose(single, model->render(batch_of({0}, 7))));
    expect_error(-EINVAL, "frame_count", [&] { model->render(batch_of({0}, 0)); });
}

TEST(EnervTest, ConfigRoundTripRebuildsIdenticalModel)
{
    const KeyValues params = KeyValues::parse(tiny_params().to_string() + ":act=swish:expansion=1.5");
    auto original = create_model(request_for(48, 32, &params));
    Metadata meta;
    original->write_config(meta);
    VideoModel loaded_model = enerv_arch_entry().load(meta, false);
    auto loaded = std::dynamic_pointer_cast<EnervImpl>(loaded_model);
    ASSERT_NE(loaded, nullptr);
    EXPECT_EQ(loaded->arch(), "enerv");
    EXPECT_EQ(loaded->config().channels, original->config().channels);
    EXPECT_EQ(loaded->config().act, "swish");
    EXPECT_EQ(loaded->summary(), original->summary());

    auto src = original->named_parameters(true);
    auto dst = loaded->named_parameters(true);
    ASSERT_EQ(src.size(), dst.size());
    {
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < src.size(); ++i) {
            ASSERT_EQ(src[i].key(), dst[i].key());
            ASSERT_EQ(src[i].value().sizes(), dst[i].value().sizes()) << src[i].key();
            dst[i].value().copy_(src[i].value());
        }
    }
    const FrameBatch batch = batch_of({0, 3, 5}, 6);
    EXPECT_TRUE(torch::equal(original->render(batch), loaded->render(batch)));

    // Writing the loaded model's config gives the same entries again.
    Metadata again;
    loaded->write_config(again);
    ASSERT_EQ(again.size(), meta.size());
    for (size_t i = 0; i < meta.size(); ++i)
        EXPECT_EQ(again.entries()[i].key, meta.entries()[i].key);
}

TEST(EnervTest, HostileStreamConfigRejected)
{
    const KeyValues params = tiny_params();
    Metadata good;
    create_model(request_for(48, 32, &params))->write_config(good);
    const std::vector<std::pair<std::string, std::function<void(Metadata &)>>> tamperings = {
        {"enerv.fc_dim", [](Metadata &m) { m.set_int("enerv.fc_dim", int64_t(1) << 40); }},
        {"channel widths", [](Metadata &m) { m.set_ints("enerv.channels", {8, 8}); }},
        {"enerv.strides", [](Metadata &m) { m.set_ints("enerv.strides", {4, 2, 2, 2, 2, 2, 2, 2, 2}); }},
        {"canvas", [](Metadata &m) { m.set_ints("enerv.strides", {8, 8, 8}); m.set_int("enerv.fc_h", 64); }},
        {"tokens", [](Metadata &m) { m.set_int("enerv.fc_h", 200); m.set_int("enerv.fc_w", 200); }},
        {"activation", [](Metadata &m) { m.set_string("enerv.act", "bogus"); }},
        {"parameters", [](Metadata &m) {
             m.set_ints("enerv.channels", {4096, 4096, 4096});
             m.set_ints("enerv.strides", {8, 8, 1});
         }},
        {"enerv.heads", [](Metadata &m) { m.set_ints("enerv.heads", {1}); }},
    };
    for (const auto &t : tamperings) {
        Metadata meta = good;
        t.second(meta);
        SCOPED_TRACE(t.first);
        expect_error(NERV_ERROR_INVALIDDATA, "", [&] { enerv_arch_entry().load(meta, true); });
    }
    Metadata missing;
    expect_error(NERV_ERROR_INVALIDDATA, "", [&] { enerv_arch_entry().load(missing, true); });
}

struct InvalidParam {
    const char *params;
    const char *named;  // what the message must mention
};

class EnervInvalidParamTest : public ::testing::TestWithParam<InvalidParam> {};

TEST_P(EnervInvalidParamTest, RejectedWithNamedParameter)
{
    const KeyValues params = KeyValues::parse(GetParam().params);
    expect_error(-EINVAL, GetParam().named, [&] { create_model(request_for(1280, 720, &params)); });
}

INSTANTIATE_TEST_SUITE_P(
    EnervTest, EnervInvalidParamTest,
    ::testing::Values(
        InvalidParam{"fc_dim=3", "param 'fc_dim'"},
        InvalidParam{"fc_dim=abc", "param 'fc_dim'"},
        InvalidParam{"fc_dim=5000", "param 'fc_dim'"},
        InvalidParam{"strides=5,2,9", "param 'strides'"},
        InvalidParam{"strides=", "param 'strides'"},
        InvalidParam{"strides=2,2,2,2,2,2,2,2,2", "param 'strides'"},
        InvalidParam{"fc_hw=9", "param 'fc_hw'"},
        InvalidParam{"fc_hw=0,16", "param 'fc_hw'"},
        InvalidParam{"fc_hw=1,1:strides=8,8,5,4", "tokens"},
        InvalidParam{"act=bogus", "param 'act'"},
        InvalidParam{"heads=8", "param 'heads'"},
        InvalidParam{"heads=0,8", "param 'heads'"},
        InvalidParam{"expansion=0", "param 'expansion'"},
        InvalidParam{"expansion=16:fc_dim=512", "widths"},
        InvalidParam{"reduction=0", "param 'reduction'"},
        InvalidParam{"lower_width=0", "param 'lower_width'"},
        InvalidParam{"block_dim=0", "param 'block_dim'"},
        InvalidParam{"mlp_dim=-1", "param 'mlp_dim'"},
        InvalidParam{"stem_dim=99999", "param 'stem_dim'"},
        InvalidParam{"mod_dim=0", "param 'mod_dim'"},
        InvalidParam{"dim_head=0", "param 'dim_head'"},
        InvalidParam{"pe=1.25", "param 'pe'"},
        InvalidParam{"pe_xy=0_80", "param 'pe_xy'"},
        InvalidParam{"pe_mod=1.25_999", "param 'pe_mod'"},
        InvalidParam{"fc_hw=8,16", "does not cover"}));

TEST(EnervTest, FrameSizeRules)
{
    // Multiples of 80 keep the reference's 5,2,2,2,2; other sizes get a planned canvas that covers
    // the frame (cropped back to it).
    EnervConfig planned_default = resolve_enerv_config(request_for(1920, 1080, nullptr));
    EXPECT_GE(planned_default.canvas_width(), 1920);
    EXPECT_GE(planned_default.canvas_height(), 1080);
    EXPECT_LE(planned_default.canvas_width() * planned_default.canvas_height(), 1920 * 1080 * 9 / 8);
    const EnervConfig qcif = resolve_enerv_config(request_for(176, 144, nullptr));
    EXPECT_GE(qcif.canvas_width(), 176);
    EXPECT_GE(qcif.canvas_height(), 144);
    // Explicit strides whose product divides the frame: 1080p with 5,3,2,2,2 is a 9x16 grid.
    const KeyValues uvg = KeyValues::parse("strides=5,3,2,2,2");
    EnervConfig c = resolve_enerv_config(request_for(1920, 1080, &uvg));
    EXPECT_EQ(c.fc_h, 9);
    EXPECT_EQ(c.fc_w, 16);
    // Strides whose product does not divide the frame: the smallest covering grid.
    c = resolve_enerv_config(request_for(1900, 1080, &uvg));
    EXPECT_EQ(c.canvas_width(), 1920);
    EXPECT_EQ(c.canvas_height(), 1080);
    // fc_hw gives a canvas larger than the frame (the caller crops).
    const KeyValues padded = KeyValues::parse("strides=5,3,2,2,2:fc_hw=9,16");
    c = resolve_enerv_config(request_for(1900, 1070, &padded));
    EXPECT_EQ(c.canvas_width(), 1920);
    EXPECT_EQ(c.canvas_height(), 1080);
    // A planner's grid is used when params give none.
    const EnervGrid planned{6, 10, {4, 4, 3, 2, 2}};
    c = resolve_enerv_config(request_for(1920, 1152, nullptr), &planned);
    EXPECT_EQ(c.strides, planned.strides);
    EXPECT_EQ(c.canvas_width(), 1920);
    EXPECT_EQ(c.canvas_height(), 1152);
    EXPECT_EQ(c.channels.size(), 5u);
    // Params still override the planner.
    c = resolve_enerv_config(request_for(1920, 1080, &uvg), &planned);
    EXPECT_EQ(c.strides, (std::vector<int64_t>{5, 3, 2, 2, 2}));
}

TEST(EnervTest, BudgetPicksLargestFittingWidth)
{
    for (const char *size : {"3M", "12.5M", "5000000"}) {
        const EnervConfig c = resolve_enerv_config(request_for(1280, 720, nullptr, size));
        const double budget = parse_parameter_budget(size);
        EXPECT_LE(enerv_parameter_count(c), budget) << size;
        EnervConfig wider = c;
        wider.fc_dim += 1;
        wider.channels = enerv_stage_channels(wider.fc_dim, wider.strides, EnervWidthRule());
        EXPECT_GT(enerv_parameter_count(wider), budget) << size;
    }
    // 12.5M is the bunny model itself; 3M: fc_dim 57 (2,992,757 parameters).
    EXPECT_EQ(resolve_enerv_config(request_for(1280, 720, nullptr, "12.5M")).fc_dim, 196);
    EXPECT_EQ(resolve_enerv_config(request_for(1280, 720, nullptr, "3M")).fc_dim, 57);
    expect_error(-EINVAL, "budget", [] { resolve_enerv_config(request_for(1280, 720, nullptr, "big")); });
    // Below the reference widths' floor (about 2.2M at 720p) the transformer, MLP and lower
    // widths narrow together; pinned widths keep the floor and refuse.
    const EnervConfig narrow = resolve_enerv_config(request_for(1280, 720, nullptr, "100k"));
    EXPECT_LE(enerv_parameter_count(narrow), 100000);
    EXPECT_LT(narrow.block_dim, 256);
    const KeyValues pinned = KeyValues::parse("block_dim=256");
    expect_error(-EINVAL, "smallest", [&] { resolve_enerv_config(request_for(1280, 720, &pinned, "100k")); });
    const KeyValues both = KeyValues::parse("fc_dim=100");
    expect_error(-EINVAL, "fc_dim", [&] { resolve_enerv_config(request_for(1280, 720, &both, "3M")); });
}

TEST(EnervTest, PrunesConvAndLinearWeightsButNotHead)
{
    const KeyValues params = tiny_params();
    auto model = create_model(request_for(48, 32, &params));
    const std::vector<std::string> prunable = model->prunable_parameters();
    auto has = [&](const std::string &name) {
        return std::find(prunable.begin(), prunable.end(), name) != prunable.end();
    };
    EXPECT_TRUE(has("stem_t.0.weight"));
    EXPECT_TRUE(has("trans2.attn.to_qkv.weight"));
    EXPECT_TRUE(has("t_layers.0.0.weight"));
    EXPECT_TRUE(has("layers.0.conv1.weight"));
    EXPECT_TRUE(has("layers.2.conv.weight"));
    EXPECT_FALSE(has("head.weight"));
    EXPECT_FALSE(has("layers.2.conv.bias"));
    size_t weights = 0;
    for (const auto &p : model->named_parameters(true))
        weights += p.value().dim() >= 2 ? 1 : 0;
    EXPECT_EQ(prunable.size(), weights - 1);  // every matrix/kernel but the head's
}

TEST(EnervTest, RecipeIsThePapers)
{
    const TrainRecipe r = enerv_arch_entry().recipe();
    EXPECT_EQ(r.epochs, 300);
    EXPECT_DOUBLE_EQ(r.lr, 5e-4);
    EXPECT_DOUBLE_EQ(r.beta1, 0.5);
    EXPECT_DOUBLE_EQ(r.beta2, 0.999);
    EXPECT_EQ(r.batch_size, 1);
    EXPECT_EQ(r.loss, LossKind::Fusion6);
    EXPECT_EQ(r.grad_clip, 0.0);
    EXPECT_DOUBLE_EQ(r.schedule.warmup_fraction, 0.2);
    EXPECT_FALSE(r.schedule.warmup_whole_epochs);
    // Iteration-based warm-up: 0.1 at the start, 0.55 halfway through it, cosine after.
    EXPECT_DOUBLE_EQ(r.schedule.multiplier(0, 300), 0.1);
    EXPECT_NEAR(r.schedule.multiplier(30, 300), 0.55, 1e-12);
    EXPECT_NEAR(r.schedule.multiplier(60, 300), 1.0, 1e-12);
    EXPECT_STREQ(enerv_arch_entry().name, "enerv");
}

FrameBatch ramp_frame()
{
    // A smooth colour ramp: learnable in a few steps, unlike noise.
    FrameBatch batch = batch_of({1}, 3);
    torch::Tensor ramp = torch::linspace(0.1, 0.9, 48).view({1, 1, 1, 48}).expand({1, 1, 32, 48});
    batch.frames = torch::cat({ramp, 1 - ramp, torch::full({1, 1, 32, 48}, 0.3)}, 1);
    return batch;
}

TEST(EnervTest, GradientsAreReproducible)
{
    // Guards the toconv activation order in spatial_features(): LibTorch 1.13's GELU
    // backward with a non-contiguous incoming gradient gave different garbage every run.
    const KeyValues params = tiny_params();
    auto model = create_model(request_for(48, 32, &params));
    const FrameBatch batch = ramp_frame();
    const LossFunction loss(LossKind::L2);
    std::vector<torch::Tensor> first;
    for (int run = 0; run < 2; ++run) {
        model->zero_grad();
        model->train_step(batch, loss, 32, 48).loss.backward();
        size_t i = 0;
        for (const auto &p : model->named_parameters(true)) {
            const torch::Tensor g = p.value().grad();
            ASSERT_TRUE(g.defined()) << p.key();
            EXPECT_TRUE(torch::isfinite(g).all().item<bool>()) << p.key();
            if (run == 0)
                first.push_back(g.clone());
            else
                EXPECT_TRUE(torch::equal(first[i++], g)) << p.key();
        }
    }
}

TEST(EnervTest, ShortTrainingReachesPsnrBand)
{
    torch::manual_seed(1);
    const KeyValues params = tiny_params();
    auto model = create_model(request_for(48, 32, &params));
    const FrameBatch batch = ramp_frame();
    // The paper's optimizer at a higher rate; 60 steps reach ~38 dB here (seed 1), from ~12 dB
    // untrained and 14.5 dB for the best constant colour.
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(5e-3).betas({0.5, 0.999}));
    const LossFunction loss(LossKind::L2);
    for (int step = 0; step < 60; ++step) {
        adam.zero_grad();
        model->train_step(batch, loss, 32, 48).loss.backward();
        adam.step();
    }
    torch::NoGradGuard no_grad;
    const float mse = torch::mse_loss(model->render(batch), batch.frames).item<float>();
    EXPECT_GT(-10 * std::log10(mse), 30.0);
}

// Real video: four 48x32 carphone crops (the man's face), t = i / 3, the tiny model above.
// The paper's optimizer and L2 at a higher rate, 240 steps of one frame. Measured: 33.35 dB
// from 15.23 dB untrained (seed 1), 1.4 s; the band is +-1.5 dB around it.
TEST(EnervTest, ShortTrainingOnRealVideoReachesPsnrBand)
{
    const torch::Tensor clip = nerv_test::carphone_rgb(4, 64, 40, 48, 32);
    torch::manual_seed(1);
    const KeyValues params = tiny_params();
    ArchRequest request = request_for(48, 32, &params);
    request.frames = 4;
    auto model = create_model(request);
    auto clip_psnr = [&] {
        torch::NoGradGuard no_grad;
        FrameBatch all = batch_of({0, 1, 2, 3}, 4);
        return -10 * std::log10(torch::mse_loss(model->render(all), clip).item<double>());
    };
    const double untrained = clip_psnr();
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(5e-3).betas({0.5, 0.999}));
    const LossFunction loss(LossKind::L2);
    for (int epoch = 0; epoch < 60; ++epoch) {
        for (int f = 0; f < 4; ++f) {
            FrameBatch one = batch_of({static_cast<float>(f)}, 4);
            one.frames = clip.slice(0, f, f + 1);
            adam.zero_grad();
            model->train_step(one, loss, 32, 48).loss.backward();
            adam.step();
        }
    }
    const double trained = clip_psnr();
    // 60 epochs at this rate are chaotic: rounding alone moves the result by dB. Seeds 1-5 gave
    // 33.31 / 32.09 / 33.15 / 32.57 / 34.18 dB before every GELU got the layout guard (which
    // makes some gradients contiguous: other rounding) and 29.06 / 31.53 / 33.81 / 33.52 / 33.79
    // after (AMD EPYC, 2 cores); the band holds them all.
    EXPECT_GT(trained, 28.5);
    EXPECT_LT(trained, 34.85) << "better than the band: update the band";
    EXPECT_GT(trained, untrained + 10.0);
    std::printf("[enerv] %.2f dB -> %.2f dB\n", untrained, trained);
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

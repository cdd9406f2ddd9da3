// DNeRV: exact parameter counts against the reference (models.md §5), shapes, frame-size
// rules, a short training run on real video, decoding = the training-time forward, config
// round trips and validation of params and stored configs.
#include "arch/dnerv.h"

#include <chrono>
#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "arch_test_model.h"
#include "carphone_clip.h"
#include "codec/model_weights.h"
#include "core/error.h"
#include "train/loss.h"

namespace nerv {
namespace NERV_TEST_FILE {

VideoModel create(int width, int height, const std::string &size = "", const std::string &params = "")
{
    return nerv_test::create_arch_model(dnerv_arch_entry(), width, height, 8, size, params);
}

DnervImpl &as_dnerv(const VideoModel &m) { return dynamic_cast<DnervImpl &>(*m); }

// 64x96 canvas: strides 4,2,2,2 (P = 32, a 2x3 embedding), CCU after stage 2, so the
// difference grid is 16x24 (diff_strides 2,2).
const char *kSmallParams = "strides=4,2,2,2:fc_dim=32:enc_dim=16:embed_dim=8";

VideoModel small_model() { return create(96, 64, "", kSmallParams); }

int error_code_of(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.code();
    }
    return 0;
}

/** An encoder-side batch of frames [idx] of `clip`, neighbours through frames_at. */
FrameBatch clip_batch(const torch::Tensor &clip, const std::vector<int64_t> &idx)
{
    FrameBatch b;
    const torch::Tensor i = torch::tensor(idx, torch::kLong);
    b.frames = clip.index_select(0, i);
    b.index = i.to(torch::kFloat32);
    b.frame_count = clip.size(0);
    b.frames_at = [clip](const torch::Tensor &k) { return clip.index_select(0, k); };
    return b;
}

int64_t parameters_under(torch::nn::Module &m, const std::string &prefix)
{
    int64_t n = 0;
    for (const auto &p : m.named_parameters()) {
        if (p.key().rfind(prefix + ".", 0) == 0)
            n += p.value().numel();
    }
    return n;
}

// models.md §5: total 3,948,426; encoders 543,058; decoder side 3,405,368 at 960x1920.
TEST(DnervTest, ReferenceParameterCountsAt960x1920)
{
    VideoModel m = create(1920, 960);
    const DnervConfig &c = as_dnerv(m).config();
    EXPECT_EQ(c.strides, (std::vector<int64_t>{5, 4, 4, 3, 2}));
    EXPECT_EQ(c.diff_strides, (std::vector<int64_t>{4, 3, 2}));
    EXPECT_EQ(c.fc_dim, 92);
    EXPECT_EQ(c.channels, (std::vector<int64_t>{76, 63, 52, 43, 35}));
    EXPECT_EQ(c.kernels, (std::vector<int64_t>{1, 3, 5, 5, 5}));
    const ParameterCounts n = count_parameters(*m);
    EXPECT_EQ(n.transmitted, 3405368);
    EXPECT_EQ(n.encoder, 543058);
    EXPECT_EQ(n.transmitted + n.encoder, 3948426);
    EXPECT_EQ(n.head, 948);

    const std::vector<FrameTensorSpec> specs = m->frame_tensors();
    ASSERT_EQ(specs.size(), 2u);
    EXPECT_EQ(specs[0].name, "embed");
    EXPECT_EQ(specs[0].shape, (std::vector<int64_t>{16, 2, 4}));
    EXPECT_EQ(specs[1].name, "diff");
    EXPECT_EQ(specs[1].shape, (std::vector<int64_t>{2, 40, 80}));

    // Module figures derived from the reference's layers (models.md §5 widths and kernels).
    const struct {
        const char *name;
        int64_t params;
        const char *output;
    } expected[] = {
        {"content_encoder", 373520, nullptr},  // 372,480 stages + 1,040 for the 1x1 64->16
        {"diff_encoder", 169538, nullptr},     // 169,408 + 130
        {"stem", 1564, "[B,92,2,4]"},          // Conv1x1 16->92 (enc_c2_layer)
        {"decoder.0", 176700, "[B,76,10,20]"}, {"decoder.1", 690480, "[B,63,40,80]"},
        {"decoder.2", 1311232, "[B,52,160,320]"}, {"diff_stem", 189, "[B,63,40,80]"},
        {"diff_decoder", 472576, "[B,52,160,320]"}, {"ccu", 97552, "[B,52,160,320]"},
        {"decoder.3", 503487, "[B,43,480,960]"}, {"decoder.4", 150640, "[B,35,960,1920]"},
        {"head", 948, "[B,3,960,1920]"},
    };
    for (const auto &e : expected)
        EXPECT_EQ(parameters_under(*m, e.name), e.params) << e.name;
    const std::vector<LayerInfo> rows = m->layers();
    ASSERT_EQ(rows.size(), 6u + 4u + 10u);  // 5+1 content, 3+1 difference, 10 decoder side
    const int64_t content_stages[] = {41472, 102208, 102208, 73536, 53056};
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(rows[i].parameters, content_stages[i]) << i;
        EXPECT_FALSE(rows[i].transmitted);
    }
    EXPECT_EQ(rows[0].op, "Conv5x5/5 3->64, LN_cf, ConvNeXt(64, no norm/gamma)");
    EXPECT_EQ(rows[5].output, "[B,16,2,4]");
    EXPECT_EQ(rows[6].parameters, 42816);
    EXPECT_EQ(rows[9].output, "[B,2,40,80]");
    for (size_t i = 10; i < rows.size(); ++i) {
        SCOPED_TRACE(rows[i].name);
        EXPECT_TRUE(rows[i].transmitted);
        EXPECT_EQ(rows[i].name, expected[i - 8].name);
        EXPECT_EQ(rows[i].output, expected[i - 8].output);
        EXPECT_EQ(rows[i].parameters, expected[i - 8].params);
    }
    EXPECT_EQ(rows[11].op, "Conv1x1 92->1900, PS5, GELU");
    EXPECT_EQ(rows[15].op, "Conv3x3 63->832, PS4, GELU");
    // Every row is a tensor-name prefix holding exactly its parameters.
    int64_t sum = 0;
    for (const LayerInfo &row : rows) {
        EXPECT_EQ(parameters_under(*m, row.name), row.parameters) << row.name;
        sum += row.parameters;
    }
    EXPECT_EQ(sum, 3948426);
    EXPECT_EQ(m->summary(), "fc_dim=92 channels=92,76,63,52,43,35 strides=5,4,4,3,2 kernels=1,3,5,5,5 "
                            "diff_strides=4,3,2 ccu_stage=2 embed=16x2x4 diff=2x40x80 act=gelu canvas=1920x960");
}

TEST(DnervTest, WidthsUsePythonFloorDivision)
{
    // round(92 // 1.2) = 76, where rounding 76.67 would give 77.
    EXPECT_EQ(dnerv_stage_channels(92, 5, 1.2), (std::vector<int64_t>{76, 63, 52, 43, 35}));
    EXPECT_EQ(dnerv_stage_channels(36, 3, 1.2), (std::vector<int64_t>{30, 25, 20}));
    // Python's float floor division, not floor(a / b): 11 // 1.1 == 9.0 although 11 / 1.1
    // rounds to 10.0 (1.1 is stored slightly above 1.1). No integer up to 100,000 differs
    // this way for the reference's 1.2, but the `reduce` param may take other values.
    EXPECT_EQ(dnerv_stage_channels(11, 1, 1.1), (std::vector<int64_t>{9}));
}

TEST(DnervTest, EmbedAndRenderShapes)
{
    torch::manual_seed(0);
    VideoModel m = small_model();
    const DnervConfig &c = as_dnerv(m).config();
    EXPECT_EQ(c.diff_strides, (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(m->canvas_width(), 96);
    EXPECT_EQ(m->canvas_height(), 64);
    torch::NoGradGuard no_grad;
    const torch::Tensor clip = torch::rand({5, 3, 64, 96});
    FrameBatch batch = clip_batch(clip, {0, 3});
    batch.inputs = m->embed(batch);
    EXPECT_EQ(batch.inputs.at("embed").sizes(), torch::IntArrayRef({2, 8, 2, 3}));
    EXPECT_EQ(batch.inputs.at("diff").sizes(), torch::IntArrayRef({2, 2, 16, 24}));
    const torch::Tensor out = m->render(batch);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({2, 3, 64, 96}));
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
    // The difference embedding shapes the output: another diff, another picture.
    FrameBatch other = batch;
    other.inputs["diff"] = batch.inputs["diff"] + 1;
    EXPECT_FALSE(torch::allclose(m->render(other), out));
    // Missing or misshapen inputs are refused.
    FrameBatch missing = batch;
    missing.inputs.erase("diff");
    EXPECT_EQ(error_code_of([&] { m->render(missing); }), -EINVAL);
    missing.inputs["diff"] = torch::zeros({2, 2, 16, 23});
    EXPECT_EQ(error_code_of([&] { m->render(missing); }), -EINVAL);
    FrameBatch no_neighbours = batch;
    no_neighbours.frames_at = nullptr;
    EXPECT_EQ(error_code_of([&] { m->embed(no_neighbours); }), -EINVAL);
}

// One no-grad pass at the reference size (960x1920), encoders included.
TEST(DnervTest, ReferenceSizeForwardPass)
{
    torch::manual_seed(1);
    VideoModel m = create(1920, 960);
    torch::NoGradGuard no_grad;
    const torch::Tensor clip = torch::rand({2, 3, 960, 1920});
    FrameBatch batch = clip_batch(clip, {1});
    batch.inputs = m->embed(batch);
    EXPECT_EQ(batch.inputs.at("diff").sizes(), torch::IntArrayRef({1, 2, 40, 80}));
    EXPECT_EQ(m->render(batch).sizes(), torch::IntArrayRef({1, 3, 960, 1920}));
}

TEST(DnervTest, OtherFrameSizesUseTheStridePlanAndACoveringCanvas)
{
    // 720x1280: the plan's 5,4,4,2,2 leaves a 2x4 embedding on a 1280x640... canvas must cover 720.
    VideoModel hd = create(1280, 720);
    const DnervConfig &c = as_dnerv(hd).config();
    EXPECT_EQ(c.diff_strides, std::vector<int64_t>(c.strides.begin() + 2, c.strides.end()));
    EXPECT_GE(hd->canvas_height(), 720);
    EXPECT_GE(hd->canvas_width(), 1280);
    EXPECT_EQ(c.diff_height() * c.diff_stride(), c.canvas_height());
    EXPECT_EQ(c.diff_height(), c.embed_height * c.strides[0] * c.strides[1]);
    // QCIF with explicit strides: 144x176 -> a 160x192 canvas of 5x6 cells of 32.
    VideoModel qcif = create(176, 144, "", "strides=4,2,2,2:fc_dim=16:ccu_stage=1");
    EXPECT_EQ(qcif->canvas_height(), 160);
    EXPECT_EQ(qcif->canvas_width(), 192);
    EXPECT_EQ(as_dnerv(qcif).config().diff_strides, (std::vector<int64_t>{2, 2, 2}));
    EXPECT_EQ(qcif->frame_tensors()[1].shape, (std::vector<int64_t>{2, 20, 24}));
}

TEST(DnervTest, BudgetPicksTheLargestFittingWidth)
{
    VideoModel m = create(1920, 960, "2M");
    const int64_t fc_dim = as_dnerv(m).config().fc_dim;
    EXPECT_LE(count_parameters(*m).transmitted, 2000000);
    VideoModel wider = create(1920, 960, "", "fc_dim=" + std::to_string(fc_dim + 1));
    EXPECT_GT(count_parameters(*wider).transmitted, 2000000);
    // The reference's 92 is the largest fc_dim within 3,405,368 parameters.
    EXPECT_EQ(as_dnerv(create(1920, 960, "3405368")).config().fc_dim, 92);
    EXPECT_EQ(error_code_of([] { create(1920, 960, "1k"); }), -EINVAL);
}

/** The carphone crop (96x64, the man's face and the car window) trained once for the tests below. */
struct TrainedClip {
    torch::Tensor clip;
    VideoModel model;
    double psnr_untrained = 0, psnr = 0, seconds = 0;
};

/** PSNR of the model's eval-mode render of all frames of `clip` (batch of all of them). */
double clip_psnr(const VideoModel &model, const torch::Tensor &clip)
{
    model->eval();
    torch::NoGradGuard no_grad;
    FrameBatch all = clip_batch(clip, {0, 1, 2, 3});
    all.inputs = model->embed(all);
    return -10 * std::log10(torch::mse_loss(model->render(all), all.frames).item<double>());
}

const TrainedClip &trained_small_model()
{
    static const TrainedClip trained = [] {
        TrainedClip t;
        t.clip = nerv_test::carphone_rgb(4, 48, 40, 96, 64);
        torch::manual_seed(5);  // the reference's seed
        t.model = small_model();
        t.psnr_untrained = clip_psnr(t.model, t.clip);
        const auto t0 = std::chrono::steady_clock::now();
        // The reference's optimizer, clipping and L2 loss, batch 1, at a higher rate for a short run.
        std::vector<torch::Tensor> params;
        for (const auto &p : t.model->parameters())
            params.push_back(p);
        torch::optim::Adam adam(params, torch::optim::AdamOptions(3e-3).betas({0.5, 0.999}));
        const LossFunction loss(LossKind::L2);
        t.model->train();
        for (int epoch = 0; epoch < 60; ++epoch) {
            for (int64_t f = 0; f < t.clip.size(0); ++f) {
                adam.zero_grad();
                t.model->train_step(clip_batch(t.clip, {f}), loss, 64, 96).loss.backward();
                torch::nn::utils::clip_grad_norm_(params, 0.1);
                adam.step();
            }
        }
        t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        t.psnr = clip_psnr(t.model, t.clip);
        return t;
    }();
    return trained;
}

TEST(DnervTest, ShortTrainingOnRealVideoReachesPsnrBand)
{
    // 240 steps on 4 frames: measured 29.92 dB (seed 5) from 12.50 dB untrained, 6.0 s on the
    // 2-core machine. The band is +-1.5 dB around it.
    const TrainedClip &t = trained_small_model();
    EXPECT_GT(t.psnr, 28.4) << "trained in " << t.seconds << " s";
    EXPECT_LT(t.psnr, 31.4) << "better than the band: update the band";
    EXPECT_GT(t.psnr, t.psnr_untrained + 8.0);
    std::cout << "dnerv small: " << t.psnr_untrained << " -> " << t.psnr << " dB in " << t.seconds << " s\n";
}

TEST(DnervTest, DecodingEqualsTheTrainingTimeForward)
{
    const TrainedClip &t = trained_small_model();
    DnervImpl &model = as_dnerv(t.model);
    model.eval();
    Metadata meta;
    model.write_config(meta);
    const std::vector<TensorEntry> weights = encode_model_weights(model, /*qbits=*/0, false);
    VideoModel decoder = dnerv_arch_entry().load(meta, /*with_encoder=*/false);
    load_model_weights(*decoder, weights);
    decoder->eval();
    for (int64_t f = 0; f < t.clip.size(0); ++f) {
        SCOPED_TRACE(f);
        FrameBatch batch = clip_batch(t.clip, {f});
        torch::Tensor expected;
        {
            torch::NoGradGuard no_grad;
            batch.inputs = model.embed(batch);
            expected = model.render(batch);
        }
        c10::InferenceMode inference;
        FrameBatch coded;  // what the decoder has: the frame's own tensors, no pictures
        coded.index = batch.index;
        coded.frame_count = batch.frame_count;
        coded.inputs = {{"embed", batch.inputs["embed"].clone()}, {"diff", batch.inputs["diff"].clone()}};
        EXPECT_TRUE(torch::equal(decoder->render(coded), expected));
    }
}

TEST(DnervTest, ConfigRoundTripWithAndWithoutEncoders)
{
    VideoModel a = small_model();
    Metadata meta;
    a->write_config(meta);
    VideoModel decoder_only = dnerv_arch_entry().load(meta, false);
    EXPECT_FALSE(as_dnerv(decoder_only).has_encoder());
    std::vector<std::pair<std::string, std::vector<int64_t>>> sent, rebuilt;
    for (const auto &p : a->named_parameters()) {
        if (a->is_transmitted(p.key()))
            sent.push_back({p.key(), p.value().sizes().vec()});
    }
    for (const auto &p : decoder_only->named_parameters())
        rebuilt.push_back({p.key(), p.value().sizes().vec()});
    EXPECT_EQ(sent, rebuilt);
    EXPECT_EQ(decoder_only->summary(), a->summary());
    for (const LayerInfo &row : decoder_only->layers())
        EXPECT_TRUE(row.transmitted);
    EXPECT_EQ(error_code_of([&] { decoder_only->embed(clip_batch(torch::rand({2, 3, 64, 96}), {0})); }), -EINVAL);

    VideoModel full = dnerv_arch_entry().load(meta, true);
    auto pa = a->named_parameters(), pf = full->named_parameters();
    ASSERT_EQ(pa.size(), pf.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        EXPECT_EQ(pa[i].key(), pf[i].key());
        EXPECT_EQ(pa[i].value().sizes(), pf[i].value().sizes());
    }
}

TEST(DnervTest, EncodersAreNotTransmittedNorPrunable)
{
    VideoModel m = small_model();
    for (const auto &p : m->named_parameters()) {
        const bool encoder = p.key().rfind("content_encoder.", 0) == 0 || p.key().rfind("diff_encoder.", 0) == 0;
        EXPECT_EQ(m->is_transmitted(p.key()), !encoder) << p.key();
    }
    EXPECT_EQ(m->prunable_parameters(),
              (std::vector<std::string>{"stem.weight", "decoder.0.conv.weight", "decoder.1.conv.weight",
                                        "decoder.2.conv.weight", "decoder.3.conv.weight", "diff_stem.weight",
                                        "diff_decoder.conv.weight", "ccu.candidate_content.weight",
                                        "ccu.candidate_diff.weight", "ccu.gate_content.weight",
                                        "ccu.gate_diff.weight"}));
}

TEST(DnervTest, HostileStreamValuesAreRejected)
{
    VideoModel a = small_model();
    auto mutated = [&](const std::function<void(Metadata &)> &change) {
        Metadata meta;
        a->write_config(meta);
        change(meta);
        return error_code_of([&] { dnerv_arch_entry().load(meta, false); });
    };
    EXPECT_EQ(mutated([](Metadata &) {}), 0);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("dnerv.channels", {26, 21, 100000, 14}); }),
              NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("dnerv.channels", {26, 21, 17}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("dnerv.kernels", {1, 3, 4, 5}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("dnerv.diff_strides", {2, 4}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("dnerv.strides", {4, 2, 2, 2, 2, 2, 2, 2, 2}); }),
              NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("dnerv.ccu_stage", 4); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("dnerv.embed_height", 1000); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("dnerv.canvas_width", 64); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("dnerv.fc_dim", 1 << 20); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("dnerv.ccu_kernel", 2); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("dnerv.act", "bogus"); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("dnerv.diff_dim", "2"); }), NERV_ERROR_INVALIDDATA);
    // Widths that pass each bound but together exceed the parameter limit.
    EXPECT_EQ(mutated([](Metadata &m) {
                  m.set_int("dnerv.fc_dim", 4096);
                  m.set_ints("dnerv.channels", {4096, 4096, 4096, 4096});
                  m.set_ints("dnerv.kernels", {15, 15, 15, 15});
              }),
              NERV_ERROR_INVALIDDATA);
}

TEST(DnervTest, RecipeIsTheReferenceConfig)
{
    const TrainRecipe r = dnerv_arch_entry().recipe();
    EXPECT_EQ(r.epochs, 300);
    EXPECT_DOUBLE_EQ(r.lr, 5e-4);
    EXPECT_DOUBLE_EQ(r.beta1, 0.5);
    EXPECT_DOUBLE_EQ(r.beta2, 0.999);
    EXPECT_EQ(r.batch_size, 1);
    EXPECT_EQ(r.loss, LossKind::L2);
    EXPECT_DOUBLE_EQ(r.grad_clip, 0.1);
    EXPECT_DOUBLE_EQ(r.schedule.warmup_fraction, 0.2);
    EXPECT_FALSE(r.schedule.warmup_whole_epochs);
    EXPECT_DOUBLE_EQ(r.schedule.start_multiplier, 0.1);
    EXPECT_STREQ(dnerv_arch_entry().name, "dnerv");
}

struct ParamCase {
    const char *params;
    const char *size;
    bool valid;
    const char *mentions;
};

class DnervParamTest : public ::testing::TestWithParam<ParamCase> {};

TEST_P(DnervParamTest, ValidatesEachSetting)
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
    Settings, DnervParamTest,
    ::testing::Values(
        ParamCase{"", "", true, ""}, ParamCase{"", "500k", true, ""}, ParamCase{"", "1.5X", false, "size"},
        ParamCase{"", "1k", false, "size"}, ParamCase{"fc_dim=40", "1M", false, "fc_dim"},
        ParamCase{"fc_dim=40", "", true, ""}, ParamCase{"fc_dim=0", "", false, "fc_dim"},
        ParamCase{"fc_dim=3", "", false, "fc_dim"},  // widths 2, 1, 0: a stage would vanish
        ParamCase{"strides=4,3,2,2", "", true, ""}, ParamCase{"strides=4,17", "", false, "strides"},
        // 176x144 plans strides 3,2,2,2,2; with ccu_stage 2 the difference grid is the one
        // entering stage 2, so its strides must multiply to 2*2*2 = 8 (the reference: 4*3*2 =
        // 24 = the product of 5,4,[4,3,2] from stage 2 on, a 40x80 grid at 960x1920).
        ParamCase{"diff_strides=4,2", "", true, ""}, ParamCase{"diff_strides=3,2,2", "", false, "diff_strides"},
        ParamCase{"diff_strides=4,4", "", false, "diff_strides"},
        ParamCase{"ccu_stage=1", "", true, ""}, ParamCase{"ccu_stage=5", "", false, "ccu_stage"},
        ParamCase{"enc_dim=32", "", true, ""}, ParamCase{"enc_dim=0", "", false, "enc_dim"},
        ParamCase{"embed_dim=8", "", true, ""}, ParamCase{"embed_dim=300", "", false, "embed_dim"},
        ParamCase{"diff_dim=4", "", true, ""}, ParamCase{"diff_dim=0", "", false, "diff_dim"},
        ParamCase{"reduce=1.5", "", true, ""}, ParamCase{"reduce=0.5", "", false, "reduce"},
        ParamCase{"kernels=3,3,3,3,3", "", true, ""}, ParamCase{"kernels=1,3,5", "", false, "kernels"},
        ParamCase{"kernels=1,3,4,5,5", "", false, "kernels"}, ParamCase{"diff_kernel=5", "", true, ""},
        ParamCase{"diff_kernel=2", "", false, "diff_kernel"}, ParamCase{"ccu_kernel=1", "", true, ""},
        ParamCase{"ccu_kernel=4", "", false, "ccu_kernel"}, ParamCase{"act=relu", "", true, ""},
        ParamCase{"act=bogus", "", false, "act"}));

}  // namespace NERV_TEST_FILE
}  // namespace nerv

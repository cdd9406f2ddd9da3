#include "arch/hnerv.h"

#include <functional>

#include <gtest/gtest.h>

#include "arch_test_model.h"
#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

VideoModel create(int width, int height, int64_t frames, const std::string &size, const std::string &params = "")
{
    return nerv_test::create_arch_model(hnerv_arch_entry(), width, height, frames, size, params);
}

HnervImpl &as_hnerv(const VideoModel &m) { return dynamic_cast<HnervImpl &>(*m); }

/** 64x128 canvas, strides 4,4,2 (P = 32), 2x4 embedding of 4 channels. */
VideoModel small_model(const std::string &extra = "")
{
    return create(128, 64, 8, "",
                  "strides=4,4,2:fc_dim=16:enc_dim=8:embed_dim=4:lower_width=4" + (extra.empty() ? "" : ":" + extra));
}

void copy_parameters(VideoModelImpl &from, VideoModelImpl &to)
{
    torch::NoGradGuard no_grad;
    auto dst = to.named_parameters();
    for (const auto &p : from.named_parameters()) {
        if (dst.contains(p.key()))
            dst[p.key()].copy_(p.value());
    }
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

struct SolverCase {
    int width, height;
    int64_t frames;
    const char *size;
    int64_t fc_dim, decoder;  // decoder = transmitted parameters without the head
};

// models.md §3.2, instantiated from the reference.
TEST(HnervTest, SizeSolverMatchesTheReferenceTable)
{
    const SolverCase cases[] = {
        {1280, 640, 132, "0.35M", 32, 312503}, {1280, 640, 132, "0.75M", 48, 718740},
        {1280, 640, 132, "1.5M", 68, 1487517}, {1280, 640, 132, "3M", 97, 3011603},
        {1920, 960, 600, "2M", 74, 1934428},   {1920, 960, 600, "3M", 91, 2836490},
        {1920, 960, 600, "5M", 118, 4829945},  {1920, 960, 600, "10M", 168, 9909626},
    };
    for (const SolverCase &c : cases) {
        SCOPED_TRACE(std::string(c.size) + " at " + std::to_string(c.width));
        VideoModel m = create(c.width, c.height, c.frames, c.size);
        EXPECT_EQ(as_hnerv(m).config().fc_dim, c.fc_dim);
        const ParameterCounts n = count_parameters(*m);
        EXPECT_EQ(n.transmitted - n.head, c.decoder);
        int64_t rows = 0;
        for (const LayerInfo &row : m->layers())
            rows += row.parameters;
        EXPECT_EQ(rows, n.transmitted + n.encoder);
    }
}

TEST(HnervTest, BunnyReadmeModel)
{
    VideoModel m = create(1280, 640, 132, "");  // default size 1.5M
    const HnervConfig &c = as_hnerv(m).config();
    EXPECT_EQ(c.enc_strides, (std::vector<int64_t>{5, 4, 4, 2, 2}));
    EXPECT_EQ(c.dec_strides, c.enc_strides);
    EXPECT_EQ(c.fc_dim, 68);
    EXPECT_EQ(c.channels, (std::vector<int64_t>{57, 48, 40, 33, 28}));
    EXPECT_EQ(c.kernels, (std::vector<int64_t>{1, 3, 5, 5, 5}));
    const ParameterCounts n = count_parameters(*m);
    EXPECT_EQ(n.head, 759);
    EXPECT_EQ(n.transmitted, 1487517 + 759);
    EXPECT_EQ(n.encoder, 306160);
    const std::vector<FrameTensorSpec> specs = m->frame_tensors();
    ASSERT_EQ(specs.size(), 1u);
    EXPECT_EQ(specs[0].name, "embed");
    EXPECT_EQ(specs[0].shape, (std::vector<int64_t>{16, 2, 4}));
    // 132 embeddings of 16x2x4.
    int64_t embed_values = 132;
    for (int64_t d : specs[0].shape)
        embed_values *= d;
    EXPECT_EQ(embed_values, 16896);
    EXPECT_EQ(m->summary(),
              "fc_dim=68 channels=68,57,48,40,33,28 strides=5,4,4,2,2 kernels=1,3,5,5,5 embed=16x2x4 act=gelu "
              "canvas=1280x640");

    const struct {
        const char *name, *op, *output;
        int64_t params;
    } decoder[] = {
        {"decoder.0", "Conv1x1 16->68, GELU", "[B,68,2,4]", 1156},
        {"decoder.1", "Conv1x1 68->1425, PS5, GELU", "[B,57,10,20]", 98325},
        {"decoder.2", "Conv3x3 57->768, PS4, GELU", "[B,48,40,80]", 394752},
        {"decoder.3", "Conv5x5 48->640, PS4, GELU", "[B,40,160,320]", 768640},
        {"decoder.4", "Conv5x5 40->132, PS2, GELU", "[B,33,320,640]", 132132},
        {"decoder.5", "Conv5x5 33->112, PS2, GELU", "[B,28,640,1280]", 92512},
        {"head", "Conv3x3 28->3, tanh*0.5+0.5", "[B,3,640,1280]", 759},
    };
    const std::vector<LayerInfo> rows = m->layers();
    ASSERT_EQ(rows.size(), 12u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(rows[i].name, "encoder.stages." + std::to_string(i));
        EXPECT_FALSE(rows[i].transmitted);
    }
    EXPECT_EQ(rows[0].output, "[B,64,128,256]");
    EXPECT_EQ(rows[4].output, "[B,16,2,4]");
    EXPECT_EQ(rows[4].op, "LN_cf, Conv2x2/2 64->16, ConvNeXt(16)");
    for (int i = 0; i < 7; ++i) {
        const LayerInfo &row = rows[5 + i];
        EXPECT_EQ(row.name, decoder[i].name);
        EXPECT_EQ(row.op, decoder[i].op);
        EXPECT_EQ(row.output, decoder[i].output);
        EXPECT_EQ(row.parameters, decoder[i].params) << row.name;
        EXPECT_TRUE(row.transmitted);
    }
    // Row names are tensor-name prefixes holding exactly the row's parameters.
    for (const LayerInfo &row : rows) {
        int64_t under_prefix = 0;
        for (const auto &p : m->named_parameters()) {
            if (p.key().rfind(row.name + ".", 0) == 0)
                under_prefix += p.value().numel();
        }
        EXPECT_EQ(under_prefix, row.parameters) << row.name;
    }
}

// One no-grad pass at the real bunny size (about 1.5 s each for embed and render on one core).
TEST(HnervTest, BunnySizeForwardPass)
{
    torch::manual_seed(4);
    VideoModel m = create(1280, 640, 132, "1.5M");
    torch::NoGradGuard no_grad;
    FrameBatch batch;
    batch.frames = torch::rand({1, 3, 640, 1280});
    batch.inputs = m->embed(batch);
    EXPECT_EQ(batch.inputs["embed"].sizes(), torch::IntArrayRef({1, 16, 2, 4}));
    torch::Tensor out = m->render(batch);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({1, 3, 640, 1280}));
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
}

TEST(HnervTest, UvgCropUsesItsOwnStridesAndEncoder)
{
    VideoModel m = create(1920, 960, 600, "3M");
    const HnervConfig &c = as_hnerv(m).config();
    EXPECT_EQ(c.enc_strides, (std::vector<int64_t>{5, 4, 4, 3, 2}));
    EXPECT_EQ(c.channels, (std::vector<int64_t>{76, 63, 52, 43, 36}));
    EXPECT_EQ(count_parameters(*m).encoder, 326640);
    EXPECT_EQ(16 * c.embed_height * c.embed_width * 600, 76800);
}

TEST(HnervTest, WidthsUsePythonRounding)
{
    // SNeRV's 111 / 1.2 = 92.5 rounds to the even 92 (std::round would give 93).
    EXPECT_EQ(hnerv_stage_channels(111, 5, 1.2, 12), (std::vector<int64_t>{92, 77, 64, 53, 44}));
    EXPECT_EQ(hnerv_stage_channels(57, 1, 1.2, 12), (std::vector<int64_t>{48}));  // 47.5 -> 48
    EXPECT_EQ(hnerv_stage_channels(20, 3, 1.2, 12), (std::vector<int64_t>{17, 14, 12}));
    EXPECT_EQ(as_hnerv(create(1280, 640, 132, "", "fc_dim=111")).config().channels,
              (std::vector<int64_t>{92, 77, 64, 53, 44}));
}

TEST(HnervTest, EmbedAndRenderShapes)
{
    torch::manual_seed(0);
    VideoModel m = small_model();
    EXPECT_EQ(m->canvas_width(), 128);
    EXPECT_EQ(m->canvas_height(), 64);
    torch::NoGradGuard no_grad;
    FrameBatch batch;
    batch.frames = torch::rand({2, 3, 64, 128});
    batch.index = torch::tensor({0.0f, 1.0f});
    batch.frame_count = 8;
    auto embedded = m->embed(batch);
    ASSERT_EQ(embedded.count("embed"), 1u);
    EXPECT_EQ(embedded["embed"].sizes(), torch::IntArrayRef({2, 4, 2, 4}));
    batch.inputs = embedded;
    torch::Tensor out = m->render(batch);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({2, 3, 64, 128}));
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
    EXPECT_FALSE(torch::allclose(out[0], out[1]));
    // The frames must be the canvas-padded ones, and render needs the embedding.
    batch.frames = torch::rand({1, 3, 60, 128});
    EXPECT_EQ(error_code_of([&] { m->embed(batch); }), -EINVAL);
    batch.inputs.clear();
    EXPECT_EQ(error_code_of([&] { m->render(batch); }), -EINVAL);
}

TEST(HnervTest, LargerEncoderStrideUnfoldsTheEmbedding)
{
    // Encoder 4,4,2 (32) and decoder 4,2,2 (16): each embedding cell becomes 2x2 decoder cells.
    torch::manual_seed(2);
    VideoModel m = small_model("enc_strides=4,4,2:dec_strides=4,2,2");
    const HnervConfig &c = as_hnerv(m).config();
    EXPECT_EQ(c.fc_hw(), 2);
    EXPECT_EQ(m->named_parameters()["decoder.0.conv.weight"].size(0), 16 * 4);
    torch::NoGradGuard no_grad;
    FrameBatch batch;
    batch.inputs["embed"] = torch::randn({1, 4, 2, 4});
    EXPECT_EQ(m->render(batch).sizes(), torch::IntArrayRef({1, 3, 64, 128}));
    // The unfold sends channel group i*2+j of embedding cell (h, w) to decoder cell
    // (2h+i, 2w+j) (the reference's view/permute, i.e. a pixel shuffle). Embedding cell
    // (0,0) therefore only reaches the top-left 2x2 decoder cells = 32x32 pixels plus the
    // 3x3, 5x5 and head halos (4 + 4 + 1 output pixels); a wrong permutation spreads it further.
    FrameBatch zero;
    zero.inputs["embed"] = torch::zeros({1, 4, 2, 4});
    FrameBatch one_cell;
    one_cell.inputs["embed"] = torch::zeros({1, 4, 2, 4});
    one_cell.inputs["embed"].index_put_({0, torch::indexing::Slice(), 0, 0}, torch::ones({4}));
    // Output pixels [64,128] that changed.
    torch::Tensor changed = (m->render(one_cell) - m->render(zero)).abs().sum(torch::IntArrayRef{0, 1}) > 0;
    torch::Tensor rows = changed.any(1).nonzero(), cols = changed.any(0).nonzero();
    ASSERT_GT(rows.numel(), 0);
    EXPECT_EQ(rows.min().item<int64_t>(), 0);
    EXPECT_LE(rows.max().item<int64_t>(), 32 + 8);
    EXPECT_EQ(cols.min().item<int64_t>(), 0);
    EXPECT_LE(cols.max().item<int64_t>(), 32 + 8);
    EXPECT_GE(rows.max().item<int64_t>(), 31);  // both unfolded rows are used
    EXPECT_GE(cols.max().item<int64_t>(), 31);
    EXPECT_EQ(error_code_of([] { small_model("enc_strides=4,4,2:dec_strides=4,4,4"); }), -EINVAL);
}

TEST(HnervTest, ConfigRoundTripWithAndWithoutEncoder)
{
    torch::manual_seed(3);
    VideoModel a = small_model();
    Metadata meta;
    a->write_config(meta);

    VideoModel decoder_only = hnerv_arch_entry().load(meta, false);
    EXPECT_FALSE(as_hnerv(decoder_only).has_encoder());
    std::vector<std::pair<std::string, std::vector<int64_t>>> sent, rebuilt;
    for (const auto &p : a->named_parameters()) {
        if (a->is_transmitted(p.key()))
            sent.push_back({p.key(), p.value().sizes().vec()});
    }
    for (const auto &p : decoder_only->named_parameters())
        rebuilt.push_back({p.key(), p.value().sizes().vec()});
    EXPECT_EQ(sent, rebuilt);
    EXPECT_EQ(count_parameters(*decoder_only).encoder, 0);
    EXPECT_EQ(decoder_only->frame_tensors()[0].shape, a->frame_tensors()[0].shape);
    for (const LayerInfo &row : decoder_only->layers())
        EXPECT_TRUE(row.transmitted);

    copy_parameters(*a, *decoder_only);
    torch::NoGradGuard no_grad;
    FrameBatch batch;
    batch.frames = torch::rand({2, 3, 64, 128});
    batch.inputs = a->embed(batch);
    EXPECT_TRUE(torch::equal(a->render(batch), decoder_only->render(batch)));
    EXPECT_EQ(error_code_of([&] { decoder_only->embed(batch); }), -EINVAL);

    VideoModel full = hnerv_arch_entry().load(meta, true);
    auto pa = a->named_parameters(), pf = full->named_parameters();
    ASSERT_EQ(pa.size(), pf.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        EXPECT_EQ(pa[i].key(), pf[i].key());
        EXPECT_EQ(pa[i].value().sizes(), pf[i].value().sizes());
    }
    copy_parameters(*a, *full);
    EXPECT_TRUE(torch::equal(a->embed(batch)["embed"], full->embed(batch)["embed"]));
}

TEST(HnervTest, EncoderIsNotTransmittedNorPrunable)
{
    VideoModel m = small_model();
    const auto prunable = m->prunable_parameters();
    EXPECT_EQ(prunable, (std::vector<std::string>{"decoder.0.conv.weight", "decoder.1.conv.weight",
                                                  "decoder.2.conv.weight", "decoder.3.conv.weight"}));
    for (const auto &p : m->named_parameters()) {
        const bool encoder = p.key().rfind("encoder.", 0) == 0;
        EXPECT_EQ(m->is_transmitted(p.key()), !encoder) << p.key();
    }
    for (const auto &n : prunable)
        EXPECT_TRUE(m->named_parameters().contains(n));
}

TEST(HnervTest, HostileStreamValuesAreRejected)
{
    VideoModel a = small_model();
    auto mutated = [&](const std::function<void(Metadata &)> &change) {
        Metadata meta;
        a->write_config(meta);
        change(meta);
        return error_code_of([&] { hnerv_arch_entry().load(meta, true); });
    };
    EXPECT_EQ(mutated([](Metadata &) {}), 0);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("hnerv.channels", {8, 4, 100000}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("hnerv.kernels", {1, 4, 5}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("hnerv.enc_dims", {8, 8}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("hnerv.dec_strides", {4, 4, 4}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("hnerv.embed_height", 1000); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("hnerv.canvas_height", 32); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("hnerv.enc_dims", {8, 8, 1000}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("hnerv.act", "bogus"); }), NERV_ERROR_INVALIDDATA);
}

TEST(HnervTest, RecipeIsTheReadmeBunnyCommand)
{
    const TrainRecipe r = hnerv_arch_entry().recipe();
    EXPECT_EQ(r.epochs, 300);
    EXPECT_DOUBLE_EQ(r.lr, 1e-3);
    EXPECT_DOUBLE_EQ(r.beta1, 0.9);
    EXPECT_DOUBLE_EQ(r.beta2, 0.999);
    EXPECT_EQ(r.batch_size, 2);
    EXPECT_EQ(r.loss, LossKind::L2);
    EXPECT_DOUBLE_EQ(r.grad_clip, 0.0);
    EXPECT_DOUBLE_EQ(r.schedule.warmup_fraction, 0.1);
    EXPECT_FALSE(r.schedule.warmup_whole_epochs);
    EXPECT_STREQ(hnerv_arch_entry().name, "hnerv");
}

TEST(HnervTest, SeedControlsTheEncoderInitialisation)
{
    torch::manual_seed(11);
    VideoModel a = small_model();
    torch::manual_seed(11);
    VideoModel b = small_model();
    auto pb = b->named_parameters();
    for (const auto &p : a->named_parameters())
        EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

struct ParamCase {
    const char *params;
    const char *size;
    int64_t frames;
    bool valid;
    const char *mentions;
};

class HnervParamTest : public ::testing::TestWithParam<ParamCase> {};

TEST_P(HnervParamTest, ValidatesEachSetting)
{
    const ParamCase &c = GetParam();
    if (c.valid) {
        EXPECT_NO_THROW(create(176, 144, c.frames, c.size, c.params));
        return;
    }
    try {
        create(176, 144, c.frames, c.size, c.params);
        FAIL() << "accepted " << c.params << " size " << c.size;
    } catch (const Error &e) {
        EXPECT_EQ(e.code(), -EINVAL);
        EXPECT_NE(std::string(e.what()).find(c.mentions), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Settings, HnervParamTest,
    ::testing::Values(
        ParamCase{"", "", 10, true, ""}, ParamCase{"", "300k", 10, true, ""}, ParamCase{"", "1.5X", 10, false, "size"},
        ParamCase{"", "1k", 10, false, "size"}, ParamCase{"", "1.5M", 0, false, "frame"},
        ParamCase{"fc_dim=20", "", 0, true, ""}, ParamCase{"fc_dim=0", "", 10, false, "fc_dim"},
        ParamCase{"strides=4,4,3", "", 10, true, ""}, ParamCase{"strides=4,17", "", 10, false, "strides"},
        ParamCase{"enc_strides=4,4,2:dec_strides=4,2,2", "", 10, true, ""},
        ParamCase{"enc_strides=4,4,2:dec_strides=4,4,3", "", 10, false, "dec_strides"},
        ParamCase{"embed_dim=8", "", 10, true, ""}, ParamCase{"embed_dim=0", "", 10, false, "embed_dim"},
        ParamCase{"enc_dim=32", "", 10, true, ""}, ParamCase{"enc_dim=-1", "", 10, false, "enc_dim"},
        ParamCase{"ks=0_3_3", "", 10, true, ""}, ParamCase{"ks=0_2_5", "", 10, false, "ks"},
        ParamCase{"ks=0_5_3", "", 10, false, "ks"}, ParamCase{"ks=1_5", "", 10, false, "ks"},
        ParamCase{"reduce=2", "", 10, true, ""}, ParamCase{"reduce=0", "", 10, false, "reduce"},
        ParamCase{"lower_width=0", "", 10, false, "lower_width"}, ParamCase{"act=swish", "", 10, true, ""},
        ParamCase{"act=bogus", "", 10, false, "act"}));

}  // namespace NERV_TEST_FILE
}  // namespace nerv

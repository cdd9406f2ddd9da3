#include "arch/snerv_t.h"

#include <cstdio>
#include <functional>

#include <gtest/gtest.h>

#include "arch/layers/haar_dwt.h"
#include "arch_test_model.h"
#include "codec/model_weights.h"
#include "core/error.h"
#include "snerv_test_clip.h"
#include "train/loss.h"
#include "train/trainer.h"

namespace nerv {
namespace NERV_TEST_FILE {

VideoModel create(int width, int height, int64_t frames, const std::string &size, const std::string &params = "")
{
    return nerv_test::create_arch_model(snerv_t_arch_entry(), width, height, frames, size, params);
}

SnervTImpl &as_snerv_t(const VideoModel &m) { return dynamic_cast<SnervTImpl &>(*m); }

/** Frame canvas 64x128 (LL 32x64), strides 2,2,2,2: one 2-D stage, then three temporal ones on a
 *  4x8 grid fed by 3x2x4 temporal embeddings up-sampled once. */
VideoModel small_model(const std::string &extra = "")
{
    return create(128, 64, 8, "",
                  "strides=2,2,2,2:fc_dim=12:enc_dim=8:embed_dim=4:lower_width=4:num_blocks=1" +
                      (extra.empty() ? "" : ":" + extra));
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

int64_t per_frame_values(const VideoModelImpl &m)
{
    int64_t n = 0;
    for (const FrameTensorSpec &s : m.frame_tensors()) {
        int64_t v = 1;
        for (int64_t d : s.shape)
            v *= d;
        n += v;
    }
    return n;
}

int64_t decoder_parameters(const VideoModelImpl &m)
{
    SnervTImpl &model = const_cast<SnervTImpl &>(dynamic_cast<const SnervTImpl &>(m));
    const ParameterCounts n = count_parameters(model);
    return n.transmitted - n.head;
}

/** An encoder-side batch for frame `index` of `clip` (float [N,3,H,W]), neighbours through frames_at. */
FrameBatch batch_for(const torch::Tensor &clip, int64_t index)
{
    FrameBatch b;
    b.frames = clip.slice(0, index, index + 1);
    b.index = torch::tensor({static_cast<float>(index)});
    b.frame_count = clip.size(0);
    b.frames_at = [clip](const torch::Tensor &i) { return clip.index_select(0, i); };
    return b;
}

// models.md §6.3: train_snerv_t.py --fc_dim 103 --emb_size 20 at 640x1280, 132 frames.
TEST(SnervTTest, BunnyPresetMatchesTheReferenceTable)
{
    VideoModel m = create(1280, 640, 132, "3M");
    const SnervTConfig &c = as_snerv_t(m).config();
    EXPECT_EQ(c.strides, (std::vector<int64_t>{5, 4, 2, 2, 2}));
    EXPECT_EQ(c.fc_dim, 103);
    EXPECT_EQ(c.channels, (std::vector<int64_t>{86, 72, 60, 50, 42}));
    EXPECT_EQ(c.num_blocks, 6);
    EXPECT_EQ(c.temporal_up, (std::vector<int64_t>{2}));
    EXPECT_EQ(c.temporal_strides, (std::vector<int64_t>{2, 2, 2, 2}));  // enc2_strds for emb_size 20
    EXPECT_EQ(c.temporal_dims, (std::vector<int64_t>{64, 64, 64, 3}));
    EXPECT_EQ(c.temporal, TemporalConv::Conv3d);
    const std::vector<FrameTensorSpec> specs = m->frame_tensors();
    ASSERT_EQ(specs.size(), 4u);
    EXPECT_EQ(specs[0].name, "embed");
    EXPECT_EQ(specs[0].shape, (std::vector<int64_t>{16, 2, 4}));
    EXPECT_EQ(specs[1].name, "norm");
    EXPECT_EQ(specs[2].name, "ebw");
    EXPECT_EQ(specs[2].shape, (std::vector<int64_t>{3, 20, 40}));
    EXPECT_EQ(specs[3].name, "efw");
    EXPECT_EQ(specs[3].shape, (std::vector<int64_t>{3, 20, 40}));

    // Per module; the sums are the reference's instantiated counts.
    std::map<std::string, int64_t> rows;
    for (const LayerInfo &row : m->layers())
        rows[row.name] = row.parameters;
    const std::pair<const char *, int64_t> expected[] = {
        {"decoder.0", 1751},      {"decoder.1", 488050},   {"decoder.2", 285984},   {"temporal_input", 21096},
        {"decoder.3", 441000},    {"decoder.4", 306300},   {"decoder.5", 215964},   {"mfu.0.up", 14460},
        {"mfu.0.fuse", 320150},   {"mfu.1.up", 10050},     {"mfu.1.fuse", 225834},  {"hfr.lh", 2943},
        {"hfr.hl", 2943},         {"hfr.hh", 2943},        {"head", 1137},
    };
    for (const auto &e : expected)
        EXPECT_EQ(rows[e.first], e.second) << e.first;
    const ParameterCounts n = count_parameters(*m);
    EXPECT_EQ(n.head, 1137);
    EXPECT_EQ(n.transmitted - n.head, 2339468);
    EXPECT_EQ(per_frame_values(*m) * 132, 650760);  // 16*8*132 + 2*132 + 2*3*20*40*132
    EXPECT_EQ(n.transmitted - n.head + per_frame_values(*m) * 132, 2990228);  // "2.990M"
    // The frame encoder as SNeRV-B's; each temporal encoder (strides 2,2,2,2, dims 64,64,64,3) 144,697.
    EXPECT_EQ(n.encoder, 257008 + 2 * 144697);

    int64_t total = 0;
    for (const LayerInfo &row : m->layers()) {
        int64_t under_prefix = 0;
        for (const auto &p : m->named_parameters()) {
            if (p.key().rfind(row.name + ".", 0) == 0)
                under_prefix += p.value().numel();
        }
        EXPECT_EQ(under_prefix, row.parameters) << row.name;
        total += row.parameters;
    }
    EXPECT_EQ(total, n.transmitted + n.encoder);
    EXPECT_EQ(m->summary(), "fc_dim=103 channels=103,86,72,60,50,42 strides=5,4,2,2,2 num_blocks=6 temporal=conv3d "
                            "expansion=2 temporal_up=2 embed=16x2x4+norm2+2x3x20x40 act=gelu canvas=1280x640");
}

// The paper's cheaper variant (supplementary C.2, model/snerv_t.py SNeRV_T_2D): time folded into
// channels. Same MACs per pixel as the 3-D TUBs but full 3C x 3eC kernels instead of 3x3x3 ones
// shared over time, so more parameters: 3,848,408 (+1,137 head) for the 3M widths.
TEST(SnervTTest, Conv2dVariantParameterCount)
{
    VideoModel m = create(1280, 640, 132, "3M", "temporal=conv2d");
    EXPECT_EQ(decoder_parameters(*m), 3848408);
    std::map<std::string, int64_t> rows;
    for (const LayerInfo &row : m->layers())
        rows[row.name] = row.parameters;
    EXPECT_EQ(rows["decoder.3"], 1218960);  // 3 ConvT 72->60, Conv3x3 180->360, 360->180
    EXPECT_EQ(rows["decoder.4"], 846600);
    EXPECT_EQ(rows["decoder.5"], 406644);   // the last maps 252 -> 42
    EXPECT_EQ(count_parameters(*m).head, 1137);

    torch::manual_seed(2);
    VideoModel small = small_model("temporal=conv2d");
    torch::NoGradGuard no_grad;
    FrameBatch b = batch_for(torch::rand({3, 3, 64, 128}), 1);
    b.inputs = small->embed(b);
    EXPECT_EQ(small->render(b).sizes(), torch::IntArrayRef({1, 3, 64, 128}));
}

// Supplementary Table 4, Ours(T): C0, N_RB and the temporal embedding per size. Decoder counts
// are the reference code's for those settings (re-derived from model/snerv_t.py independently of
// this code); the table's figures agree for 1.5M (1.39M / 1.57M) and 3M (2.34M / 2.99M).
TEST(SnervTTest, SizePresetsFollowThePaper)
{
    const struct {
        const char *size;
        int64_t fc_dim, num_blocks;
        std::vector<int64_t> temporal_up, temporal_strides, temporal_shape;
        int64_t decoder;
    } presets[] = {
        {"0.35M", 39, 2, {2, 2, 2}, {4, 2, 2, 2, 2}, {3, 5, 10}, 281062},
        {"0.75M", 61, 3, {2, 2, 2}, {4, 2, 2, 2, 2}, {3, 5, 10}, 733216},
        {"1.5M", 82, 4, {2, 2}, {4, 2, 2, 2}, {3, 10, 20}, 1394132},
        {"3M", 103, 6, {2}, {2, 2, 2, 2}, {3, 20, 40}, 2339468},
    };
    for (const auto &p : presets) {
        SCOPED_TRACE(p.size);
        VideoModel m = create(1280, 640, 132, p.size);
        const SnervTConfig &c = as_snerv_t(m).config();
        EXPECT_EQ(c.fc_dim, p.fc_dim);
        EXPECT_EQ(c.num_blocks, p.num_blocks);
        EXPECT_EQ(c.temporal_up, p.temporal_up);
        EXPECT_EQ(c.temporal_strides, p.temporal_strides);  // Table 2b's DB strides at 640x1280
        EXPECT_EQ(m->frame_tensors()[2].shape, p.temporal_shape);
        EXPECT_EQ(decoder_parameters(*m), p.decoder);
    }
    EXPECT_EQ(as_snerv_t(create(1280, 640, 132, "")).config().fc_dim, 103);  // default size 3M
    // A budget: the nearest preset's N_RB and temporal embedding, the largest C0 that fits.
    VideoModel m = create(1280, 640, 132, "2M");
    const SnervTConfig &c = as_snerv_t(m).config();
    EXPECT_EQ(c.num_blocks, 4);
    EXPECT_EQ(c.temporal_up, (std::vector<int64_t>{2, 2}));
    const int64_t values = per_frame_values(*m) * 132;
    EXPECT_LE(count_parameters(*m).transmitted + values, 2000000);
    VideoModel wider = create(1280, 640, 132, "",
                              "num_blocks=4:temporal_up=2,2:fc_dim=" + std::to_string(c.fc_dim + 1));
    EXPECT_GT(count_parameters(*wider).transmitted + values, 2000000);
}

TEST(SnervTTest, NeighboursMirrorAtTheSegmentEnds)
{
    EXPECT_EQ(SnervTImpl::neighbours(0, 10), (std::pair<int64_t, int64_t>(1, 1)));
    EXPECT_EQ(SnervTImpl::neighbours(4, 10), (std::pair<int64_t, int64_t>(3, 5)));
    EXPECT_EQ(SnervTImpl::neighbours(9, 10), (std::pair<int64_t, int64_t>(8, 8)));
    EXPECT_EQ(SnervTImpl::neighbours(0, 2), (std::pair<int64_t, int64_t>(1, 1)));
    EXPECT_EQ(SnervTImpl::neighbours(0, 1), (std::pair<int64_t, int64_t>(0, 0)));
}

TEST(SnervTTest, EmbedReadsTheNeighboursAndRenders)
{
    torch::manual_seed(0);
    VideoModel m = small_model();
    EXPECT_EQ(m->canvas_width(), 128);
    EXPECT_EQ(m->canvas_height(), 64);
    const SnervTConfig &c = as_snerv_t(m).config();
    EXPECT_EQ(c.temporal_up, (std::vector<int64_t>{2}));
    EXPECT_EQ(c.temporal_strides, (std::vector<int64_t>{2, 2, 2, 2}));
    torch::NoGradGuard no_grad;
    torch::Tensor clip = torch::rand({4, 3, 64, 128});
    clip[3].mul_(0.2);  // a darker neighbour widens the joint range
    FrameBatch b = batch_for(clip, 2);
    auto e = m->embed(b);
    EXPECT_EQ(e.at("embed").sizes(), torch::IntArrayRef({1, 4, 2, 4}));
    EXPECT_EQ(e.at("ebw").sizes(), torch::IntArrayRef({1, 3, 2, 4}));
    EXPECT_EQ(e.at("efw").sizes(), torch::IntArrayRef({1, 3, 2, 4}));
    // The norm pair is the joint (min, max) of the three frames' LL bands.
    const torch::Tensor ll = haar_dwt2d(clip.slice(0, 1, 4)).ll;
    EXPECT_EQ(e.at("norm")[0][0].item<float>(), ll.min().item<float>());
    EXPECT_EQ(e.at("norm")[0][1].item<float>(), ll.max().item<float>());
    // Frame 0 is no neighbour of frame 2: changing it changes nothing.
    torch::Tensor other = clip.clone();
    other[0] = torch::rand({3, 64, 128});
    auto same = m->embed(batch_for(other, 2));
    for (const auto &kv : e)
        EXPECT_TRUE(torch::equal(same.at(kv.first), kv.second)) << kv.first;
    // A next frame (3) inside the joint range of frames 1 and 2 (a blend of them, the LL being
    // linear) leaves the range alone: changing it changes efw but not ebw.
    torch::Tensor blend = clip.clone();
    blend[3] = 0.3 * clip[1] + 0.7 * clip[2];
    const auto e_blend = m->embed(batch_for(blend, 2));
    blend[3] = 0.8 * clip[1] + 0.2 * clip[2];
    const auto e_blend2 = m->embed(batch_for(blend, 2));
    EXPECT_TRUE(torch::allclose(e_blend2.at("ebw"), e_blend.at("ebw"), 1e-4, 1e-5));
    EXPECT_FALSE(torch::allclose(e_blend2.at("efw"), e_blend.at("efw"), 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(e_blend2.at("embed"), e_blend.at("embed"), 1e-4, 1e-5));
    // At the end, the next frame mirrors to the previous one: the range spans frames 2 and 3 only.
    auto last = m->embed(batch_for(clip, 3));
    const torch::Tensor ll_end = haar_dwt2d(clip.slice(0, 2, 4)).ll;
    EXPECT_EQ(last.at("norm")[0][0].item<float>(), ll_end.min().item<float>());

    b.inputs = e;
    torch::Tensor out = m->render(b);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({1, 3, 64, 128}));
    EXPECT_GE(out.min().item<float>(), 0.0f);
    EXPECT_LE(out.max().item<float>(), 1.0f);
    // render depends on the temporal embeddings.
    b.inputs["ebw"] = torch::zeros_like(e.at("ebw"));
    EXPECT_FALSE(torch::equal(m->render(b), out));

    // A batch of two frames renders each as alone.
    FrameBatch two;
    for (const auto &kv : e)
        two.inputs[kv.first] = torch::cat({kv.second, e_blend.at(kv.first)});
    EXPECT_TRUE(torch::allclose(m->render(two)[0], out[0], 1e-5, 1e-6));

    FrameBatch no_neighbours;
    no_neighbours.frames = b.frames;
    EXPECT_EQ(error_code_of([&] { m->embed(no_neighbours); }), -EINVAL);
    b.inputs.erase("efw");
    EXPECT_EQ(error_code_of([&] { m->render(b); }), -EINVAL);
    b.inputs["efw"] = torch::rand({1, 3, 4, 4});
    EXPECT_EQ(error_code_of([&] { m->render(b); }), -EINVAL);
}

/** A small SNeRV-T trained once on 4 real frames (carphone, top-left 96x64): strides 2,2,2,2 on
 *  the 32x48 LL band, one 2-D stage and three temporal ones. */
struct TrainedSnervT {
    VideoModel model;
    torch::Tensor frames;
    TrainResult result;
};

constexpr int kClipWidth = 96, kClipHeight = 64, kClipFrames = 4;

const TrainedSnervT &trained_snerv_t()
{
    static const TrainedSnervT trained = [] {
        TrainedSnervT t;
        torch::manual_seed(7);
        t.model = create(kClipWidth, kClipHeight, kClipFrames, "",
                         "strides=2,2,2,2:fc_dim=24:num_blocks=1:enc_dim=16:lower_width=8");
        t.frames = nerv_test::carphone_clip(0, kClipFrames, kClipWidth, kClipHeight, t.model->canvas_width(),
                                            t.model->canvas_height());
        if (!t.frames.defined())
            return t;
        TrainOptions opts;
        opts.recipe = snerv_t_recipe();
        opts.recipe.epochs = 60;
        opts.recipe.lr = 3e-3;
        opts.coded_height = kClipHeight;
        opts.coded_width = kClipWidth;
        t.result = train_model(*t.model, t.frames, opts);
        return t;
    }();
    return trained;
}

// Fusion6 training (the recipe's loss, clipping and 20 % warm-up; 60 epochs at lr 3e-3) through
// the library's trainer, the neighbours coming from frame_batch's frames_at. Measured:
// 28.40-28.41 dB over runs (band -1.4/+1.6 dB); 24 s of CPU, about 12 s on 2 idle cores (63 s
// wall when the machine was loaded 4x).
TEST(SnervTTest, TrainsOnRealVideoToAPsnrBand)
{
    const TrainedSnervT &t = trained_snerv_t();
    if (!t.frames.defined())
        GTEST_FAIL() << "cannot read the carphone fixture";
    EXPECT_EQ(t.model->canvas_width(), kClipWidth);
    EXPECT_EQ(t.model->canvas_height(), kClipHeight);
    EXPECT_GE(t.result.psnr, 27.0);
    EXPECT_LE(t.result.psnr, 30.0) << "better than the band: update the band";
    std::printf("[snerv-t] %.2f dB\n", t.result.psnr);
}

// The decoder's path (stored config -> load without encoders -> float32 weights -> eval render at
// batch 1 from the four per-frame tensors only) reproduces the encoder's render bit for bit,
// including the first and last frames, whose neighbours mirror.
TEST(SnervTTest, DecodeEqualsTrainingForwardBitForBit)
{
    const TrainedSnervT &t = trained_snerv_t();
    if (!t.frames.defined())
        GTEST_FAIL() << "cannot read the carphone fixture";
    VideoModel model = t.model;
    model->eval();
    Metadata meta;
    model->write_config(meta);
    const std::vector<TensorEntry> entries = encode_model_weights(*model, /*qbits=*/0, false);
    VideoModel decoder = snerv_t_arch_entry().load(meta, false);
    load_model_weights(*decoder, entries);
    decoder->eval();
    for (int64_t i : {int64_t(0), int64_t(2), t.frames.size(0) - 1}) {
        const torch::Tensor idx = torch::tensor({i});
        torch::Tensor expected;
        std::map<std::string, torch::Tensor> stored;
        {
            torch::NoGradGuard no_grad;
            FrameBatch b = frame_batch(t.frames, idx);
            b.inputs = model->embed(b);
            expected = model->render(b);
            for (const auto &kv : b.inputs)
                stored[kv.first] = kv.second.clone();
        }
        c10::InferenceMode inference;
        FrameBatch d;
        d.index = idx.to(torch::kFloat32);
        d.frame_count = t.frames.size(0);
        d.inputs = stored;
        EXPECT_TRUE(torch::equal(decoder->render(d), expected)) << "frame " << i;
    }
}

TEST(SnervTTest, ConfigRoundTripWithAndWithoutEncoders)
{
    for (const std::string extra : {"", "temporal=conv2d:expansion=3:act=relu", "temporal_up=1"}) {
        SCOPED_TRACE(extra);
        torch::manual_seed(3);
        VideoModel a = small_model(extra);
        Metadata meta;
        a->write_config(meta);
        VideoModel decoder_only = snerv_t_arch_entry().load(meta, false);
        EXPECT_FALSE(as_snerv_t(decoder_only).has_encoder());
        std::vector<std::pair<std::string, std::vector<int64_t>>> sent, rebuilt;
        for (const auto &p : a->named_parameters()) {
            if (a->is_transmitted(p.key()))
                sent.push_back({p.key(), p.value().sizes().vec()});
        }
        for (const auto &p : decoder_only->named_parameters())
            rebuilt.push_back({p.key(), p.value().sizes().vec()});
        EXPECT_EQ(sent, rebuilt);
        EXPECT_EQ(count_parameters(*decoder_only).encoder, 0);
        EXPECT_EQ(decoder_only->summary(), a->summary());
        for (const LayerInfo &row : decoder_only->layers())
            EXPECT_TRUE(row.transmitted);
        VideoModel full = snerv_t_arch_entry().load(meta, true);
        auto pa = a->named_parameters(), pf = full->named_parameters();
        ASSERT_EQ(pa.size(), pf.size());
        for (size_t i = 0; i < pa.size(); ++i) {
            EXPECT_EQ(pa[i].key(), pf[i].key());
            EXPECT_EQ(pa[i].value().sizes(), pf[i].value().sizes());
        }
    }
    // No temporal up-sampling: the temporal embedding sits on the first temporal stage's grid.
    VideoModel flat = small_model("temporal_up=1");
    EXPECT_TRUE(as_snerv_t(flat).config().temporal_up.empty());
    EXPECT_EQ(flat->frame_tensors()[2].shape, (std::vector<int64_t>{3, 4, 8}));
    EXPECT_EQ(as_snerv_t(flat).config().temporal_strides, (std::vector<int64_t>{2, 2, 2}));
}

TEST(SnervTTest, EncodersAreNotTransmittedNorTheHeadPrunable)
{
    VideoModel m = small_model();
    int encoders = 0;
    for (const auto &p : m->named_parameters()) {
        const bool encoder = p.key().rfind("encoder", 0) == 0;
        encoders += encoder;
        EXPECT_EQ(m->is_transmitted(p.key()), !encoder) << p.key();
    }
    EXPECT_GT(encoders, 0);
    for (const auto &n : m->prunable_parameters()) {
        EXPECT_TRUE(m->named_parameters().contains(n)) << n;
        EXPECT_NE(n.rfind(".weight"), std::string::npos) << n;
        EXPECT_NE(n.rfind("head.", 0), 0u) << n;
        EXPECT_NE(n.rfind("encoder", 0), 0u) << n;
    }
    const auto prunable = m->prunable_parameters();
    EXPECT_NE(std::find(prunable.begin(), prunable.end(), "decoder.4.conv2.weight"), prunable.end());
}

TEST(SnervTTest, HostileStreamValuesAreRejected)
{
    VideoModel a = small_model();
    auto mutated = [&](const std::function<void(Metadata &)> &change) {
        Metadata meta;
        a->write_config(meta);
        change(meta);
        return error_code_of([&] { snerv_t_arch_entry().load(meta, true); });
    };
    EXPECT_EQ(mutated([](Metadata &) {}), 0);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.channels", {8, 4, 4, 100000}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.strides", {2, 2}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.temporal_up", {4}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.temporal_up", {1}); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.temporal_strides", {2, 2, 2}); }),
              NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_ints("snerv-t.temporal_dims", {8, 8, 8, 1000}); }),
              NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("snerv-t.temporal", "conv4d"); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("snerv-t.expansion", 1000); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("snerv-t.embed_width", 100000); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("snerv-t.canvas_width", 64); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_int("snerv-t.num_blocks", -1); }), NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(mutated([](Metadata &m) { m.set_string("snerv-t.act", "bogus"); }), NERV_ERROR_INVALIDDATA);
}

TEST(SnervTTest, RecipeWarmsUpForAFifthOfTheEpochs)
{
    const TrainRecipe r = snerv_t_arch_entry().recipe();
    EXPECT_EQ(r.epochs, 300);
    EXPECT_DOUBLE_EQ(r.lr, 1e-3);
    EXPECT_DOUBLE_EQ(r.beta1, 0.9);
    EXPECT_DOUBLE_EQ(r.beta2, 0.999);
    EXPECT_EQ(r.batch_size, 1);
    EXPECT_EQ(r.loss, LossKind::Fusion6);
    EXPECT_DOUBLE_EQ(r.grad_clip, 1.0);
    EXPECT_DOUBLE_EQ(r.schedule.warmup_fraction, 0.2);  // cosine_0.2_1_0.1
    EXPECT_FALSE(r.schedule.warmup_whole_epochs);
    EXPECT_DOUBLE_EQ(r.schedule.start_multiplier, 0.1);
    EXPECT_STREQ(snerv_t_arch_entry().name, "snerv-t");
}

struct ParamCase {
    const char *params;
    const char *size;
    int64_t frames;
    bool valid;
    const char *mentions;
};

class SnervTParamTest : public ::testing::TestWithParam<ParamCase> {};

TEST_P(SnervTParamTest, ValidatesEachSetting)
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

// At 176x144 the LL band is 88x72: planned strides 2,2,2,2,2 on a 3x3 grid; with strides=4,2,2,2
// the first temporal stage's input grid is 12x12 (so temporal_up 2 or 3 divides it, 5 does not)
// and the temporal encoders need a product of temporal_up x 8.
INSTANTIATE_TEST_SUITE_P(
    Settings, SnervTParamTest,
    ::testing::Values(
        ParamCase{"", "", 10, true, ""}, ParamCase{"", "0.35M", 0, true, ""}, ParamCase{"", "500k", 10, true, ""},
        ParamCase{"", "huge", 10, false, "size"}, ParamCase{"", "1M", 0, false, "frame"},
        ParamCase{"temporal=conv2d", "", 10, true, ""}, ParamCase{"temporal=conv1d", "", 10, false, "temporal"},
        ParamCase{"expansion=1", "", 10, true, ""}, ParamCase{"expansion=9", "", 10, false, "expansion"},
        ParamCase{"strides=4,2,2,2:temporal_up=2", "", 10, true, ""},
        ParamCase{"strides=4,2,2,2:temporal_up=5", "", 10, false, "temporal_up"},
        ParamCase{"strides=4,2,2,2:temporal_up=1,2", "", 10, false, "temporal_up"},
        ParamCase{"strides=4,2,2,2:temporal_up=2:temporal_strides=4,2,2", "", 10, true, ""},
        ParamCase{"strides=4,2,2,2:temporal_up=2:temporal_strides=2,2,2", "", 10, false, "temporal_strides"},
        ParamCase{"strides=4,2", "", 10, false, "strides"}, ParamCase{"fc_dim=0", "", 10, false, "fc_dim"},
        ParamCase{"num_blocks=65", "", 10, false, "num_blocks"}, ParamCase{"embed_dim=0", "", 10, false, "embed_dim"},
        ParamCase{"enc_dim=0", "", 10, false, "enc_dim"}, ParamCase{"reduce=0", "", 10, false, "reduce"},
        ParamCase{"lower_width=0", "", 10, false, "lower_width"}, ParamCase{"act=bogus", "", 10, false, "act"},
        ParamCase{"ks=0_1_5", "", 10, false, "ks"}));

}  // namespace NERV_TEST_FILE
}  // namespace nerv

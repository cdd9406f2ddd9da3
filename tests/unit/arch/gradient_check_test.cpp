// Every architecture's parameter gradients, checked against a float64 computation of the same
// model. Debian's LibTorch 1.13 returns wrong GELU gradients (up to 1e25, different on each
// call) when the incoming gradient's memory layout differs from the input's; activation.cpp
// guards every GELU. Here each model's float32 gradients, with NCHW tensors and with every
// 4-D weight and frame channels-last (the layout fast CPU paths use), must match float64 ones;
// and no architecture may hold an unguarded torch::nn::GELU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <functional>
#include <string>
#include <vector>

#include "arch_test_model.h"
#include "arch/registry.h"
#include "train/loss.h"

namespace nerv {
namespace NERV_TEST_FILE {

struct SmallArch {
    const char *name;
    int width, height;
    const char *params;
};

// A few thousand parameters each, at sizes their unit tests use.
const SmallArch kArchs[] = {
    {"nerv", 64, 32, "strides=2,2,2:fc_hw=4x8:fc_dim=8:lower_width=4:stem=32_1:pe=1.25_8"},
    {"hnerv", 128, 64, "strides=4,4,2:fc_dim=16:enc_dim=8:embed_dim=4:lower_width=4"},
    {"enerv", 48, 32,
     "fc_hw=2,3:strides=4,2,2:fc_dim=8:block_dim=16:stem_dim=16:mlp_dim=8:mod_dim=8:dim_head=8:heads=1,2:"
     "lower_width=4:pe=1.25_8:pe_xy=1.25_4:pe_mod=1.25_6"},
    {"dnerv", 96, 64, "strides=4,2,2,2:fc_dim=32:enc_dim=16:embed_dim=8"},
    {"snerv", 128, 64, "strides=4,2,2:fc_dim=16:enc_dim=8:embed_dim=4:lower_width=4:num_blocks=1"},
    {"snerv-t", 128, 64, "strides=2,2,2,2:fc_dim=12:enc_dim=8:embed_dim=4:lower_width=4:num_blocks=1"},
    {"pnerv-pyr", 96, 64, "enc_strides=4,2,2,2:diff_strides=2,2,2:dec_dim=24:enc_dim=16:embed_dim=8"},
    {"pnerv-poly", 64, 64,
     "fine=2,2:strides=2,2,2:channels=16,8,16,8,8,8:narrow=4:u_hidden=4:rank=16:ppe_dim=8:nonlocal_dim=4:"
     "pe_t=1.25_4:pe_fine=1.25_2"},
};
constexpr int64_t kFrames = 4;

VideoModel build(const SmallArch &a)
{
    const ArchEntry *entry = find_arch(a.name);
    EXPECT_NE(entry, nullptr) << a.name;
    torch::manual_seed(7);
    return nerv_test::create_arch_model(*entry, a.width, a.height, kFrames, "", a.params);
}

/** A smooth clip on the model's canvas: learnable structure, not noise. */
torch::Tensor smooth_clip(int64_t height, int64_t width)
{
    const torch::Tensor t = torch::arange(kFrames, torch::kDouble).view({kFrames, 1, 1, 1}) / kFrames;
    const torch::Tensor y = torch::linspace(0, 1, height, torch::kDouble).view({1, 1, height, 1});
    const torch::Tensor x = torch::linspace(0, 1, width, torch::kDouble).view({1, 1, 1, width});
    return torch::cat({0.5 + 0.4 * torch::sin(6 * x + 3 * t) * y, 0.5 + 0.3 * torch::cos(5 * y - 2 * t) * x,
                       0.3 + 0.4 * x * y + 0.1 * t},
                      1)
        .expand({kFrames, 3, height, width})
        .contiguous();
}

enum class Layout { Nchw, ChannelsLast };

/** Parameter gradients of one training step on frames 1 and 2, by parameter name. */
std::map<std::string, torch::Tensor> gradients(VideoModel &model, const SmallArch &a, torch::Dtype dtype,
                                               Layout layout)
{
    model->to(dtype);
    const auto cl = [layout](const torch::Tensor &t) {
        return layout == Layout::ChannelsLast && t.dim() == 4 ? t.contiguous(torch::MemoryFormat::ChannelsLast) : t;
    };
    {
        torch::NoGradGuard no_grad;
        for (auto &p : model->parameters())
            p.set_data(cl(p.detach()));
    }
    const torch::Tensor clip = cl(smooth_clip(model->canvas_height(), model->canvas_width()).to(dtype));
    FrameBatch batch;
    const torch::Tensor idx = torch::tensor({1, 2}, torch::kLong);
    batch.frames = cl(clip.index_select(0, idx));
    batch.index = idx.to(torch::kFloat32);
    batch.frame_count = kFrames;
    batch.frames_at = [clip, cl](const torch::Tensor &k) { return cl(clip.index_select(0, k)); };
    model->zero_grad();
    const LossFunction loss(LossKind::L2);
    model->train_step(batch, loss, a.height, a.width).loss.backward();
    std::map<std::string, torch::Tensor> out;
    for (const auto &p : model->named_parameters()) {
        if (p.value().grad().defined())
            out[p.key()] = p.value().grad().to(torch::kDouble).contiguous();
    }
    return out;
}

/** Each tensor's largest |g - reference| against its own largest reference magnitude; a
 *  gradient that is zero in exact arithmetic (a bias a normalisation cancels) is held to float32
 *  rounding of the model's largest gradient instead. */
void expect_gradients_match(const std::map<std::string, torch::Tensor> &got,
                            const std::map<std::string, torch::Tensor> &reference, const std::string &what)
{
    ASSERT_EQ(got.size(), reference.size()) << what;
    ASSERT_FALSE(reference.empty()) << what;
    double largest = 0;
    for (const auto &r : reference)
        largest = std::max(largest, r.second.abs().max().item<double>());
    for (const auto &r : reference) {
        const auto g = got.find(r.first);
        ASSERT_NE(g, got.end()) << what << ": " << r.first;
        const double scale = r.second.abs().max().item<double>();
        const double err = (g->second - r.second).abs().max().item<double>();
        // float32 against float64: ~1e-6 relative; the GELU trap gives errors of order 1 or more.
        EXPECT_LE(err, 1e-3 * scale + 1e-5 * largest) << what << ": " << r.first << " max |error| " << err << " of max |grad| "
                                            << scale;
    }
}

class GradientCheckTest : public ::testing::TestWithParam<SmallArch> {};

TEST_P(GradientCheckTest, Float32GradientsMatchFloat64InBothLayouts)
{
    const SmallArch &a = GetParam();
    VideoModel reference_model = build(a);
    const auto reference = gradients(reference_model, a, torch::kDouble, Layout::Nchw);
    VideoModel nchw = build(a);
    expect_gradients_match(gradients(nchw, a, torch::kFloat32, Layout::Nchw), reference,
                           std::string(a.name) + " NCHW");
    VideoModel channels_last = build(a);
    expect_gradients_match(gradients(channels_last, a, torch::kFloat32, Layout::ChannelsLast), reference,
                           std::string(a.name) + " channels-last");
}

TEST_P(GradientCheckTest, EveryGeluIsTheGuardedOne)
{
    VideoModel m = build(GetParam());
    for (const auto &sub : m->named_modules()) {
        EXPECT_EQ(dynamic_cast<torch::nn::GELUImpl *>(sub.value().get()), nullptr)
            << GetParam().name << ": " << sub.key() << " is an unguarded torch::nn::GELU; build it with "
            << "make_activation(\"gelu\")";
    }
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, GradientCheckTest, ::testing::ValuesIn(kArchs),
                         [](const ::testing::TestParamInfo<SmallArch> &info) {
                             std::string n = info.param.name;
                             for (char &c : n) {
                                 if (c == '-')
                                     c = '_';
                             }
                             return n;
                         });

TEST(GradientCheckTest, EveryRegisteredArchitectureIsChecked)
{
    for (const ArchEntry &e : arch_registry()) {
        bool found = false;
        for (const SmallArch &a : kArchs)
            found = found || std::string(a.name) == e.name;
        EXPECT_TRUE(found) << e.name << " has no gradient check";
    }
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

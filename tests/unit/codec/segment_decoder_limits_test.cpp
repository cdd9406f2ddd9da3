// SegmentDecoder on segments whose metadata describes models too large for the format or for
// the decoder's memory budget: refused before anything is allocated (fast, peak memory
// unchanged), with NERV_ERROR_INVALIDDATA for the format's limits and -ENOMEM naming the
// budget for the rest. A segment within the budget still decodes.
#include <gtest/gtest.h>

#include <chrono>
#include <sys/resource.h>

#include "arch/hnerv.h"
#include "arch/registry.h"
#include "codec/model_weights.h"
#include "codec/segment_decoder.h"
#include "compress/tensor_codec.h"
#include "core/error.h"

namespace nerv {
namespace NERV_TEST_FILE {

constexpr int kWidth = 32, kHeight = 32;

/** A complete, valid hnerv segment of 2 frames (untrained weights), ~0.5 MiB to decode. Its
 *  encoder (not stored, ~200k parameters at the default enc_dim=64) must not count. */
SegmentRecord valid_segment(const char *params_text = "enc_dim=8")
{
    const KeyValues params = KeyValues::parse(params_text);
    ArchRequest r;
    r.width = kWidth;
    r.height = kHeight;
    r.frames = 2;
    r.size = "20k";
    r.params = &params;
    VideoModel m = hnerv_arch_entry().create(r);
    SegmentRecord s;
    s.frame_count = 2;
    s.meta.set_string("model.arch", "hnerv");
    m->write_config(s.meta);
    s.tensors = encode_model_weights(*m, 8, false);
    for (const FrameTensorSpec &spec : m->frame_tensors()) {
        int64_t n = 2;
        for (int64_t d : spec.shape)
            n *= d;
        const std::vector<float> values(static_cast<size_t>(n), 0.25f);
        TensorCodingOptions o;
        o.bits = 6;
        s.frame_codecs.push_back({spec.name, spec.shape, encode_frame_tensor(values.data(), 2, spec.shape, o).codec_payload});
    }
    return s;
}

void set_all(Metadata &meta, const std::string &key, int64_t value)
{
    std::vector<int64_t> v = meta.get_ints(key);
    std::fill(v.begin(), v.end(), value);
    meta.set_ints(key, v);
}

long peak_rss_kib()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

struct Outcome {
    int code = 0;
    std::string message;
    double seconds = 0;
    long rss_growth_kib = 0;
};

Outcome build(const SegmentRecord &s, int memory_limit_mib)
{
    DecodeOptions o;
    o.device = NERV_DEVICE_CPU;
    o.threads = 1;
    o.memory_limit_mib = memory_limit_mib;
    Outcome out;
    const long rss0 = peak_rss_kib();
    const auto t0 = std::chrono::steady_clock::now();
    try {
        SegmentDecoder d(kWidth, kHeight, s, o);
    } catch (const Error &e) {
        out.code = e.code();
        out.message = e.what();
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.rss_growth_kib = peak_rss_kib() - rss0;
    return out;
}

TEST(SegmentDecoderLimitsTest, ModelBeyondTheFormatsLimitIsInvalidDataAtOnce)
{
    SegmentRecord s = valid_segment();
    set_all(s.meta, "hnerv.channels", 4096);  // ~4096^2 x 15^2 x stride^2 weights per layer
    set_all(s.meta, "hnerv.kernels", 15);
    const Outcome o = build(s, 0);
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA) << o.message;
    EXPECT_NE(o.message.find("more than the format's limit of 2147483648"), std::string::npos) << o.message;
    EXPECT_LT(o.seconds, 1.0);
    EXPECT_LT(o.rss_growth_kib, 64 * 1024) << "nothing of the model may be allocated";
}

TEST(SegmentDecoderLimitsTest, ModelOverTheMemoryLimitIsRefusedWithFigures)
{
    SegmentRecord s = valid_segment();
    set_all(s.meta, "hnerv.channels", 1024);  // valid for the format, ~10^8 parameters
    const Outcome o = build(s, 16);
    EXPECT_EQ(o.code, -ENOMEM) << o.message;
    EXPECT_NE(o.message.find("more than the 16.0 MiB memory_limit"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("parameters"), std::string::npos) << o.message;
    EXPECT_LT(o.seconds, 1.0);
    EXPECT_LT(o.rss_growth_kib, 64 * 1024);
}

TEST(SegmentDecoderLimitsTest, CanvasOverTheMemoryLimitIsRefusedBeforeRendering)
{
    SegmentRecord s = valid_segment();
    const int64_t stride = s.meta.get_int("hnerv.canvas_height") / s.meta.get_int("hnerv.embed_height");
    const int64_t side = 4096 / stride;  // a 4096x4096 canvas: 1 GiB at 64 bytes a pixel
    s.meta.set_int("hnerv.embed_height", side);
    s.meta.set_int("hnerv.embed_width", side);
    s.meta.set_int("hnerv.canvas_height", side * stride);
    s.meta.set_int("hnerv.canvas_width", side * stride);
    const Outcome o = build(s, 64);
    EXPECT_EQ(o.code, -ENOMEM) << o.message;
    EXPECT_NE(o.message.find("canvas"), std::string::npos) << o.message;
    EXPECT_LT(o.rss_growth_kib, 64 * 1024);
}

TEST(SegmentDecoderLimitsTest, SegmentWithinTheLimitDecodes)
{
    const SegmentRecord s = valid_segment();
    const Outcome o = build(s, 1);
    EXPECT_EQ(o.code, 0) << o.message;
}

TEST(SegmentDecoderLimitsTest, TheEncoderThatIsNotStoredDoesNotCountAgainstTheLimit)
{
    // enc_dim=64: ~1.6 MiB of encoder weights at 8 bytes a parameter, which the decoder never
    // builds; its own weights and canvas fit in 1 MiB.
    const SegmentRecord s = valid_segment("enc_dim=64");
    const Outcome o = build(s, 1);
    EXPECT_EQ(o.code, 0) << o.message;
}

}  // namespace NERV_TEST_FILE
}  // namespace nerv

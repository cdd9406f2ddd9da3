// nerv.h's thread-safety statement, checked: independent handles used from different threads
// at the same time give exactly what each gives alone (decoders: the same pixels; CPU encoders:
// the same bytes). Each handle uses one intra-op thread so that the two threads do not fight
// over the 2 cores of the CI machine.
#include <gtest/gtest.h>

#include <thread>

#include "api_helpers.h"
#include "nerv/nerv.h"

namespace {

NervEncoderSettings tiny_encode()
{
    NervEncoderSettings s = nerv_test::quick_settings("hnerv", "20k", 2);
    s.threads = 1;
    return s;
}

const nerv_test::Clip &clip()
{
    static const nerv_test::Clip c = nerv_test::load_fixture_clip(3);
    return c;
}

std::vector<std::vector<uint8_t>> decode_with_one_thread(const std::vector<uint8_t> &stream)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.device = NERV_DEVICE_CPU;
    ds.threads = 1;
    ds.output_format = NERV_PIX_FMT_RGB24;
    NervDecoder *d = nullptr;
    std::vector<std::vector<uint8_t>> frames;
    if (nerv_decoder_open(&d, &ds) < 0 || nerv_decoder_send_packet(d, stream.data(), stream.size()) < 0) {
        nerv_decoder_close(&d);
        return frames;
    }
    NervPicture p;
    while (nerv_decoder_receive_frame(d, &p) == 0) {
        std::vector<uint8_t> f;
        for (int y = 0; y < p.height; ++y)
            f.insert(f.end(), p.data[0] + y * p.stride[0], p.data[0] + y * p.stride[0] + 3 * p.width);
        frames.push_back(std::move(f));
    }
    nerv_decoder_close(&d);
    return frames;
}

TEST(ConcurrencyTest, TwoEncodersInTwoThreadsWriteTheBytesOfOneAlone)
{
    const nerv_test::Encoded alone = nerv_test::encode_clip(clip(), tiny_encode());
    ASSERT_EQ(alone.result, 0) << alone.error;
    nerv_test::Encoded a, b;
    std::thread ta([&] { a = nerv_test::encode_clip(clip(), tiny_encode()); });
    std::thread tb([&] { b = nerv_test::encode_clip(clip(), tiny_encode()); });
    ta.join();
    tb.join();
    ASSERT_EQ(a.result, 0) << a.error;
    ASSERT_EQ(b.result, 0) << b.error;
    EXPECT_TRUE(a.stream == alone.stream) << "encoder in thread A differs from the one alone";
    EXPECT_TRUE(b.stream == alone.stream) << "encoder in thread B differs from the one alone";
}

TEST(ConcurrencyTest, TwoDecodersInTwoThreadsOutputThePixelsOfOneAlone)
{
    const nerv_test::Encoded e = nerv_test::encode_clip(clip(), tiny_encode());
    ASSERT_EQ(e.result, 0) << e.error;
    const auto alone = decode_with_one_thread(e.stream);
    ASSERT_EQ(alone.size(), clip().frames.size());
    // Each thread decodes twice so that the two overlap for certain.
    std::vector<std::vector<uint8_t>> a[2], b[2];
    std::thread ta([&] {
        a[0] = decode_with_one_thread(e.stream);
        a[1] = decode_with_one_thread(e.stream);
    });
    std::thread tb([&] {
        b[0] = decode_with_one_thread(e.stream);
        b[1] = decode_with_one_thread(e.stream);
    });
    ta.join();
    tb.join();
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(a[i] == alone) << "decoder in thread A differs from the one alone (round " << i << ")";
        EXPECT_TRUE(b[i] == alone) << "decoder in thread B differs from the one alone (round " << i << ")";
    }
}

TEST(ConcurrencyTest, LastErrorIsPerThread)
{
    NervDecoderSettings bad;
    nerv_decoder_default_settings(&bad);
    bad.threads = -1;
    NervDecoder *d = nullptr;
    ASSERT_EQ(nerv_decoder_open(&d, &bad), -EINVAL);
    const std::string mine = nerv_last_error();
    std::string other = "unset";
    std::thread t([&] { other = nerv_last_error(); });
    t.join();
    EXPECT_NE(mine.find("threads"), std::string::npos) << mine;
    EXPECT_EQ(other, "") << "another thread sees its own (empty) last error";
}

}  // namespace

// nerv eval: decode a stream and compare it with the reference clip (RGB PSNR, SSIM,
// MS-SSIM, as the papers report them) and report the rate from the bytes on disk.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "stream_file.h"
#include "y4m.h"

namespace nerv_cli {
namespace {

/** Centre-crop offset as torchvision (Python rounding of half the difference). */
int centre_offset(int from, int to)
{
    const double half = (from - to) / 2.0;
    return static_cast<int>(std::nearbyint(half));
}

NervPicture crop_picture(const NervPicture &p, int w, int h)
{
    NervPicture c = p;
    const int x = centre_offset(p.width, w), y = centre_offset(p.height, h);
    const int shift = p.format == NERV_PIX_FMT_YUV420P ? 1 : 0;
    c.width = w;
    c.height = h;
    if (p.format == NERV_PIX_FMT_RGB24) {
        c.data[0] = p.data[0] + y * p.stride[0] + 3 * x;
    } else {
        c.data[0] = p.data[0] + y * p.stride[0] + x;
        for (int i = 1; i < 3; ++i)
            c.data[i] = p.data[i] + (y >> shift) * p.stride[i] + (x >> shift);
    }
    return c;
}

}  // namespace

int cmd_eval(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {}, &error) || args.positional.size() != 2 ||
        !args.only({"device", "threads", "memory_limit"}, &error)) {
        if (!error.empty())
            std::fprintf(stderr, "nerv eval: %s\n", error.c_str());
        std::fprintf(stderr, "usage: nerv eval IN.nerv REF.y4m [--device auto|cpu|cuda] [--threads N] "
                             "[--memory_limit MiB]\n");
        return 2;
    }
    LoadedStream s;
    if (!load_stream(args.positional[0], &s))
        return 1;
    Y4mReader ref;
    if (!ref.open(args.positional[1], &error)) {
        std::fprintf(stderr, "nerv eval: %s\n", error.c_str());
        return 1;
    }
    if (ref.info().width < s.info.width || ref.info().height < s.info.height) {
        std::fprintf(stderr, "nerv eval: reference %dx%d is smaller than the stream %dx%d\n", ref.info().width,
                     ref.info().height, s.info.width, s.info.height);
        return 1;
    }
    NervDecoder *dec = open_decoder_on(s, args, NERV_PIX_FMT_RGB24);
    if (!dec)
        return 1;
    double psnr = 0, ssim = 0, ms_ssim = 0, decode_seconds = 0;
    int64_t n = 0;
    bool have_ms_ssim = true;
    // A part of a video (encoded with --segments) is compared with its frames of the whole clip.
    for (int64_t i = 0; i < s.info.first_frame; ++i) {
        NervPicture skipped;
        if (!ref.read_frame(&skipped, &error)) {
            std::fprintf(stderr, "nerv eval: the stream starts at frame %lld, the reference has %lld frames%s%s\n",
                         static_cast<long long>(s.info.first_frame), static_cast<long long>(i),
                         error.empty() ? "" : ": ", error.c_str());
            nerv_decoder_close(&dec);
            return 1;
        }
    }
    for (int64_t i = s.info.first_frame; i < s.info.first_frame + s.info.frames; ++i) {
        NervPicture ref_pic;
        if (!ref.read_frame(&ref_pic, &error)) {
            std::fprintf(stderr, "nerv eval: reference has fewer frames (%lld) than the stream (%lld)%s%s\n",
                         static_cast<long long>(i), static_cast<long long>(s.info.first_frame + s.info.frames),
                         error.empty() ? "" : ": ",
                         error.c_str());
            nerv_decoder_close(&dec);
            return 1;
        }
        NervPicture out;
        const auto t0 = std::chrono::steady_clock::now();
        int ret = nerv_decoder_decode_frame(dec, i, &out);
        decode_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        NervMetrics m;
        if (ret >= 0) {
            const NervPicture cropped = crop_picture(ref_pic, s.info.width, s.info.height);
            ret = nerv_compare_pictures(&out, &cropped, &m);
        }
        if (ret < 0) {
            const int code = report_error("eval", ret);
            nerv_decoder_close(&dec);
            return code;
        }
        psnr += m.psnr;
        ssim += m.ssim;
        ms_ssim += m.ms_ssim;
        have_ms_ssim = have_ms_ssim && m.ms_ssim >= 0;
        ++n;
    }
    nerv_decoder_close(&dec);
    if (n == 0) {
        std::fprintf(stderr, "nerv eval: the stream has no frames\n");
        return 1;
    }
    std::printf("frames=%lld size=%dx%d bytes=%lld bpp=%.6f\n", static_cast<long long>(n), s.info.width, s.info.height,
                static_cast<long long>(s.info.bytes), s.info.bpp);
    std::printf("psnr_rgb=%.4f ssim=%.6f ms_ssim=%s\n", psnr / n, ssim / n,
                have_ms_ssim ? std::to_string(ms_ssim / n).c_str() : "n/a");
    std::printf("decode_fps=%.3f (%s)\n", n / decode_seconds, args.get("device", "auto").c_str());
    return 0;
}

}  // namespace nerv_cli

// nerv decode: .nerv in, Y4M out (atomically); any frame range by random access.
#include <cstdio>
#include <string>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "stream_file.h"
#include "y4m.h"

namespace nerv_cli {

int cmd_decode(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {}, &error) || args.positional.size() != 1 || !args.has("o") ||
        !args.only({"o", "frames", "device", "threads", "pix_fmt", "memory_limit", "render_size"}, &error)) {
        if (!error.empty())
            std::fprintf(stderr, "nerv decode: %s\n", error.c_str());
        std::fprintf(stderr, "usage: nerv decode IN.nerv -o OUT.y4m [--frames A:B] [--device auto|cpu|cuda] "
                             "[--threads N] [--pix_fmt yuv420p|yuv444p] [--memory_limit MiB] [--render_size WxH]\n");
        return 2;
    }
    LoadedStream s;
    if (!load_stream(args.positional[0], &s))
        return 1;
    // An empty Y4M would pass for the decode of an empty stream: a stream with no whole frame
    // (e.g. cut inside its first segment) is a failure, and no output is written.
    if (s.info.frames == 0) {
        std::fprintf(stderr, "nerv decode: '%s' has no whole frame to decode%s\n", args.positional[0].c_str(),
                     s.info.truncated ? " (the stream is truncated before its first complete frame)" : "");
        return 1;
    }
    int64_t first = 0, end = 0;
    if ((args.has("frames") && args.get("frames").empty()) ||
        !parse_frame_range(args.get("frames"), s.info.first_frame, s.info.first_frame + s.info.frames, &first,
                           &end)) {
        std::fprintf(stderr, "nerv decode: --frames '%s' is invalid for a stream of frames %lld..%lld (A:B, B "
                             "exclusive)\n",
                     args.get("frames").c_str(), static_cast<long long>(s.info.first_frame),
                     static_cast<long long>(s.info.first_frame + s.info.frames - 1));
        return 2;
    }
    // Y4M carries YUV only: RGB sources come out as 4:4:4.
    Y4mInfo yi;
    yi.width = s.info.width;
    yi.height = s.info.height;
    yi.fps_num = s.info.fps_num;
    yi.fps_den = s.info.fps_den;
    yi.format = s.info.source_format == NERV_PIX_FMT_YUV420P ? NERV_PIX_FMT_YUV420P : NERV_PIX_FMT_YUV444P;
    const std::string pf = args.get("pix_fmt");
    if (pf == "yuv420p")
        yi.format = NERV_PIX_FMT_YUV420P;
    else if (pf == "yuv444p")
        yi.format = NERV_PIX_FMT_YUV444P;
    else if (!pf.empty()) {
        std::fprintf(stderr, "nerv decode: --pix_fmt '%s' is invalid: expected yuv420p or yuv444p\n", pf.c_str());
        return 2;
    }
    yi.range = s.info.range;
    // Another picture size: super-resolution by the models that render any size.
    int render_width = 0, render_height = 0;
    if (!parse_size_option(args, "render_size", &render_width, &render_height))
        return 2;
    if (render_width > 0) {
        yi.width = render_width;
        yi.height = render_height;
    }

    NervDecoder *dec = open_decoder_on(s, args, yi.format, render_width, render_height);
    if (!dec)
        return 1;
    AtomicFile out;
    Y4mWriter writer;
    if (!out.open(args.get("o"), &error) || !writer.open(out.file(), yi, &error)) {
        nerv_decoder_close(&dec);
        std::fprintf(stderr, "nerv decode: %s\n", error.c_str());
        return 1;
    }
    for (int64_t i = first; i < end; ++i) {
        NervPicture pic;
        const int ret = nerv_decoder_decode_frame(dec, i, &pic);
        if (ret < 0) {
            const int code = report_error("decode", ret);
            nerv_decoder_close(&dec);
            return code;
        }
        if (!writer.write_frame(pic, &error)) {
            nerv_decoder_close(&dec);
            std::fprintf(stderr, "nerv decode: %s\n", error.c_str());
            return 1;
        }
    }
    nerv_decoder_close(&dec);
    if (!out.commit(&error)) {
        std::fprintf(stderr, "nerv decode: %s\n", error.c_str());
        return 1;
    }
    return 0;
}

}  // namespace nerv_cli

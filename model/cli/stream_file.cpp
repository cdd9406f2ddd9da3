#include "stream_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "atomic_file.h"
#include "commands.h"

namespace nerv_cli {

bool load_stream(const std::string &path, LoadedStream *out)
{
    std::string error;
    if (!read_file(path, &out->bytes, &error)) {
        std::fprintf(stderr, "nerv: %s\n", error.c_str());
        return false;
    }
    const int ret = nerv_probe(reinterpret_cast<const uint8_t *>(out->bytes.data()), out->bytes.size(), &out->info);
    if (ret < 0) {
        report_error(path.c_str(), ret);
        return false;
    }
    if (out->info.truncated)
        std::fprintf(stderr, "nerv: warning: '%s' is truncated; %lld whole frames are usable\n", path.c_str(),
                     static_cast<long long>(out->info.frames));
    return true;
}

bool parse_int_option(const Args &args, const char *name, int lo, int hi, int *out)
{
    const std::string text = args.get(name);
    if (text.empty() && !args.has(name))
        return true;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end || errno || v < lo || v > hi) {
        std::fprintf(stderr, "nerv: --%s '%s' is invalid: expected an integer in [%d, %d]\n", name, text.c_str(), lo,
                     hi);
        return false;
    }
    *out = static_cast<int>(v);
    return true;
}

bool parse_size_option(const Args &args, const char *name, int *width, int *height)
{
    if (!args.has(name))
        return true;
    const std::string text = args.get(name);
    int w = 0, h = 0, consumed = 0;
    if (std::sscanf(text.c_str(), "%dx%d%n", &w, &h, &consumed) != 2 || consumed != static_cast<int>(text.size()) ||
        w < 1 || h < 1 || w > 16384 || h > 16384) {
        std::fprintf(stderr, "nerv: --%s '%s' is invalid: expected WIDTHxHEIGHT, each 1..16384\n", name,
                     text.c_str());
        return false;
    }
    *width = w;
    *height = h;
    return true;
}

NervDecoder *open_decoder_on(const LoadedStream &s, const Args &args, NervPixelFormat output_format,
                             int render_width, int render_height)
{
    NervDecoderSettings ds;
    nerv_decoder_default_settings(&ds);
    ds.output_format = output_format;
    ds.render_width = render_width;
    ds.render_height = render_height;
    const std::string device = args.get("device", "auto");
    if (device == "cpu")
        ds.device = NERV_DEVICE_CPU;
    else if (device == "cuda")
        ds.device = NERV_DEVICE_CUDA;
    else if (device != "auto") {
        std::fprintf(stderr, "nerv: --device '%s' is invalid: expected auto, cpu or cuda\n", device.c_str());
        return nullptr;
    }
    if (!parse_int_option(args, "threads", 0, 1024, &ds.threads) ||
        !parse_int_option(args, "memory_limit", 0, 1 << 24, &ds.memory_limit))
        return nullptr;
    NervDecoder *dec = nullptr;
    int ret = nerv_decoder_open(&dec, &ds);
    if (ret < 0) {
        report_error("decoder", ret);
        return nullptr;
    }
    // Only whole chunks: a truncated tail is left out.
    ret = nerv_decoder_send_packet(dec, reinterpret_cast<const uint8_t *>(s.bytes.data()),
                                   static_cast<size_t>(s.info.bytes));
    if (ret < 0) {
        report_error("decoder", ret);
        nerv_decoder_close(&dec);
        return nullptr;
    }
    return dec;
}

bool parse_frame_range(const std::string &text, int64_t stream_first, int64_t stream_end, int64_t *first,
                       int64_t *end)
{
    *first = stream_first;
    *end = stream_end;
    if (text.empty())
        return true;
    const size_t colon = text.find(':');
    auto parse = [](const std::string &t, int64_t *v) {
        char *e = nullptr;
        long long x = std::strtoll(t.c_str(), &e, 10);
        if (t.empty() || *e)
            return false;
        *v = x;
        return true;
    };
    if (colon == std::string::npos) {
        if (!parse(text, first))
            return false;
        *end = *first + 1;
    } else {
        const std::string a = text.substr(0, colon), b = text.substr(colon + 1);
        if (!a.empty() && !parse(a, first))
            return false;
        if (!b.empty() && !parse(b, end))
            return false;
    }
    return *first >= stream_first && *first < *end && *end <= stream_end;
}

}  // namespace nerv_cli

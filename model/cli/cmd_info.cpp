// nerv info: what a .nerv stream holds, read without building any model.
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "stream_file.h"

namespace nerv_cli {
namespace {

const char *format_name(NervPixelFormat f)
{
    switch (f) {
    case NERV_PIX_FMT_RGB24: return "rgb24";
    case NERV_PIX_FMT_YUV420P: return "yuv420p";
    case NERV_PIX_FMT_YUV444P: return "yuv444p";
    default: return "?";
    }
}

void print_segment(void *, const NervSegmentInfo *s)
{
    std::printf("segment %d: frames %lld..%lld, %s, %lld parameters, %lld bytes\n", s->index,
                static_cast<long long>(s->first_frame), static_cast<long long>(s->first_frame + s->frames - 1), s->arch,
                static_cast<long long>(s->parameters), static_cast<long long>(s->bytes));
    std::string text = s->metadata;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            nl = text.size();
        std::printf("  %s\n", text.substr(pos, nl - pos).c_str());
        pos = nl + 1;
    }
}

bool arch_is_known(const char *name)
{
    for (int a = 0; a < nerv_arch_count(); ++a) {
        if (std::string(nerv_arch_name(a)) == name)
            return true;
    }
    return false;
}

std::string known_arch_list()
{
    std::string names;
    for (int a = 0; a < nerv_arch_count(); ++a)
        names += (a ? ", " : "") + std::string(nerv_arch_name(a));
    return names;
}

}  // namespace

int cmd_info(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {}, &error) || args.positional.size() != 1) {
        std::fprintf(stderr, "usage: nerv info IN.nerv\n");
        return 2;
    }
    LoadedStream s;
    if (!load_stream(args.positional[0], &s))
        return 1;
    const NervStreamInfo &i = s.info;
    std::printf("file: %s\n", args.positional[0].c_str());
    std::printf("picture: %dx%d, %d/%d fps, source %s (%s, %s range)\n", i.width, i.height, i.fps_num, i.fps_den,
                format_name(i.source_format), i.matrix == NERV_MATRIX_BT709 ? "bt709" : "bt601",
                i.range == NERV_RANGE_FULL ? "full" : "limited");
    std::printf("frames: %lld in %d segment%s%s\n", static_cast<long long>(i.frames), i.segments,
                i.segments == 1 ? "" : "s", i.truncated ? " (truncated)" : "");
    if (i.first_frame > 0)
        std::printf("part: frames %lld..%lld of a longer video (nerv concat joins the parts)\n",
                    static_cast<long long>(i.first_frame), static_cast<long long>(i.first_frame + i.frames - 1));
    std::printf("architecture: %s, %lld parameters stored\n", i.arch, static_cast<long long>(i.parameters));
    if (i.segments > 0 && !arch_is_known(i.arch))
        std::fprintf(stderr, "nerv info: warning: architecture '%s' is unknown to this libnerv %s (it knows %s); "
                             "the stream cannot be decoded\n",
                     i.arch, nerv_version(), known_arch_list().c_str());
    std::printf("size: %lld bytes, %.6f bpp\n", static_cast<long long>(i.bytes), i.bpp);
    NervStreamInfo again;
    nerv_probe_segments(reinterpret_cast<const uint8_t *>(s.bytes.data()), s.bytes.size(), &again, print_segment,
                        nullptr);
    return 0;
}

}  // namespace nerv_cli

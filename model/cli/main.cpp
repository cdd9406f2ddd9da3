// nerv: encode, decode, inspect and evaluate .nerv streams from the command line.
// Uses only the public C API (nerv.h).
#include <cstdio>
#include <cstring>

#include "commands.h"
#include "nerv/nerv.h"

namespace {

void usage(FILE *out)
{
    std::fprintf(out,
                 "nerv %s - neural video representations as a codec\n"
                 "\n"
                 "usage:\n"
                 "  nerv encode IN.y4m -o OUT.nerv [--arch hnerv] [--size 1.5M] [--epochs 300]\n"
                 "              [--device auto|cpu|cuda] [--prune 0.1] [--qbits 8 --qbits_embed 6] [--SETTING VALUE ...]\n"
                 "  nerv decode IN.nerv -o OUT.y4m [--frames A:B] [--device cpu] [--pix_fmt yuv420p|yuv444p] [--render_size WxH]\n"
                 "  nerv encode IN.y4m -o PART.nerv --segment_frames N --segments A:B   (segments A..B-1 only)\n"
                 "  nerv concat PART.nerv ... -o OUT.nerv   (parts in frame order: one stream)\n"
                 "  nerv info   IN.nerv\n"
                 "  nerv eval   IN.nerv REF.y4m\n"
                 "  nerv arch   NAME --width W --height H --frames N [--size S] [--params k=v:...]\n"
                 "  nerv arch   --list\n"
                 "  nerv synth  -o OUT.y4m [--width 176 --height 144 --frames 16]\n"
                 "  nerv encode --help      list every encoder setting\n"
                 "\n"
                 "IN.y4m may be '-' (stdin), e.g.: ffmpeg -i clip.mp4 -f yuv4mpegpipe - | nerv encode - -o clip.nerv\n",
                 nerv_version());
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!std::strcmp(cmd, "-h") || !std::strcmp(cmd, "--help") || !std::strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!std::strcmp(cmd, "version") || !std::strcmp(cmd, "--version")) {
        std::printf("nerv %s (API %u.%u)\n", nerv_version(), nerv_api_version() >> 16, nerv_api_version() & 0xffff);
        return 0;
    }
    if (!std::strcmp(cmd, "encode"))
        return nerv_cli::cmd_encode(argc, argv);
    if (!std::strcmp(cmd, "decode"))
        return nerv_cli::cmd_decode(argc, argv);
    if (!std::strcmp(cmd, "info"))
        return nerv_cli::cmd_info(argc, argv);
    if (!std::strcmp(cmd, "eval"))
        return nerv_cli::cmd_eval(argc, argv);
    if (!std::strcmp(cmd, "arch"))
        return nerv_cli::cmd_arch(argc, argv);
    if (!std::strcmp(cmd, "concat"))
        return nerv_cli::cmd_concat(argc, argv);
    if (!std::strcmp(cmd, "synth"))
        return nerv_cli::cmd_synth(argc, argv);
    std::fprintf(stderr, "nerv: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}

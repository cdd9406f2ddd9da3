// nerv arch: an architecture's layer table and parameter counts for a frame size.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "args.h"
#include "commands.h"
#include "nerv/nerv.h"

namespace nerv_cli {
namespace {

void print_layer(void *, const NervLayerInfo *l)
{
    std::printf("%-28s %-44s %-20s %12lld%s\n", l->name, l->op, l->output, static_cast<long long>(l->parameters),
                l->transmitted ? "" : "  (encoder, not stored)");
}

}  // namespace

int cmd_arch(int argc, char **argv)
{
    Args args;
    std::string error;
    if (!args.parse(argc, argv, 2, {"list"}, &error)) {
        std::fprintf(stderr, "nerv arch: %s\n", error.c_str());
        return 2;
    }
    if (args.has("list")) {
        for (int i = 0; i < nerv_arch_count(); ++i)
            std::printf("%-10s %s\n", nerv_arch_name(i), nerv_arch_description(i));
        return 0;
    }
    if (args.positional.size() != 1 || !args.has("width") || !args.has("height") || !args.has("frames")) {
        std::fprintf(stderr, "usage: nerv arch NAME --width W --height H --frames N [--size S] [--params k=v:...]\n"
                             "       nerv arch --list\n");
        return 2;
    }
    NervEncoderSettings s;
    nerv_encoder_default_settings(&s);
    if (nerv_encoder_settings_set(&s, "arch", args.positional[0].c_str()) < 0)
        return report_error("arch", -EINVAL);
    int frames = 0;
    for (const auto &o : args.options) {
        if (o.first == "frames") {
            frames = std::atoi(o.second.c_str());
            continue;
        }
        if (nerv_encoder_settings_set(&s, o.first.c_str(), o.second.c_str()) < 0)
            return report_error("arch", -EINVAL);
    }
    NervArchInfo info;
    std::printf("%-28s %-44s %-20s %12s\n", "layer", "op", "output", "params");
    const int ret = nerv_arch_describe(&s, frames, &info, print_layer, nullptr);
    if (ret < 0)
        return report_error("arch", ret);
    std::printf("canvas=%dx%d coded=%dx%d %s\n", info.canvas_width, info.canvas_height, info.coded_width,
                info.coded_height, info.summary);
    std::printf("encoder_params=%lld (not stored)\n", static_cast<long long>(info.encoder_parameters));
    std::printf("head_params=%lld\n", static_cast<long long>(info.head_parameters));
    if (info.fixed_parameters > 0)
        std::printf("fixed_params=%lld (rebuilt from the config, not stored)\n",
                    static_cast<long long>(info.fixed_parameters));
    std::printf("embedding_values=%lld\n", static_cast<long long>(info.embedding_values));
    std::printf("total_params=%lld\n", static_cast<long long>(info.decoder_parameters));
    return 0;
}

}  // namespace nerv_cli

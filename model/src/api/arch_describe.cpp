// nerv_arch_count / nerv_arch_name / nerv_arch_describe: the registry through the C API.
#include <cstdio>
#include <cstring>

#include "api/api_guard.h"
#include "api/encoder_job.h"
#include "arch/arch_names.h"
#include "codec/arch_description.h"

extern "C" {

int nerv_arch_count(void) { return nerv::arch_count(); }
const char *nerv_arch_name(int i) { return nerv::arch_name(i); }
const char *nerv_arch_description(int i) { return nerv::arch_description(i); }

int nerv_arch_describe(const NervEncoderSettings *settings, int frames, NervArchInfo *info, NervLayerCallback layer_cb,
                       void *user_data)
{
    return nerv::guarded([&] {
        if (!settings || !info)
            nerv::fail_invalid_argument("nerv_arch_describe: NULL argument");
        if (frames < 1)
            nerv::fail_invalid_argument(nerv::format("nerv_arch_describe: frames = %d is invalid: expected >= 1", frames));
        const nerv::ResolvedEncoder r = nerv::resolve_encoder(*settings);
        const nerv::ArchDescription d = nerv::describe_arch(r.job, frames);
        std::memset(info, 0, sizeof(*info));
        info->decoder_parameters = d.decoder_parameters;
        info->head_parameters = d.head_parameters;
        info->fixed_parameters = d.fixed_parameters;
        info->embedding_values = d.embedding_values;
        info->encoder_parameters = d.encoder_parameters;
        info->canvas_width = d.canvas_width;
        info->canvas_height = d.canvas_height;
        info->coded_width = r.job.width;
        info->coded_height = r.job.height;
        std::snprintf(info->summary, sizeof(info->summary), "%s", d.summary.c_str());
        if (layer_cb) {
            for (const auto &l : d.layers) {
                NervLayerInfo li;
                li.name = l.name.c_str();
                li.op = l.op.c_str();
                li.output = l.output.c_str();
                li.parameters = l.parameters;
                li.transmitted = l.transmitted ? 1 : 0;
                layer_cb(user_data, &li);
            }
        }
        return 0;
    });
}

}  // extern "C"

#include "codec/arch_description.h"

#include "arch/registry.h"
#include "codec/model_size.h"
#include "codec/model_weights.h"
#include "core/error.h"
#include "train/device.h"

namespace nerv {

ArchDescription describe_arch(const EncodeJob &job, int64_t frames, bool check_memory)
{
    const ArchEntry *entry = find_arch(job.arch);
    if (!entry)
        fail_invalid_argument(format("setting 'arch' = '%s' is unknown", job.arch.c_str()));
    if (frames < 1)
        fail_invalid_argument(format("frames = %lld is invalid: expected >= 1", static_cast<long long>(frames)));
    const KeyValues params = KeyValues::parse(job.arch_params);
    ArchRequest request;
    request.width = job.width;
    request.height = job.height;
    request.frames = frames;
    request.size = job.size;
    request.params = &params;
    const MemoryBudget budget = check_memory ? memory_budget(job.memory_limit_mib, resolve_device(job.device))
                                             : MemoryBudget();
    VideoModel model = create_model_for_training(*entry, request, static_cast<uint64_t>(job.seed), budget,
                                                 "arch " + job.arch);
    params.check_all_used(("arch " + job.arch).c_str());

    ArchDescription d;
    for (const LayerInfo &l : model->layers())
        d.layers.push_back({l.name, l.op, l.output, l.parameters, l.transmitted});
    const ParameterCounts c = count_parameters(*model);
    d.decoder_parameters = c.transmitted + c.fixed;
    d.fixed_parameters = c.fixed;
    d.head_parameters = c.head;
    d.encoder_parameters = c.encoder;
    d.embedding_values = embedding_values(*model, frames);
    d.canvas_width = model->canvas_width();
    d.canvas_height = model->canvas_height();
    d.summary = model->summary();
    return d;
}

}  // namespace nerv

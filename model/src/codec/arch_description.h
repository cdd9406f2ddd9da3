// `nerv arch`: resolve an architecture for a job without training (torch-free interface).
#pragma once

#include <string>
#include <vector>

#include "codec/encode_job.h"

namespace nerv {

struct LayerRow {
    std::string name, op, output;
    int64_t parameters = 0;
    bool transmitted = true;
};

struct ArchDescription {
    std::vector<LayerRow> layers;
    int64_t decoder_parameters = 0;  // as the reference counts them: transmitted (incl. head) + fixed
    int64_t fixed_parameters = 0;    // of which rebuilt from the config, not stored
    int64_t head_parameters = 0;
    int64_t encoder_parameters = 0;
    int64_t embedding_values = 0;    // all frames
    int canvas_width = 0, canvas_height = 0;
    std::string summary;
};

/** Resolves (and builds, without training) the model the job describes for `frames` frames.
 *  Throws -EINVAL for bad architecture params; with `check_memory`, -ENOMEM (before building)
 *  when training it would need more than the job's memory budget. */
ArchDescription describe_arch(const EncodeJob &job, int64_t frames, bool check_memory = false);

}  // namespace nerv

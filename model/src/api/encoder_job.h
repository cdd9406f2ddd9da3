// NervEncoderSettings -> the resolved job: validation, encoder-level expert params
// (crop), the automatic segment length.
#pragma once

#include <cstdint>

#include "codec/encode_job.h"

namespace nerv {

struct ResolvedEncoder {
    EncodeJob job;
    int input_width = 0, input_height = 0;
    int crop_x = 0, crop_y = 0;   // top-left of the coded area in the input
    int segment_frames = 0;       // resolved (never 0)
    int jobs = 1;                 // segments trained at once (resolved, >= 1)
    int first_segment = 0;        // the "segments" setting: the part of the input that is coded,
    int64_t first_frame = 0;      // as input frame numbers [first_frame, end_frame)
    int64_t end_frame = INT64_MAX;
};

/** Validates everything that can be checked without building a model; throws -EINVAL. */
ResolvedEncoder resolve_encoder(const NervEncoderSettings &s);

}  // namespace nerv

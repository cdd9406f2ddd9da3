#include "codec/frame_subset.h"

#include <algorithm>

#include "core/error.h"
#include "core/lerp.h"

namespace nerv {

std::vector<int64_t> trained_frames(int train_frames, int64_t first_frame, int64_t frames)
{
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < frames; ++i) {
        const bool odd_numbered = (first_frame + i) % 2 == 0;  // 1st, 3rd, ... frame of the stream
        if (train_frames == 0 || (train_frames == 1) == odd_numbered)
            kept.push_back(i);
    }
    if (kept.empty()) {
        for (int64_t i = 0; i < frames; ++i)
            kept.push_back(i);
    }
    return kept;
}

void interpolate_held_out(float *values, int64_t frames, int64_t per_frame, const std::vector<int64_t> &trained)
{
    if (trained.empty())
        fail_invalid_argument("interpolate_held_out: no trained frame");
    for (int64_t i = 0; i < frames; ++i) {
        const auto upper = std::lower_bound(trained.begin(), trained.end(), i);
        if (upper != trained.end() && *upper == i)
            continue;
        float *row = values + i * per_frame;
        const bool has_lower = upper != trained.begin(), has_upper = upper != trained.end();
        const int64_t lo = has_lower ? *(upper - 1) : *upper;
        const int64_t hi = has_upper ? *upper : lo;
        const double w = hi == lo ? 0.0 : static_cast<double>(i - lo) / static_cast<double>(hi - lo);
        lerp_values(values + lo * per_frame, values + hi * per_frame, static_cast<size_t>(per_frame), w, row);
    }
}

}  // namespace nerv

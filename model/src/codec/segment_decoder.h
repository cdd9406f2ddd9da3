// Rebuilds one segment's model from its chunk (architecture from the stored config,
// weights from the coded tensors) and renders its frames. Torch-free interface.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "container/records.h"
#include "core/logger.h"

namespace nerv {

struct DecodeOptions {
    NervDevice device = NERV_DEVICE_AUTO;
    int threads = 0;
    int memory_limit_mib = 0;      // 0: what the device has available
    int render_width = 0, render_height = 0;  // 0,0: the stream's picture size
    Logger logger;
};

/** The size pictures come out at: the render size when one is set, else the stream's. */
inline void output_size(const DecodeOptions &options, int stream_width, int stream_height, int *width, int *height)
{
    const bool set = options.render_width > 0 && options.render_height > 0;
    *width = set ? options.render_width : stream_width;
    *height = set ? options.render_height : stream_height;
}

class SegmentDecoder {
public:
    /** Renders the segment's width x height pictures at opts' render size (output_size()).
     *  Throws NERV_ERROR_INVALIDDATA when the segment does not describe a valid model, -ENOMEM
     *  (before building it) when it needs more memory than the budget allows, -ENOTSUP when a
     *  render size other than width x height is asked of an architecture that renders only its
     *  coded size. */
    SegmentDecoder(int width, int height, const SegmentRecord &segment, const DecodeOptions &opts);
    ~SegmentDecoder();
    SegmentDecoder(const SegmentDecoder &) = delete;
    SegmentDecoder &operator=(const SegmentDecoder &) = delete;

    /** Render a frame as planar float RGB in [0,1]: 3 * height * width values of the render size. */
    void render(const FrameRecord &frame, std::vector<float> *rgb);
    /** Render the time between two consecutive frames of the segment, `weight` in (0,1) of the
     *  way from `lower` to `upper` (index_in_segment + 1): their per-frame tensors are
     *  interpolated linearly and the model gets the fractional frame position. */
    void render_between(const FrameRecord &lower, const FrameRecord &upper, double weight, std::vector<float> *rgb);
    int64_t parameters() const;
    const std::string &arch() const;

private:
    void check_record(const FrameRecord &frame) const;
    std::vector<float> frame_tensor(const FrameRecord &frame, size_t i) const;
    void render_batch(double index, const std::vector<std::vector<float>> &tensors, std::vector<float> *rgb);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nerv

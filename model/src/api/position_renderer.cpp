#include "api/position_renderer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/lerp.h"

namespace nerv {

PositionRenderer::PositionRenderer(std::shared_ptr<const StreamStore> store, const DecodeOptions &options,
                                   size_t models)
    : store_(std::move(store)), options_(options), capacity_(models < 1 ? 1 : models)
{
}

StreamHeader PositionRenderer::stream_header() const
{
    StreamHeader h;
    if (!store_->header(&h))
        fail(-ERANGE, "no stream header has been received");
    return h;
}

StoredFrame PositionRenderer::frame_at(int64_t index, double position) const
{
    StoredFrame f;
    if (store_->find_frame(index, &f))
        return f;
    if (position == static_cast<double>(index))
        fail(-ERANGE, format("frame %lld has not been received", static_cast<long long>(index)));
    fail(-ERANGE, format("position %.17g needs frames %lld and %lld, and frame %lld has not been received", position,
                         static_cast<long long>(std::floor(position)), static_cast<long long>(std::floor(position)) + 1,
                         static_cast<long long>(index)));
}

SegmentDecoder &PositionRenderer::model_for(const std::shared_ptr<const StoredSegment> &segment,
                                            const StreamHeader &header)
{
    for (size_t i = 0; i < models_.size(); ++i) {
        if (models_[i].segment == segment) {
            std::rotate(models_.begin() + i, models_.begin() + i + 1, models_.end());
            return *models_.back().decoder;
        }
    }
    // Free the least recently used model before building: both never need to exist at once.
    if (models_.size() >= capacity_)
        models_.erase(models_.begin());
    BuiltModel m;
    m.segment = segment;
    m.decoder = std::make_unique<SegmentDecoder>(header.width, header.height, segment->record, options_);
    models_.push_back(std::move(m));
    return *models_.back().decoder;
}

void PositionRenderer::to_picture(const StreamHeader &header, NervPixelFormat pixel_format, int64_t pts, int64_t index,
                                  PictureBuffer *out) const
{
    const NervPixelFormat fmt = pixel_format == NERV_PIX_FMT_NONE ? header.source_format : pixel_format;
    int width = 0, height = 0;
    output_size(options_, header.width, header.height, &width, &height);
    rgb_float_to_picture(rgb_.data(), width, height, fmt, header.matrix, header.range, out);
    out->picture.pts = pts;
    out->picture.frame_index = index;
}

void PositionRenderer::render_frame(int64_t index, NervPixelFormat pixel_format, PictureBuffer *out)
{
    const StreamHeader header = stream_header();
    const StoredFrame f = frame_at(index, static_cast<double>(index));
    model_for(f.segment, header).render(f.record, &rgb_);
    to_picture(header, pixel_format, f.record.pts, index, out);
}

void PositionRenderer::render_position(double position, NervPixelFormat pixel_format, PictureBuffer *out)
{
    if (!std::isfinite(position))
        fail_invalid_argument(format("frame position %g is invalid: expected a finite frame index >= 0", position));
    if (position < 0 || position >= 9.0e18)
        fail(-ERANGE, format("frame position %.17g is outside the stream: expected 0 <= position <= the last frame "
                             "received",
                             position));
    const double floor_position = std::floor(position);
    const int64_t lower_index = static_cast<int64_t>(floor_position);
    if (floor_position == position) {
        render_frame(lower_index, pixel_format, out);
        return;
    }
    const double weight = position - floor_position;
    const StreamHeader header = stream_header();
    const StoredFrame lower = frame_at(lower_index, position);
    const StoredFrame upper = frame_at(lower_index + 1, position);
    if (lower.segment == upper.segment) {
        model_for(lower.segment, header).render_between(lower.record, upper.record, weight, &rgb_);
    } else {
        // Two segments, two models, each trained on its own frames only: blend their frames.
        model_for(lower.segment, header).render(lower.record, &rgb_);
        model_for(upper.segment, header).render(upper.record, &rgb_upper_);
        lerp_values(rgb_.data(), rgb_upper_.data(), rgb_.size(), weight, rgb_.data());
    }
    const double pts = (1.0 - weight) * static_cast<double>(lower.record.pts) +
                       weight * static_cast<double>(upper.record.pts);
    to_picture(header, pixel_format, std::llround(pts), lower_index, out);
}

}  // namespace nerv

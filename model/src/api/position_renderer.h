// Renders a stream at any frame position: an integer position is that frame, exactly as
// decoded; a fractional one is the time between two frames, rendered by the network of their
// segment (time-indexed models take the fractional position, models with per-frame tensors get
// the neighbours' tensors interpolated), or, between two segments, the blend of the two
// neighbouring frames (each segment's model only knows its own frames).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "api/stream_store.h"
#include "codec/segment_decoder.h"
#include "image/picture.h"

namespace nerv {

class PositionRenderer {
public:
    /** Keeps up to `models` segment models built (the decoder keeps one, as it always did;
     *  a renderer two, so that blending across a segment boundary builds each once). */
    PositionRenderer(std::shared_ptr<const StreamStore> store, const DecodeOptions &options, size_t models);

    /** Frame `index` in `format` (NONE: the stream's). Throws -ERANGE if it was not received. */
    void render_frame(int64_t index, NervPixelFormat pixel_format, PictureBuffer *out);
    /** Position `position` (stream frame index; integer positions are render_frame()).
     *  Throws -EINVAL for a non-finite position, -ERANGE outside the received frames. */
    void render_position(double position, NervPixelFormat pixel_format, PictureBuffer *out);

private:
    StreamHeader stream_header() const;
    StoredFrame frame_at(int64_t index, double position) const;
    SegmentDecoder &model_for(const std::shared_ptr<const StoredSegment> &segment, const StreamHeader &header);
    void to_picture(const StreamHeader &header, NervPixelFormat pixel_format, int64_t pts, int64_t index,
                    PictureBuffer *out) const;

    std::shared_ptr<const StreamStore> store_;
    DecodeOptions options_;
    size_t capacity_;
    struct BuiltModel {
        std::shared_ptr<const StoredSegment> segment;
        std::unique_ptr<SegmentDecoder> decoder;
    };
    std::vector<BuiltModel> models_;  // most recently used last
    std::vector<float> rgb_, rgb_upper_;
};

}  // namespace nerv

// Buffers the frames of one segment, then trains, prunes, quantizes and entropy-codes
// a model for them and returns the segment's chunks (docs/container-format.md).
// Torch-free interface; the implementation keeps the frames as uint8 tensors on the
// training device.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "codec/encode_job.h"

namespace nerv {

struct EncodedSegment {
    std::vector<uint8_t> segment_chunk;
    std::vector<std::vector<uint8_t>> frame_chunks;  // in presentation order
    std::vector<int64_t> pts;
    NervEncodeStats stats{};
};

/** Checkpoints of one segment's training (docs/api.md, "Checkpoints"). */
struct SegmentCheckpointing {
    int every_epochs = 10;
    const std::vector<uint8_t> *resume = nullptr;            // a state saved earlier for these frames
    std::function<void(std::vector<uint8_t> &&state)> save;  // keeps a state (codec/training_state.h)
};

class SegmentEncoder {
public:
    explicit SegmentEncoder(const EncodeJob &job);
    ~SegmentEncoder();
    SegmentEncoder(const SegmentEncoder &) = delete;
    SegmentEncoder &operator=(const SegmentEncoder &) = delete;

    /** Append a frame: planar 8-bit RGB, 3 * height * width bytes (coded size). */
    void add_frame(const uint8_t *rgb_planar, int64_t pts);
    int64_t buffered() const;
    /** Train on the buffered frames and code them; empties the buffer. With `checkpointing`,
     *  training continues from its `resume` state and hands states to `save`: every
     *  every_epochs epochs, at the end of each phase and when aborted. */
    EncodedSegment encode(int64_t first_frame, int segment_index, const SegmentCheckpointing *checkpointing = nullptr);
    /** Drop the buffered frames (a segment whose packets a checkpoint already holds). */
    void discard();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/** GPUs that `requested` trains on (0 when it resolves to the CPU): the automatic worker count. */
int parallel_training_devices(NervDevice requested);
/** The cores intra-op threads may use (what threads = 0 means). */
int available_cores();

/** Bytes one buffered frame costs (for the automatic segment length). */
int64_t frame_buffer_bytes(int width, int height);

}  // namespace nerv

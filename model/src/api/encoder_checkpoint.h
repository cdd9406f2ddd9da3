// Checkpoints for NervEncoder (docs/api.md, "Checkpoints"). Keeps the finished segments'
// packets and a fingerprint of the settings, rewrites the checkpoint file when a segment is
// finished or training hands over its state, and on resume gives back what was done: a
// finished segment's packets, or the saved training state of the segment in progress. The
// caller sends the same pictures again from the start; each segment's input CRC proves they
// are the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/encoder_job.h"
#include "codec/checkpoint.h"

namespace nerv {

class EncoderCheckpointer {
public:
    /** resume: reads and checks the file (-EINVAL for other settings, NERV_ERROR_INVALIDDATA
     *  when damaged); otherwise removes a checkpoint left by an earlier encode. */
    EncoderCheckpointer(const NervEncoderSettings &settings, const ResolvedEncoder &resolved);

    /** Segment `index`, finished in the checkpoint: its packets. Null when it was not finished.
     *  Throws -EINVAL when this segment's pictures (`input_crc`: fold_picture_crc over them)
     *  differ from the interrupted encode's. */
    const FinishedSegment *finished_segment(int index, int64_t first_frame, int64_t frames, uint32_t input_crc);
    /** The training state saved for segment `index`, or null (same check of the pictures). */
    const std::vector<uint8_t> *training_state(int index, int64_t first_frame, int64_t frames, uint32_t input_crc);

    /** Keep a training state of segment `index` (writes the file). */
    void save_training(int index, int64_t first_frame, int64_t frames, uint32_t input_crc,
                       std::vector<uint8_t> &&state);
    /** Segment `segment.packets` is done: keep it (writes the file). Segments finish in order. */
    void finish_segment(FinishedSegment segment);
    /** The encode is complete: remove the file. */
    void complete();

    int every_epochs() const { return every_epochs_; }
    const std::string &path() const { return path_; }

private:
    void check_input(int index, int64_t first_frame, int64_t frames, uint32_t input_crc, int64_t saved_first,
                     int64_t saved_frames, uint32_t saved_crc) const;

    std::string path_;
    int every_epochs_ = 10;
    EncoderCheckpoint state_;          // what the file holds
    EncoderCheckpoint restored_;       // what the file held at open (resume)
    Logger logger_;
};

/** A segment's input CRC with one more picture (as buffered: planar RGB) and its pts. */
uint32_t fold_picture_crc(uint32_t crc, const uint8_t *rgb, size_t size, int64_t pts);

/** Everything an encode's output depends on, as text, with the library version. */
Metadata settings_fingerprint(const NervEncoderSettings &s, const ResolvedEncoder &r);

}  // namespace nerv

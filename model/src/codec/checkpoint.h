// The checkpoint file of an interrupted encode (docs/api.md, "Checkpoints"): the packets of
// the segments already finished and, when training was stopped, the state of the segment in
// progress. Its own magic ("NVCK"), chunks framed as in .nerv files (tag, size, payload,
// CRC-32). Torch-free: the training state is bytes made by codec/training_state.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "container/metadata.h"
#include "nerv/nerv.h"

namespace nerv {

struct CheckpointPacket {
    NervPacketType type = NERV_PACKET_FRAME;
    int64_t pts = 0;
    int64_t frame_index = 0;
    int segment = -1;
    std::vector<uint8_t> bytes;
};

/** A segment whose packets are final. */
struct FinishedSegment {
    int64_t first_frame = 0;
    int64_t frames = 0;
    uint32_t input_crc = 0;                  // of its pictures as the encoder received them
    NervEncodeStats stats{};
    std::vector<CheckpointPacket> packets;   // the SEGMENT packet, then its FRAME packets
};

/** The segment that was training when the checkpoint was written. */
struct InterruptedSegment {
    int index = 0;
    int64_t first_frame = 0;
    int64_t frames = 0;
    uint32_t input_crc = 0;
    std::vector<uint8_t> state;              // codec/training_state.h
};

struct EncoderCheckpoint {
    Metadata settings;                       // everything the output depends on, as text values
    std::vector<FinishedSegment> finished;
    bool interrupted = false;                // `training` is valid
    InterruptedSegment training;
};

/** Replaces `path` atomically (temporary file, fsync, rename). Throws -EIO naming the file. */
void write_checkpoint(const std::string &path, const EncoderCheckpoint &checkpoint);

/** false when `path` does not exist. Throws NERV_ERROR_INVALIDDATA naming the file and the
 *  problem when it is not a complete, intact checkpoint. */
bool read_checkpoint(const std::string &path, EncoderCheckpoint *checkpoint);

/** The phase of the saved training state (TRAIN, FINETUNE or QUANTIZE). Throws NERV_ERROR_INVALIDDATA. */
NervPhase interrupted_phase(const InterruptedSegment &segment);

/** Throws -EINVAL naming the first entry of `now` whose value differs from `saved`, except the
 *  keys in `may_differ`. */
void require_same_settings(const Metadata &saved, const Metadata &now, const std::string &path,
                           const std::vector<std::string> &may_differ = {});

}  // namespace nerv

// The training state of a segment in progress, as the bytes a checkpoint keeps (docs/api.md,
// "Checkpoints"): the phase, the trainer's position, Adam's state, every tensor of the model
// (encoder side and buffers included) and the pruning masks. Restored into a model built from
// the same settings, training continues exactly as if it had never stopped.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/video_model.h"
#include "train/prune.h"
#include "train/trainer.h"

namespace nerv {

struct SegmentTrainingState {
    NervPhase phase = NERV_PHASE_TRAIN;  // the phase in progress: TRAIN, FINETUNE or QUANTIZE
    TrainState train;                    // where it stands
    TrainResult train_result;            // FINETUNE, QUANTIZE: the TRAIN phase's result (the stream records its PSNR)
};

/** masks: the pruning masks in FINETUNE, and in QUANTIZE when the model was pruned (else null). */
std::vector<uint8_t> save_training_state(const SegmentTrainingState &state, VideoModelImpl &model,
                                         const PruneMasks *masks);

/** Loads the tensors into `model` (built from the same settings, on its training device) and,
 *  in FINETUNE (and QUANTIZE of a pruned model: pass masks when the encode may prune), the masks
 *  into *masks (left empty when a QUANTIZE state has none). Throws NERV_ERROR_INVALIDDATA when the
 *  bytes are malformed or do not fit the model. */
SegmentTrainingState restore_training_state(const std::vector<uint8_t> &bytes, VideoModelImpl &model,
                                            PruneMasks *masks);

}  // namespace nerv

// The per-segment overfitting loop shared by every architecture: Adam, the recipe's
// warm-up + cosine schedule applied per iteration, the recipe's loss, optional gradient
// clipping and pruning masks, progress/abort callbacks once per iteration.
#pragma once

#include <functional>

#include <torch/torch.h>

#include "arch/video_model.h"
#include "core/logger.h"
#include "train/prune.h"
#include "train/quant_aware.h"
#include "train/recipe.h"

namespace nerv {

struct TrainResult {
    double loss = 0;      // mean loss of the last epoch
    double psnr = 0;      // mean training PSNR of the last epoch
    double seconds = 0;
    double seconds_per_epoch = 0;
};

/** Where a phase stopped and everything it needs to continue exactly as if it had not
 *  (checkpoints): the model's weights are the caller's to keep. */
struct TrainState {
    int epoch = 0;                    // epochs completed
    int64_t iteration = 0;            // iterations of epoch `epoch` completed
    double loss_sum = 0, psnr_sum = 0;
    int64_t samples = 0;              // partial sums of epoch `epoch`
    TrainResult result;               // as of the last completed epoch
    std::vector<uint8_t> generator;   // the shuffling generator's state at the start of epoch `epoch`
    std::string optimizer;            // Adam's state (a LibTorch archive)
};

struct TrainOptions {
    TrainRecipe recipe;
    torch::Device device = torch::kCPU;
    bool bf16 = false;
    uint64_t seed = 1;
    int coded_height = 0, coded_width = 0;  // loss and PSNR use the top-left coded area
    NervPhase phase = NERV_PHASE_TRAIN;
    int segment = 0;
    int epochs_after = 0;                   // epochs of later phases, for the ETA
    const PruneMasks *masks = nullptr;
    QuantAwareWeights *quant_aware = nullptr;  // forward and backward through the codec's quantizer
    const Logger *logger = nullptr;
    std::function<void(const NervProgress &)> progress;
    std::function<bool()> should_abort;
    double elapsed_before = 0;              // seconds spent on this segment before this phase
    const TrainState *resume = nullptr;     // continue from here (the model holds the saved weights)
    int checkpoint_every = 0;               // epochs between checkpoint() calls; 0 = only when aborted
    std::function<void(const TrainState &)> checkpoint;  // may be empty; also called at the phase's end
    std::vector<int64_t> frame_subset;      // the frames (indices in the segment) trained on; empty = all
    torch::Tensor visible;                  // inpainting: uint8 0/1 [N or 1,1,Hc,Wc] on the device; undefined = all
};

/** frames: [N,3,Hc,Wc] uint8 on the training device (canvas-padded). The model must be on
 *  that device. Throws Error(NERV_ERROR_ABORTED) when should_abort() returns true, after
 *  handing the state at that iteration to checkpoint(). */
TrainResult train_model(VideoModelImpl &model, const torch::Tensor &frames, const TrainOptions &opts);

/** Frames [idx] as float in [0,1] on their device. */
torch::Tensor frames_to_float(const torch::Tensor &frames_u8, const torch::Tensor &idx);

/** The encoder-side batch for frames [idx] of a segment held as uint8 [N,3,Hc,Wc]
 *  (frames_at keeps a reference to `frames`: use the batch while it lives). visible:
 *  undefined, or the segment's uint8 visibility [N or 1,1,Hc,Wc] (batch.visible). */
FrameBatch frame_batch(const torch::Tensor &frames, const torch::Tensor &idx,
                       const torch::Tensor &visible = torch::Tensor());

}  // namespace nerv

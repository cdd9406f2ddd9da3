// Everything a segment encode needs, resolved from NervEncoderSettings by api/.
// Torch-free so the C API layer compiles without LibTorch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "codec/inpaint_mask.h"
#include "core/logger.h"
#include "nerv/nerv.h"

namespace nerv {

struct EncodeJob {
    int width = 0, height = 0;     // coded frame size (after any crop)
    std::string arch;
    std::string size;              // budget or preset; "" = architecture default
    std::string arch_params;       // "k=v:k=v" for the architecture (encoder-level keys removed)
    // Recipe overrides; 0 / "" keep the architecture's paper recipe.
    int epochs = 0;
    double lr = 0;
    int batch_size = 0;
    std::string loss;
    double grad_clip = 0;          // < 0: off
    int seed = 1;
    NervDevice device = NERV_DEVICE_AUTO;
    int device_index = -1;         // CUDA: which GPU (-1: the current one); set per worker
    int threads = 0;
    bool bf16 = false;
    double prune = 0;
    int prune_epochs = 0;
    int qat_epochs = 0;            // quantization-aware fine-tuning epochs after training and pruning; -1: 10%
    int qbits = 8;
    int qbits_embed = 6;
    int memory_limit_mib = 0;      // 0: what the training device has available
    int train_frames = 0;          // 0 all, 1 odd, 2 even (numbered from 1 in the stream)
    bool train_only = false;       // stop after the training phase (its state is in the checkpoint)
    int64_t bitrate = 0;           // target bits per second (codec/rate_target.h); 0 = off
    int fps_num = 25, fps_den = 1;  // the input's frame rate (a segment's share of the bit rate)
    InpaintMask mask;              // holes the training never sees (inpainting); none by default
    Logger logger;
    std::function<void(const NervProgress &)> progress;  // may be empty
    std::function<bool()> should_abort;                  // may be empty
};

}  // namespace nerv

// The difference-stream input of DNeRV and pyramidal PNeRV (QiZhao-NJU datasets/dataset.py
// and the models' forward): for frame t of a segment of N frames,
//   d_p = x_t - x_{t-1},  d_f = x_{t+1} - x_t
// where frame 0 is its own predecessor and frame N-1 its own successor, so the boundary
// differences are exactly zero. The six channels interleave per colour, as the reference's
// stack(dim=2).view does: [p_R, f_R, p_G, f_G, p_B, f_B]. Encoder side only: the decoder
// receives the coded difference embedding and never sees neighbour frames.
#pragma once

#include <utility>

#include <torch/torch.h>

#include "arch/video_model.h"

namespace nerv {

/** [B,3,H,W] x 3 -> [B,6,H,W] interleaved as described above. */
torch::Tensor interleaved_differences(const torch::Tensor &previous, const torch::Tensor &current,
                                      const torch::Tensor &next);

/** The neighbours' indices with the boundary rule: {max(i-1, 0)}, {min(i+1, N-1)}; int64. */
std::pair<torch::Tensor, torch::Tensor> neighbour_indices(const torch::Tensor &index, int64_t frame_count);

/** interleaved_differences() for batch.frames, fetching neighbours through batch.frames_at.
 *  Throws -EINVAL (naming `who`) when the batch lacks frames, index, frame_count or frames_at. */
torch::Tensor frame_difference_input(const FrameBatch &batch, const char *who);

}  // namespace nerv

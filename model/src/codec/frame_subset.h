// Training on a subset of a segment's frames (train_frames: the papers' interpolation
// protocol, train on the odd frames and test on the even ones) and what the held-out
// frames' records carry instead of tensors computed from them.
#pragma once

#include <cstdint>
#include <vector>

namespace nerv {

/** Indices in the segment of the frames trained on: every frame for train_frames 0; for 1
 *  (odd, numbered from 1 in the stream) those at even 0-based stream indices, for 2 the others.
 *  A segment whose frames are all held out (a one-frame segment) trains on them all. */
std::vector<int64_t> trained_frames(int train_frames, int64_t first_frame, int64_t frames);

/** values: `frames` rows of `per_frame` floats. Each row not in `trained` (sorted) becomes the
 *  linear interpolation, by frame distance, of the nearest trained rows before and after it
 *  (a copy of the one neighbour at the segment's ends). */
void interpolate_held_out(float *values, int64_t frames, int64_t per_frame, const std::vector<int64_t> &trained);

}  // namespace nerv

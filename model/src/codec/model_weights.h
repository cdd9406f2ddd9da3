// A model's transmitted tensors <-> the segment's coded tensor entries.
#pragma once

#include <mutex>
#include <vector>

#include "arch/video_model.h"
#include "compress/tensor_codec.h"
#include "container/records.h"

namespace nerv {

/** Code every transmitted parameter (qbits; pruned weights with a zero symbol) and stored
 *  buffer (float32), in named_parameters() / named_buffers() order. */
std::vector<TensorEntry> encode_model_weights(VideoModelImpl &model, int qbits, bool pruned);

/** Decode entries into the model's transmitted tensors. Every transmitted tensor must be
 *  present with its exact shape and nothing else may be; otherwise NERV_ERROR_INVALIDDATA. */
void load_model_weights(VideoModelImpl &model, const std::vector<TensorEntry> &entries);

/** Serializes model construction: modules draw their initial weights from the global
 *  torch RNG, so concurrent encoders/decoders would otherwise perturb each other's seeds. */
std::mutex &model_construction_mutex();

}  // namespace nerv

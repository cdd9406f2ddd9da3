// A model's transmitted tensors <-> the segment's coded tensor entries.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "arch/registry.h"
#include "arch/video_model.h"
#include "compress/tensor_codec.h"
#include "container/records.h"
#include "train/memory_budget.h"

namespace nerv {

/** The parameters whose exact zeros the codec codes as a symbol of their own (the pruned ones;
 *  none when `pruned` is false). Quantization-aware fine-tuning follows the same rule. */
std::set<std::string> zero_symbol_parameters(VideoModelImpl &model, bool pruned);

/** Code every transmitted parameter (qbits; pruned weights with a zero symbol) and stored
 *  buffer (float32), in named_parameters() / named_buffers() order. */
std::vector<TensorEntry> encode_model_weights(VideoModelImpl &model, int qbits, bool pruned);

/** Decode entries into the model's transmitted tensors. Every transmitted tensor must be
 *  present with its exact shape and nothing else may be; otherwise NERV_ERROR_INVALIDDATA. */
void load_model_weights(VideoModelImpl &model, const std::vector<TensorEntry> &entries);

/** Serializes model construction: modules draw their initial weights from the global
 *  torch RNG, so concurrent encoders/decoders would otherwise perturb each other's seeds. */
std::mutex &model_construction_mutex();

/** Builds the model `request` describes, sized by codec/model_size.h's rules (a default that
 *  fits the clip, a budget met or refused), its weights drawn from the global RNG seeded with
 *  `seed` (under the construction mutex). A model whose training needs more than `budget`
 *  is refused before any weight is allocated: -ENOMEM naming `what` and the figures. */
VideoModel create_model_for_training(const ArchEntry &entry, const ArchRequest &request, uint64_t seed,
                                     const MemoryBudget &budget, const std::string &what);

}  // namespace nerv

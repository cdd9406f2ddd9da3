// Choosing the compute device once, and the per-call thread setting.
#pragma once

#include <torch/torch.h>

#include "nerv/nerv.h"

namespace nerv {

/** auto -> CUDA if available else CPU; cuda without a GPU -> -ENODEV with a hint. */
torch::Device resolve_device(NervDevice requested);
/** Apply the intra-op thread count for this thread (0 = all cores). */
void apply_thread_setting(int threads);

}  // namespace nerv

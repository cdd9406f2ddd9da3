// Choosing the compute device once, and the per-call thread setting.
#pragma once

#include <torch/torch.h>

#include "nerv/nerv.h"

namespace nerv {

/** auto -> CUDA if available else CPU; cuda without a GPU -> -ENODEV with a hint. */
torch::Device resolve_device(NervDevice requested);
/** On CUDA, store 4-D weights channels-last (cuDNN's fast layout for these convolutions);
 *  a no-op elsewhere. Values are unchanged. */
void prefer_channels_last(torch::nn::Module &model, const torch::Device &device);
/** Store 4-D weights channels-last on every device, for inference: on the CPU too, oneDNN then
 *  convolves NHWC without reordering each output (decode 1.2x faster; training there is not:
 *  docs/design.md, "Speed levers"). Values are unchanged. */
void channels_last_for_inference(torch::nn::Module &model);

/** CPUs this process may run on (its affinity mask): what threads = 0 means. */
int usable_cores();

/** Apply the intra-op thread count for this thread (0 = all cores). */
void apply_thread_setting(int threads);

}  // namespace nerv

// How much memory an encode or decode may plan to use on its device: the memory_limit
// setting, or what the device has available now (CPU: MemAvailable from /proc/meminfo;
// CUDA: free device memory as the CUDA runtime reports it). Checked before models are built
// so that a model that cannot fit fails at once with figures, not after minutes of work or
// with the process killed by the kernel.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "arch/layers/parameter_limit.h"

namespace nerv {

struct MemoryBudget {
    int64_t bytes = -1;      // < 0: unknown (no check possible)
    std::string source;      // "memory_limit", "available on cpu (MemAvailable)", ...
};

/** limit_mib > 0: that many MiB; 0: the device's available memory. */
MemoryBudget memory_budget(int limit_mib, const torch::Device &device);

/** MemAvailable of /proc/meminfo in bytes, or -1. */
int64_t available_host_memory();
/** Free memory of CUDA device `index` in bytes, or -1 when the CUDA runtime is not loaded. */
int64_t available_cuda_memory(int index);

/** Bytes per parameter a model needs: decoding (weights + one decode buffer) and training
 *  (weights, gradients, Adam's two moments). */
constexpr int64_t kDecodeBytesPerParameter = 8;
constexpr int64_t kTrainBytesPerParameter = 16;
/** At least this much per pixel of the canvas a model renders (output and a few activations). */
constexpr int64_t kDecodeBytesPerCanvasPixel = 64;

/** The parameter limit a budget allows (-1: no limit beyond the format's). */
int64_t parameter_limit(const MemoryBudget &budget, int64_t bytes_per_parameter);

/** Call when building a model under `limit` failed. When its parameter count was refused, throws
 *  -ENOMEM with the figures and `hint` (over the budget) or `format_error` (over the format's
 *  2^31, e.g. NERV_ERROR_INVALIDDATA for a stream); else returns (another problem). */
void fail_if_over_budget(const ParameterLimitScope &limit, const MemoryBudget &budget, int64_t bytes_per_parameter,
                         const std::string &what, const std::string &hint, int format_error);

/** "1.5 GiB", "820 MiB", "12 KiB" */
std::string memory_text(int64_t bytes);

}  // namespace nerv

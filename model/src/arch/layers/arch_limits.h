// Bounds every architecture enforces on a resolved config, whether it came from a
// request or from a stream: a hostile stream must not make the decoder allocate
// absurd tensors. Generous enough for any real model.
#pragma once

#include <cstdint>
#include <string>

#include "arch/layers/parameter_limit.h"

namespace nerv {

constexpr int64_t kMaxArchChannels = 4096;       // any layer's width
constexpr int64_t kMaxArchStride = 16;           // one up/down-sampling factor
constexpr int64_t kMaxArchStages = 8;            // strides per network
constexpr int64_t kMaxArchCanvas = 16384;        // rendered height or width
constexpr int64_t kMaxArchKernel = 15;           // conv kernel side
// 2^31, or less on a thread whose decoder/encoder has a memory budget (parameter_limit.h):
// compare a config's count with it (`n > kMaxArchParameters`) before building anything.
inline constexpr ParameterLimit kMaxArchParameters{};

/** fail_invalid_argument (a request) or fail_invalid_data (a stream). */
using ArchFailFunction = void (*)(const std::string &message);

}  // namespace nerv

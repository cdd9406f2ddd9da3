#include "train/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace nerv {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NERV_AUTOCAST_PER_DEVICE 1
#else
#define NERV_AUTOCAST_PER_DEVICE 0
#endif

AutocastBf16::AutocastBf16(bool enable) : enabled_(enable)
{
    if (!enabled_)
        return;
#if NERV_AUTOCAST_PER_DEVICE
    previous_ = at::autocast::is_autocast_enabled(at::kCUDA);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    previous_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
}

AutocastBf16::~AutocastBf16()
{
    if (!enabled_)
        return;
#if NERV_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, previous_);
#else
    at::autocast::set_enabled(previous_);
#endif
    at::autocast::clear_cache();
}

}  // namespace nerv

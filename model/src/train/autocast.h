// Scoped bfloat16 autocast on CUDA, across LibTorch versions (the autocast API was
// renamed in 2.4: set_enabled/set_autocast_gpu_dtype -> per-device-type functions).
#pragma once

namespace nerv {

class AutocastBf16 {
public:
    explicit AutocastBf16(bool enable);
    ~AutocastBf16();
    AutocastBf16(const AutocastBf16 &) = delete;
    AutocastBf16 &operator=(const AutocastBf16 &) = delete;

private:
    bool enabled_;
    bool previous_ = false;
};

}  // namespace nerv

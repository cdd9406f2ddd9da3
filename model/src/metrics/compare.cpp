#include "metrics/compare.h"

#include "metrics/psnr.h"
#include "metrics/ssim.h"

namespace nerv {

NervMetrics compare_rgb_planar(const uint8_t *a, const uint8_t *b, int width, int height)
{
    torch::NoGradGuard no_grad;
    auto load = [&](const uint8_t *p) {
        return torch::from_blob(const_cast<uint8_t *>(p), {1, 3, height, width}, torch::kUInt8)
            .to(torch::kFloat64)
            .div(255.0);
    };
    const torch::Tensor x = load(a), y = load(b);
    NervMetrics m{};
    m.mse = (x - y).pow(2).mean().item<double>();
    m.psnr = psnr_from_mse(m.mse);
    m.ssim = height >= 11 && width >= 11 ? ssim(x, y).item<double>() : -1;
    m.ms_ssim = ms_ssim_supported(height, width) ? ms_ssim(x, y).item<double>() : -1;
    return m;
}

}  // namespace nerv

// SSIM and MS-SSIM exactly as pytorch_msssim computes them (the references' metric
// library): separable 11-tap Gaussian (sigma 1.5), "valid" filtering, K1 0.01, K2 0.03,
// data_range 1; MS-SSIM over 5 scales with weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333,
// 2x2 average pooling padded on odd sides. Differentiable; float32 or float64.
#pragma once

#include <vector>

#include <torch/torch.h>

namespace nerv {

struct SsimOptions {
    int window_size = 11;
    double sigma = 1.5;
    double k1 = 0.01, k2 = 0.03;
    double data_range = 1.0;
};

/** Normalised 1-D Gaussian window [window_size] in `dtype`. */
torch::Tensor gaussian_window(int size, double sigma, torch::ScalarType dtype);

/** SSIM per sample [B] (mean over channels and positions). x, y: [B,C,H,W] or [B,C,D,H,W];
 *  spatial axes shorter than the window are not filtered (as pytorch_msssim). */
torch::Tensor ssim(const torch::Tensor &x, const torch::Tensor &y, const SsimOptions &opts = {});

/** MS-SSIM per sample [B]; x, y: [B,C,H,W] with min(H,W) > (window_size - 1) * 16. */
torch::Tensor ms_ssim(const torch::Tensor &x, const torch::Tensor &y, const SsimOptions &opts = {},
                      const std::vector<double> &weights = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333});

/** Whether ms_ssim accepts this size (pytorch_msssim's assertion). */
bool ms_ssim_supported(int64_t height, int64_t width, const SsimOptions &opts = {});

}  // namespace nerv

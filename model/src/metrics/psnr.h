// PSNR on [0,1] data: -10 log10(MSE), per sample, as the references report it
// (per frame, then averaged over frames by the caller).
#pragma once

#include <torch/torch.h>

namespace nerv {

/** Per-sample PSNR [B] in dB of x vs y ([B,...]); identical samples give 100 dB (capped). */
torch::Tensor psnr(const torch::Tensor &x, const torch::Tensor &y);
/** Per-sample PSNR [B] over the visible pixels only: visible is 0/1, broadcastable to x
 *  ([B,1,H,W] for [B,C,H,W]); a sample without a visible pixel gives 100 dB. */
torch::Tensor psnr_visible(const torch::Tensor &x, const torch::Tensor &y, const torch::Tensor &visible);
/** PSNR of an MSE value; 100 dB when mse <= 1e-10. */
double psnr_from_mse(double mse);

}  // namespace nerv

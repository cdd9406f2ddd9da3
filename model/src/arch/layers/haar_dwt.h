// One-level orthonormal Haar wavelet transforms, as SNeRV computes them with
// pytorch_wavelets (wave 'haar', mode 'periodization'; for Haar on even sizes the
// periodic extension is never reached, so the transform is block-local).
//
// 2-D, per channel of x [B,C,H,W] (H, W even). With the 2x2 block
//   a = x[2i,2j]  b = x[2i,2j+1]  c = x[2i+1,2j]  d = x[2i+1,2j+1]
// the coefficients are (pytorch_wavelets' band order and signs):
//   ll          = (a + b + c + d) / 2
//   bands[:,:,0] = (a + b - c - d) / 2   low-pass along rows, high-pass down columns
//   bands[:,:,1] = (a - b + c - d) / 2   high-pass along rows, low-pass down columns
//   bands[:,:,2] = (a - b - c + d) / 2   high-pass both ways
// ll is [B,C,H/2,W/2], bands [B,C,3,H/2,W/2]. haar_idwt2d inverts it exactly (up to
// float rounding), so energy is preserved: |x|^2 = |ll|^2 + |bands|^2.
//
// 1-D over a pair of signals (SNeRV-T's temporal transform of two frames' LL bands):
//   low = (first + second) / sqrt(2),  high = (first - second) / sqrt(2).
// All functions are differentiable and work on any floating dtype and device.
#pragma once

#include <torch/torch.h>

namespace nerv {

struct HaarBands2d {
    torch::Tensor ll;     // [B,C,H/2,W/2]
    torch::Tensor bands;  // [B,C,3,H/2,W/2]
};

/** Throws -EINVAL unless x is [B,C,H,W] with even H and W. */
HaarBands2d haar_dwt2d(const torch::Tensor &x);
/** Inverse of haar_dwt2d: ll [B,C,h,w] and bands [B,C,3,h,w] -> [B,C,2h,2w]. */
torch::Tensor haar_idwt2d(const torch::Tensor &ll, const torch::Tensor &bands);

struct HaarPair1d {
    torch::Tensor low, high;
};

/** Haar along a 2-sample axis: `first` and `second` of one shape. */
HaarPair1d haar_dwt1d_pair(const torch::Tensor &first, const torch::Tensor &second);
struct HaarPairSamples {
    torch::Tensor first, second;
};

/** Inverse of haar_dwt1d_pair. */
HaarPairSamples haar_idwt1d_pair(const torch::Tensor &low, const torch::Tensor &high);

}  // namespace nerv

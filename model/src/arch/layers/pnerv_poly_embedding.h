// PNeRV's positional embeddings (Gupta et al., TMLR 2024, Sec. 3.2). With P patches and
// B frames:
//   FPE(t)         Fourier features of the time, Eq. 4: positional_encoding() (interleaved
//                  sin/cos, the paper's order).                                   [B, 2l]
//   PPE(Lambda)    Eq. 4 applied to the row and to the column of each of a patch's K x L
//                  fine coordinates, concatenated (row | column) into a K x L map of 4l
//                  channels, fused by a non-local block, then one Linear over the flattened
//                  map (the map is "arranged in spatial order", which only a Linear over all
//                  positions sees; the non-local block itself is order-blind).    [P, D]
//   TSE(lambda, t) angle modulation of the coarse coordinate by time, Eqs. 6-7:
//                    Omega_a = 2 pi b^a + sin(2 pi lambda_row b^a) / b^a + sin(2 pi lambda_col b^a) / b^a
//                    TSE     = [cos(Omega_0 t), sin(Omega_0 t), ..., cos(Omega_{n-1} t), sin(Omega_{n-1} t)]
//                  computed in float64 and rounded once: Omega reaches ~2.8e8 at b = 1.25,
//                  a = 79, where float32 phases would be noise.                   [B, P, 2n]
// PPE parameters: nonlocal.{theta,phi,g,out}.{weight,bias}, linear.{weight,bias}.
#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "arch/layers/non_local_block.h"
#include "arch/layers/positional_encoding.h"

namespace nerv {

struct PnervPpeOptions {
    PnervPpeOptions(int64_t fine_rows, int64_t fine_cols, PositionalEncodingOptions pe, int64_t nonlocal_channels,
                    int64_t out_dim)
        : fine_rows_(fine_rows), fine_cols_(fine_cols), pe_(pe), nonlocal_channels_(nonlocal_channels),
          out_dim_(out_dim)
    {
    }
    /** Channels of the fine-coordinate map: 2l for the row + 2l for the column. */
    int64_t map_channels() const { return 4 * static_cast<int64_t>(pe_.levels); }
    int64_t parameter_count() const;

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, fine_rows);          // K
    TORCH_ARG(int64_t, fine_cols);          // L
    TORCH_ARG(PositionalEncodingOptions, pe);
    TORCH_ARG(int64_t, nonlocal_channels);  // inner width of the non-local block
    TORCH_ARG(int64_t, out_dim);            // D
};

class PnervPpeImpl : public torch::nn::Module {
public:
    explicit PnervPpeImpl(const PnervPpeOptions &options);
    /** fine: [P, K, L, 2] (row, column) -> [P, D] */
    torch::Tensor forward(const torch::Tensor &fine);

private:
    PnervPpeOptions options_;
    NonLocalBlock nonlocal_{nullptr};
    torch::nn::Linear linear_{nullptr};
};
TORCH_MODULE(PnervPpe);

/** TSE of Eqs. 6-7. coarse: [P, 2] (row, column); t: [B] float64 times.
 *  Returns [B, P, 2 * levels] float32 on coarse's device. */
torch::Tensor time_aware_spatial_embedding(const torch::Tensor &coarse, const torch::Tensor &t, int64_t levels,
                                           double base);

}  // namespace nerv

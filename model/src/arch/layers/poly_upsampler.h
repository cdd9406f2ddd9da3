// U of PNeRV's decoder (Gupta et al., TMLR 2024, Sec. 3.4, Fig. 9, Table 11): a 3rd-order
// polynomial of the fused embedding z that produces the first feature map. The paper gives
// its parts (fully connected layers, transposed convolutions, a reshape; 324 x 9 x 16 at
// 720p) but not their sizes; this is the NCP recursion of Eq. 2 with those parts:
//   x_1 = S_1(A_1 z)                    A_n: Linear z -> c (a [c, 1, 1] map);
//                                       S_1: ConvT with a grid_h x grid_w kernel, which
//                                       spreads the 1x1 map over the grid (DCGAN's
//                                       "project and reshape")
//   x_n = (A_n z) (*) S_n(x_{n-1}),     S_2, S_3: ConvT3x3, stride 1; n = 2, 3
//   U(z) = C(x_3)                       C: ConvT1x1 c -> out (the NCP output map C, q)
// (*) broadcasts the vector A_n z over the map. Every x_n is a polynomial of degree n in z;
// there is no activation (polynomials need none, Sec. 2).
// Parameters: a.{0,1,2}.*, project.*, s.{0,1}.*, out.*
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace nerv {

struct PolyUpsamplerOptions {
    PolyUpsamplerOptions(int64_t in_dim, int64_t hidden, int64_t out_channels, int64_t grid_h, int64_t grid_w)
        : in_dim_(in_dim), hidden_(hidden), out_channels_(out_channels), grid_h_(grid_h), grid_w_(grid_w)
    {
    }
    int64_t parameter_count() const;
    /** "Linear 160->16 x3, ConvT11x18 1x1->grid, ConvT3x3 16->16 x2, products, ConvT1x1 16->324" */
    std::string description() const;

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, in_dim);        // z
    TORCH_ARG(int64_t, hidden);        // c
    TORCH_ARG(int64_t, out_channels);
    TORCH_ARG(int64_t, grid_h);        // output map size
    TORCH_ARG(int64_t, grid_w);
};

class PolyUpsamplerImpl : public torch::nn::Module {
public:
    explicit PolyUpsamplerImpl(const PolyUpsamplerOptions &options);
    /** z: [N, in_dim] -> [N, out_channels, grid_h, grid_w] */
    torch::Tensor forward(const torch::Tensor &z);

private:
    std::vector<torch::nn::Linear> a_;
    torch::nn::ConvTranspose2d project_{nullptr};
    std::vector<torch::nn::ConvTranspose2d> s_;
    torch::nn::ConvTranspose2d out_{nullptr};
};
TORCH_MODULE(PolyUpsampler);

}  // namespace nerv

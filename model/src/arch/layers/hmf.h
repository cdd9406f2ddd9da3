// Higher-order Multiplicative Fusion (PNeRV, Gupta et al., TMLR 2024, Eq. 8 and Fig. 4): a
// Nested-CoPE-style polynomial fusing a time embedding with a space embedding,
//   x_1 = A_1,s s + A_1,t t
//   x_n = (A_n,t t + A_n,s s) (*) x_{n-1} + x_{n-1},   n = 2..order
// (*) the Hadamard product. Each product adds one degree, so x_order holds the auto- and
// cross-correlation terms of t and s up to that degree, which concatenation or addition
// cannot express. The A are Linear layers with bias (the paper: 80 x 160, rank k = 160,
// order 3). Time and space embeddings come in separate batches (frames, patches) and are
// broadcast against each other, so every patch of every frame is fused without copies.
// Parameters: time.{n}.{weight,bias}, space.{n}.{weight,bias}, n = 0..order-1.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace nerv {

struct HmfOptions {
    HmfOptions(int64_t time_dim, int64_t space_dim, int64_t rank)
        : time_dim_(time_dim), space_dim_(space_dim), rank_(rank)
    {
    }
    int64_t parameter_count() const { return order_ * ((time_dim_ + 1) * rank_ + (space_dim_ + 1) * rank_); }

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, time_dim);
    TORCH_ARG(int64_t, space_dim);
    TORCH_ARG(int64_t, rank);      // k: width of every x_n
    TORCH_ARG(int64_t, order) = 3;
};

class HmfImpl : public torch::nn::Module {
public:
    explicit HmfImpl(const HmfOptions &options);
    /** time: [B, time_dim], space: [P, space_dim] -> [B, P, rank] */
    torch::Tensor forward(const torch::Tensor &time, const torch::Tensor &space);

private:
    std::vector<torch::nn::Linear> time_, space_;
};
TORCH_MODULE(Hmf);

}  // namespace nerv

// E-NeRV's transformer block (kyleleey/E-NeRV model/E_NeRV.py, TransformerBlock with
// prenorm=False, dropout 0):
//   x = Attention(x) + x;   x = FFN(x) + x
// There is no LayerNorm: E-NeRV trains without one and its tokens come straight from a
// GELU MLP. Heads split the channels as (head, d), like einops' 'b n (h d) -> b h n d',
// so that weights keep the reference's layout.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace nerv {

struct EnervTransformerOptions {
    EnervTransformerOptions(int64_t dim, int64_t heads, int64_t dim_head, int64_t mlp_dim)
        : dim_(dim), heads_(heads), dim_head_(dim_head), mlp_dim_(mlp_dim)
    {
    }
    /** The reference drops the output projection when one head already has the token
     *  width (its `project_out`). */
    bool projects_out() const { return !(heads_ == 1 && dim_head_ == dim_); }
    /** Parameters of one block, from the options alone. */
    int64_t parameter_count() const;

    // TORCH_ARG leaves the section private: keep these last.
    TORCH_ARG(int64_t, dim);       // token width
    TORCH_ARG(int64_t, heads);
    TORCH_ARG(int64_t, dim_head);  // width of one head's q, k, v
    TORCH_ARG(int64_t, mlp_dim);   // FFN hidden width
};

/** Multi-head self-attention: softmax(q k^T / sqrt(dim_head)) v. */
class EnervAttentionImpl : public torch::nn::Module {
public:
    explicit EnervAttentionImpl(const EnervTransformerOptions &options);
    /** x: [B, N, dim] -> [B, N, dim] */
    torch::Tensor forward(const torch::Tensor &x);

private:
    EnervTransformerOptions options_;
    torch::nn::Linear to_qkv_{nullptr};  // no bias, as in the reference
    torch::nn::Linear to_out_{nullptr};  // absent when !projects_out()
};
TORCH_MODULE(EnervAttention);

class EnervTransformerBlockImpl : public torch::nn::Module {
public:
    explicit EnervTransformerBlockImpl(const EnervTransformerOptions &options);
    /** x: [B, N, dim] -> [B, N, dim] */
    torch::Tensor forward(const torch::Tensor &x);

private:
    EnervAttention attn_{nullptr};
    // Linear -> GELU -> Linear; GELU whatever the model's `act` (hard-coded in the reference).
    torch::nn::Sequential ffn_{nullptr};
};
TORCH_MODULE(EnervTransformerBlock);

}  // namespace nerv

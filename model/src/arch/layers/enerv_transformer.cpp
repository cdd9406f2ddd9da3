#include "arch/layers/enerv_transformer.h"

#include <cmath>

#include "arch/layers/activation.h"

namespace nerv {

int64_t EnervTransformerOptions::parameter_count() const
{
    const int64_t inner = heads_ * dim_head_;
    int64_t n = dim_ * inner * 3;  // to_qkv
    if (projects_out())
        n += inner * dim_ + dim_;
    n += dim_ * mlp_dim_ + mlp_dim_;  // ffn.0
    n += mlp_dim_ * dim_ + dim_;      // ffn.2
    return n;
}

EnervAttentionImpl::EnervAttentionImpl(const EnervTransformerOptions &options) : options_(options)
{
    const int64_t inner = options.heads() * options.dim_head();
    to_qkv_ = register_module("to_qkv",
                              torch::nn::Linear(torch::nn::LinearOptions(options.dim(), inner * 3).bias(false)));
    if (options.projects_out())
        to_out_ = register_module("to_out", torch::nn::Linear(inner, options.dim()));
}

torch::Tensor EnervAttentionImpl::forward(const torch::Tensor &x)
{
    const int64_t batch = x.size(0), tokens = x.size(1);
    const int64_t heads = options_.heads(), dim_head = options_.dim_head();
    std::vector<torch::Tensor> qkv = to_qkv_->forward(x).chunk(3, -1);
    // [B, N, H*d] -> [B, H, N, d]
    auto split_heads = [&](const torch::Tensor &t) {
        return t.reshape({batch, tokens, heads, dim_head}).transpose(1, 2);
    };
    torch::Tensor q = split_heads(qkv[0]), k = split_heads(qkv[1]), v = split_heads(qkv[2]);
    torch::Tensor dots = torch::matmul(q, k.transpose(-1, -2)) * std::pow(static_cast<double>(dim_head), -0.5);
    torch::Tensor out = torch::matmul(torch::softmax(dots, -1), v);
    out = out.transpose(1, 2).reshape({batch, tokens, heads * dim_head});
    return options_.projects_out() ? to_out_->forward(out) : out;
}

EnervTransformerBlockImpl::EnervTransformerBlockImpl(const EnervTransformerOptions &options)
{
    attn_ = register_module("attn", EnervAttention(options));
    ffn_ = register_module("ffn", torch::nn::Sequential(torch::nn::Linear(options.dim(), options.mlp_dim())));
    ffn_->push_back(make_activation("gelu"));
    ffn_->push_back(torch::nn::Linear(options.mlp_dim(), options.dim()));
}

torch::Tensor EnervTransformerBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor y = attn_->forward(x) + x;
    return ffn_->forward(y) + y;
}

}  // namespace nerv

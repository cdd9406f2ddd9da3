#include "arch/layers/activation.h"

#include "core/error.h"

namespace nerv {
namespace {

// Debian's LibTorch 1.13 computes exact GELU's backward wrongly (errors up to 1e25, different
// on every call) whenever the incoming gradient's memory layout differs from the input's: a
// GELU output permuted downstream, or an NCHW input whose gradient arrives channels-last.
// Every GELU of every architecture is built here, so this is the one place that guards it:
// the input keeps its own dense layout (NCHW or channels-last, no copy when it already is
// one) and the gradient is brought to that same layout before GELU's backward sees it.
struct SameLayoutGradient : public torch::autograd::Function<SameLayoutGradient> {
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &y)
    {
        ctx->saved_data["channels_last"] = y.dim() == 4 && !y.is_contiguous() && y.is_contiguous(at::MemoryFormat::ChannelsLast);
        return y;
    }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grads)
    {
        const bool channels_last = ctx->saved_data["channels_last"].toBool();
        return {grads[0].contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous)};
    }
};

class SafeGeluImpl : public torch::nn::Module {
public:
    torch::Tensor forward(const torch::Tensor &x)
    {
        // Only a tensor that is channels-last and not also contiguous (C or H*W of 1 are both)
        // stays so: an NCHW model's tensors keep NCHW, and its numbers do not change.
        const bool channels_last = x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
        torch::Tensor y =
            torch::gelu(x.contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous));
        return y.requires_grad() ? SameLayoutGradient::apply(y) : y;
    }
};
TORCH_MODULE(SafeGelu);

}  // namespace

bool is_activation_name(const std::string &name)
{
    static const char *names[] = {"gelu", "swish", "silu", "relu", "leaky01", "leaky", "tanh", "sigmoid", "none"};
    for (const char *n : names) {
        if (name == n)
            return true;
    }
    return false;
}

torch::nn::AnyModule make_activation(const std::string &name)
{
    namespace nn = torch::nn;
    if (name == "gelu")
        return nn::AnyModule(SafeGelu());
    if (name == "swish" || name == "silu")
        return nn::AnyModule(nn::SiLU());
    if (name == "relu")
        return nn::AnyModule(nn::ReLU());
    if (name == "leaky01")
        return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.1)));
    if (name == "leaky")
        return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.01)));
    if (name == "tanh")
        return nn::AnyModule(nn::Tanh());
    if (name == "sigmoid")
        return nn::AnyModule(nn::Sigmoid());
    if (name == "none")
        return nn::AnyModule(nn::Identity());
    fail_invalid_argument(format("unknown activation '%s' (valid: gelu, swish, silu, relu, leaky01, leaky, tanh, "
                                 "sigmoid, none)",
                                 name.c_str()));
}

}  // namespace nerv

#include "arch/layers/activation.h"

#include "core/error.h"

namespace nerv {
namespace {

// Debian's LibTorch 1.13 computes exact GELU's backward wrongly (garbage, sometimes NaN)
// when the incoming gradient is not contiguous, which happens whenever a GELU output is
// permuted or transposed downstream. This identity makes that gradient contiguous first.
struct ContiguousGradient : public torch::autograd::Function<ContiguousGradient> {
    static torch::Tensor forward(torch::autograd::AutogradContext *, const torch::Tensor &x) { return x; }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *,
                                                   torch::autograd::variable_list grads)
    {
        return {grads[0].contiguous()};
    }
};

class SafeGeluImpl : public torch::nn::Module {
public:
    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor y = torch::gelu(x.contiguous());
        return y.requires_grad() ? ContiguousGradient::apply(y) : y;
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

// Activations by the references' names: gelu (exact erf), swish/silu, relu, leaky01
// (LeakyReLU 0.1), leaky (0.01), tanh, sigmoid, none.
#pragma once

#include <string>

#include <torch/torch.h>

namespace nerv {

/** An activation module; throws -EINVAL naming the valid choices for an unknown name. */
torch::nn::AnyModule make_activation(const std::string &name);
/** Whether `name` is a known activation. */
bool is_activation_name(const std::string &name);

}  // namespace nerv

#include "arch/layers/layer_text.h"

namespace nerv {

std::string activation_label(const std::string &name)
{
    if (name == "gelu")
        return "GELU";
    if (name == "swish" || name == "silu")
        return "SiLU";
    if (name == "relu")
        return "ReLU";
    if (name == "leaky01")
        return "LeakyReLU(0.1)";
    if (name == "leaky")
        return "LeakyReLU(0.01)";
    if (name == "tanh")
        return "Tanh";
    if (name == "sigmoid")
        return "Sigmoid";
    if (name == "none")
        return "no act";
    return name;
}

std::string conv_label(int64_t kernel, int64_t in_channels, int64_t out_channels, int64_t stride)
{
    std::string s = "Conv" + std::to_string(kernel) + "x" + std::to_string(kernel);
    if (stride > 1)
        s += "/" + std::to_string(stride);
    return s + " " + std::to_string(in_channels) + "->" + std::to_string(out_channels);
}

std::string join_ints(const std::vector<int64_t> &values, const char *separator)
{
    std::string s;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i)
            s += separator;
        s += std::to_string(values[i]);
    }
    return s;
}

}  // namespace nerv

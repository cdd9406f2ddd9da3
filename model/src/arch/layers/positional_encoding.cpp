#include "arch/layers/positional_encoding.h"

#include <cmath>
#include <cstdlib>

namespace nerv {

torch::Tensor positional_encoding(const torch::Tensor &t, const PositionalEncodingOptions &opts)
{
    // (t * b^l) * pi as two tensor-scalar products, in the references' order, so float32
    // results match theirs bit for bit.
    std::vector<torch::Tensor> sins, coss;
    sins.reserve(opts.levels);
    coss.reserve(opts.levels);
    for (int l = 0; l < opts.levels; ++l) {
        torch::Tensor v = t * std::pow(opts.base, l) * M_PI;
        sins.push_back(torch::sin(v));
        coss.push_back(torch::cos(v));
    }
    if (opts.order == PeOrder::Concatenated) {
        std::vector<torch::Tensor> all = sins;
        all.insert(all.end(), coss.begin(), coss.end());
        return torch::stack(all, 1);
    }
    std::vector<torch::Tensor> all;
    all.reserve(2 * opts.levels);
    for (int l = 0; l < opts.levels; ++l) {
        all.push_back(sins[l]);
        all.push_back(coss[l]);
    }
    return torch::stack(all, 1);
}

bool parse_pe_spec(const std::string &spec, double *base, int *levels)
{
    size_t us = spec.find('_');
    if (us == std::string::npos)
        return false;
    char *end = nullptr;
    double b = std::strtod(spec.c_str(), &end);
    if (end != spec.c_str() + us || !(b > 0))
        return false;
    long l = std::strtol(spec.c_str() + us + 1, &end, 10);
    if (*end != '\0' || l < 1 || l > 256)
        return false;
    *base = b;
    *levels = static_cast<int>(l);
    return true;
}

}  // namespace nerv

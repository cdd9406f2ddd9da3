// Fourier positional encoding of a scalar position t:
//   gamma(t) = sin(b^0 pi t), cos(b^0 pi t), ..., sin(b^(L-1) pi t), cos(b^(L-1) pi t)
// Two orderings exist in the references and must not be mixed up:
//   Interleaved  (NeRV, E-NeRV): [sin0, cos0, sin1, cos1, ...]
//   Concatenated (HNeRV, SNeRV): [sin0, sin1, ..., cos0, cos1, ...]
#pragma once

#include <torch/torch.h>

namespace nerv {

enum class PeOrder { Interleaved, Concatenated };

struct PositionalEncodingOptions {
    double base = 1.25;   // b
    int levels = 40;      // L; output has 2L values
    PeOrder order = PeOrder::Interleaved;
};

/** t: [B] (any float dtype) -> [B, 2L] of t's dtype. */
torch::Tensor positional_encoding(const torch::Tensor &t, const PositionalEncodingOptions &opts);

/** Parse the references' "1.25_40" notation. Returns false if malformed. */
bool parse_pe_spec(const std::string &spec, double *base, int *levels);

}  // namespace nerv

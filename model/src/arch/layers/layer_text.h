// Short human-readable descriptions shared by the architectures' layer tables
// (`nerv arch`): "Conv3x3 57->768", "Conv5x5/5 3->64", "GELU", "5,4,4,2,2".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nerv {

/** Display name of an activation known to make_activation(): "gelu" -> "GELU", "swish" -> "SiLU". */
std::string activation_label(const std::string &name);

/** "Conv{k}x{k} in->out", with "/stride" appended after the kernel when stride > 1. */
std::string conv_label(int64_t kernel, int64_t in_channels, int64_t out_channels, int64_t stride = 1);

/** "5,4,4,2,2" (or with another separator, e.g. "x" for "16x2x4"). */
std::string join_ints(const std::vector<int64_t> &values, const char *separator = ",");

}  // namespace nerv

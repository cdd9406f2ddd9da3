// The tensor table of a segment chunk (docs/container-format.md, "Tensor entries"): used
// for both the decoder weights and the per-frame tensor codecs. One set of rules serves the
// writer (which refuses with -EINVAL to produce what a reader would reject) and the reader.
#pragma once

#include <string>
#include <vector>

#include "container/records.h"
#include "core/byte_io.h"

namespace nerv {

/** Why `name` is not a valid tensor name (1..256 visible ASCII bytes), or "" if it is. */
std::string tensor_name_problem(const std::string &name);
/** Why `shape` is not storable (rank, a dimension, or the element count out of limits), or "". */
std::string tensor_shape_problem(const std::vector<int64_t> &shape);

/** `table` names the list in messages ("tensor", "frame codec"). */
void write_tensor_entries(ByteWriter &w, const std::vector<TensorEntry> &entries, const char *table);
std::vector<TensorEntry> read_tensor_entries(ByteReader &r, const char *table);

}  // namespace nerv

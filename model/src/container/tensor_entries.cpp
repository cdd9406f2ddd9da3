#include "container/tensor_entries.h"

#include <cinttypes>
#include <unordered_set>

#include "core/error.h"

namespace nerv {

namespace {

constexpr int64_t kMaxDimension = int64_t(1) << 31;
// Smallest serialized entry: 1-byte name (u32 length + 1), ndim, payload size.
constexpr size_t kMinEntryBytes = 4 + 1 + 1 + 8;

}  // namespace

std::string tensor_name_problem(const std::string &name)
{
    if (name.empty())
        return "tensor name is empty";
    if (name.size() > StreamLimits::kMaxNameLength)
        return format("tensor name of %zu bytes is longer than %u", name.size(), StreamLimits::kMaxNameLength);
    for (size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x21 || c > 0x7e)
            return format("tensor name has byte 0x%02x at position %zu (allowed: visible ASCII 0x21..0x7e)", c, i);
    }
    return std::string();
}

std::string tensor_shape_problem(const std::vector<int64_t> &shape)
{
    if (shape.size() > StreamLimits::kMaxDims)
        return format("%zu dimensions, more than %u", shape.size(), StreamLimits::kMaxDims);
    int64_t elements = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 1 || shape[d] > kMaxDimension)
            return format("dimension %zu is %" PRId64 ", outside [1, %" PRId64 "]", d, shape[d], kMaxDimension);
        // Both factors are <= 2^31 here, so the product cannot overflow.
        elements *= shape[d];
        if (elements > StreamLimits::kMaxTensorElements)
            return format("more than %" PRId64 " elements", StreamLimits::kMaxTensorElements);
    }
    return std::string();
}

void write_tensor_entries(ByteWriter &w, const std::vector<TensorEntry> &entries, const char *table)
{
    if (entries.size() > StreamLimits::kMaxTensors)
        fail_invalid_argument(format("segment has %zu %s entries, more than %u", entries.size(), table,
                                     StreamLimits::kMaxTensors));
    std::unordered_set<std::string> seen;
    w.u32(static_cast<uint32_t>(entries.size()));
    for (size_t i = 0; i < entries.size(); ++i) {
        const TensorEntry &t = entries[i];
        std::string problem = tensor_name_problem(t.name);
        if (problem.empty())
            problem = tensor_shape_problem(t.shape);
        if (problem.empty() && !seen.insert(t.name).second)
            problem = "the name appears twice";
        if (!problem.empty())
            fail_invalid_argument(format("segment %s %zu ('%s'): %s", table, i, t.name.c_str(), problem.c_str()));
        w.string(t.name);
        w.u8(static_cast<uint8_t>(t.shape.size()));
        for (int64_t d : t.shape)
            w.i64(d);
        w.u64(t.payload.size());
        w.bytes(t.payload);
    }
}

std::vector<TensorEntry> read_tensor_entries(ByteReader &r, const char *table)
{
    uint32_t count = r.u32("tensor count");
    if (count > StreamLimits::kMaxTensors)
        fail_invalid_data(format("%s: %u %s entries exceed the limit %u", r.what().c_str(), count, table,
                                 StreamLimits::kMaxTensors));
    if (size_t(count) * kMinEntryBytes > r.remaining())
        fail_invalid_data(format("%s: %u %s entries cannot fit in the %zu bytes left at offset %zu",
                                 r.what().c_str(), count, table, r.remaining(), r.position()));

    std::vector<TensorEntry> entries;
    entries.reserve(count);
    std::unordered_set<std::string> seen;
    for (uint32_t i = 0; i < count; ++i) {
        TensorEntry t;
        t.name = r.string("tensor name", StreamLimits::kMaxNameLength);
        std::string problem = tensor_name_problem(t.name);
        if (!problem.empty())
            fail_invalid_data(format("%s: %s %u: %s", r.what().c_str(), table, i, problem.c_str()));
        if (!seen.insert(t.name).second)
            fail_invalid_data(format("%s: %s name '%s' appears twice", r.what().c_str(), table, t.name.c_str()));

        uint8_t ndim = r.u8("tensor rank");
        if (ndim > StreamLimits::kMaxDims)
            fail_invalid_data(format("%s: %s '%s' has %u dimensions, more than %u", r.what().c_str(), table,
                                     t.name.c_str(), ndim, StreamLimits::kMaxDims));
        t.shape.resize(ndim);
        for (int64_t &d : t.shape)
            d = r.i64("tensor dimension");
        problem = tensor_shape_problem(t.shape);
        if (!problem.empty())
            fail_invalid_data(format("%s: %s '%s': %s", r.what().c_str(), table, t.name.c_str(), problem.c_str()));

        uint64_t payload_size = r.u64("tensor payload size");
        if (payload_size > r.remaining())
            fail_invalid_data(format("%s: %s '%s' declares %llu payload bytes but %zu remain at offset %zu",
                                     r.what().c_str(), table, t.name.c_str(),
                                     static_cast<unsigned long long>(payload_size), r.remaining(), r.position()));
        const uint8_t *payload = r.bytes(static_cast<size_t>(payload_size), "tensor payload");
        t.payload.assign(payload, payload + payload_size);
        entries.push_back(std::move(t));
    }
    return entries;
}

}  // namespace nerv

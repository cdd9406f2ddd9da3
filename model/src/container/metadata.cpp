#include "container/metadata.h"

#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <unordered_set>
#include <utility>

#include "container/records.h"
#include "core/error.h"

namespace nerv {

namespace {

using Type = Metadata::Type;

constexpr uint32_t kMaxKeyLength = StreamLimits::kMaxNameLength;
constexpr uint32_t kMaxValueCount = StreamLimits::kMaxMetadataValueCount;
// Smallest possible serialized entry: 1-byte key (u32 length + 1) + type + a u32 count.
constexpr size_t kMinEntryBytes = 4 + 1 + 1 + 4;
// Arrays longer than this are elided in to_text() so `nerv info` stays readable.
constexpr size_t kTextArrayHead = 16;

const char *type_name(Type type)
{
    switch (type) {
    case Type::Int: return "int";
    case Type::Float: return "float";
    case Type::String: return "string";
    case Type::IntArray: return "int array";
    case Type::FloatArray: return "float array";
    }
    return "unknown type";
}

bool is_key_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

/** Why `key` is not a valid key, or "" if it is. Shared by setters (-EINVAL) and read() (invalid data). */
std::string key_problem(const std::string &key)
{
    if (key.empty())
        return "metadata key is empty";
    if (key.size() > kMaxKeyLength)
        return format("metadata key of %zu bytes is longer than %u", key.size(), kMaxKeyLength);
    for (size_t i = 0; i < key.size(); ++i)
        if (!is_key_character(key[i]))
            return format("metadata key has byte 0x%02x at position %zu (allowed: A-Z a-z 0-9 . _ -)",
                          static_cast<unsigned char>(key[i]), i);
    return std::string();
}

void require_settable(const std::string &key, size_t value_count)
{
    std::string problem = key_problem(key);
    if (!problem.empty())
        fail_invalid_argument(problem);
    if (value_count > kMaxValueCount)
        fail_invalid_argument(format("metadata '%s': %zu values exceed the limit %u", key.c_str(), value_count,
                                     kMaxValueCount));
}

/** Shortest "%g" text that reads back as exactly `v`. */
std::string float_text(double v)
{
    for (int precision = 1; precision < 17; ++precision) {
        std::string text = format("%.*g", precision, v);
        if (std::strtod(text.c_str(), nullptr) == v)
            return text;
    }
    return format("%.17g", v);
}

std::string quoted(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += format("\\x%02x", u);  // never pass terminal control bytes from a stream through
        } else {
            out += c;
        }
    }
    return out + "\"";
}

template <typename T, typename ToText>
std::string array_text(const std::vector<T> &values, ToText to_text)
{
    std::string out = "[";
    for (size_t i = 0; i < values.size() && i < kTextArrayHead; ++i)
        out += (i ? ", " : "") + to_text(values[i]);
    if (values.size() > kTextArrayHead)
        out += format(", ... (%zu values)", values.size());
    return out + "]";
}

/** Reads a u32 element count and checks that `count * element_size` bytes are actually there. */
uint32_t read_array_count(ByteReader &r, const std::string &key, size_t element_size)
{
    uint32_t count = r.u32("metadata array count");
    if (count > kMaxValueCount)
        fail_invalid_data(format("%s: metadata '%s' has %u values, more than the limit %u", r.what().c_str(),
                                 key.c_str(), count, kMaxValueCount));
    if (size_t(count) * element_size > r.remaining())
        fail_invalid_data(format("%s: metadata '%s' claims %u values but only %zu bytes remain at offset %zu",
                                 r.what().c_str(), key.c_str(), count, r.remaining(), r.position()));
    return count;
}

}  // namespace

// --- setters ----------------------------------------------------------------------

Metadata::Entry *Metadata::find(const std::string &key)
{
    for (Entry &e : entries_)
        if (e.key == key)
            return &e;
    return nullptr;
}

const Metadata::Entry *Metadata::find(const std::string &key) const
{
    for (const Entry &e : entries_)
        if (e.key == key)
            return &e;
    return nullptr;
}

bool Metadata::has(const std::string &key) const { return find(key) != nullptr; }

namespace {
/** Replaces the entry with the same key in place, or appends a new one. */
void store(std::vector<Metadata::Entry> &entries, Metadata::Entry *existing, Metadata::Entry entry)
{
    if (existing) {
        *existing = std::move(entry);
        return;
    }
    if (entries.size() >= StreamLimits::kMaxMetadataEntries)
        fail_invalid_argument(format("metadata '%s': more than %u entries", entry.key.c_str(),
                                     StreamLimits::kMaxMetadataEntries));
    entries.push_back(std::move(entry));
}
}  // namespace

void Metadata::set_int(const std::string &key, int64_t v)
{
    require_settable(key, 1);
    Entry e;
    e.key = key;
    e.type = Type::Int;
    e.i = v;
    store(entries_, find(key), std::move(e));
}

void Metadata::set_float(const std::string &key, double v)
{
    require_settable(key, 1);
    Entry e;
    e.key = key;
    e.type = Type::Float;
    e.f = v;
    store(entries_, find(key), std::move(e));
}

void Metadata::set_string(const std::string &key, const std::string &v)
{
    require_settable(key, v.size());
    Entry e;
    e.key = key;
    e.type = Type::String;
    e.s = v;
    store(entries_, find(key), std::move(e));
}

void Metadata::set_ints(const std::string &key, const std::vector<int64_t> &v)
{
    require_settable(key, v.size());
    Entry e;
    e.key = key;
    e.type = Type::IntArray;
    e.ints = v;
    store(entries_, find(key), std::move(e));
}

void Metadata::set_floats(const std::string &key, const std::vector<double> &v)
{
    require_settable(key, v.size());
    Entry e;
    e.key = key;
    e.type = Type::FloatArray;
    e.floats = v;
    store(entries_, find(key), std::move(e));
}

// --- getters ----------------------------------------------------------------------

const Metadata::Entry &Metadata::require(const std::string &key, Type type) const
{
    const Entry *e = find(key);
    if (!e)
        fail_invalid_data(format("metadata '%s' is missing (expected type %s)", key.c_str(), type_name(type)));
    if (e->type != type)
        fail_invalid_data(format("metadata '%s' has type %s, expected %s", key.c_str(), type_name(e->type),
                                 type_name(type)));
    return *e;
}

int64_t Metadata::get_int(const std::string &key) const { return require(key, Type::Int).i; }

int64_t Metadata::get_int(const std::string &key, int64_t lo, int64_t hi) const
{
    int64_t v = get_int(key);
    if (v < lo || v > hi)
        fail_invalid_data(format("metadata '%s' = %" PRId64 " is outside [%" PRId64 ", %" PRId64 "]", key.c_str(), v,
                                 lo, hi));
    return v;
}

double Metadata::get_float(const std::string &key) const { return require(key, Type::Float).f; }

double Metadata::get_float(const std::string &key, double lo, double hi) const
{
    double v = get_float(key);
    if (!(v >= lo && v <= hi))  // also rejects NaN
        fail_invalid_data(format("metadata '%s' = %g is outside [%g, %g]", key.c_str(), v, lo, hi));
    return v;
}

std::string Metadata::get_string(const std::string &key) const { return require(key, Type::String).s; }

std::vector<int64_t> Metadata::get_ints(const std::string &key) const { return require(key, Type::IntArray).ints; }

std::vector<int64_t> Metadata::get_ints(const std::string &key, size_t min_n, size_t max_n, int64_t lo,
                                        int64_t hi) const
{
    const std::vector<int64_t> &v = require(key, Type::IntArray).ints;
    if (v.size() < min_n || v.size() > max_n)
        fail_invalid_data(format("metadata '%s' has %zu values, expected %zu to %zu", key.c_str(), v.size(), min_n,
                                 max_n));
    for (size_t i = 0; i < v.size(); ++i)
        if (v[i] < lo || v[i] > hi)
            fail_invalid_data(format("metadata '%s'[%zu] = %" PRId64 " is outside [%" PRId64 ", %" PRId64 "]",
                                     key.c_str(), i, v[i], lo, hi));
    return v;
}

std::vector<double> Metadata::get_floats(const std::string &key) const
{
    return require(key, Type::FloatArray).floats;
}

// --- serialization ------------------------------------------------------------------

void Metadata::write(ByteWriter &w) const
{
    w.u32(static_cast<uint32_t>(entries_.size()));
    for (const Entry &e : entries_) {
        w.string(e.key);
        w.u8(static_cast<uint8_t>(e.type));
        switch (e.type) {
        case Type::Int: w.i64(e.i); break;
        case Type::Float: w.f64(e.f); break;
        case Type::String: w.string(e.s); break;
        case Type::IntArray:
            w.u32(static_cast<uint32_t>(e.ints.size()));
            for (int64_t v : e.ints)
                w.i64(v);
            break;
        case Type::FloatArray:
            w.u32(static_cast<uint32_t>(e.floats.size()));
            for (double v : e.floats)
                w.f64(v);
            break;
        }
    }
}

Metadata Metadata::read(ByteReader &r)
{
    uint32_t count = r.u32("metadata entry count");
    if (count > StreamLimits::kMaxMetadataEntries)
        fail_invalid_data(format("%s: %u metadata entries exceed the limit %u", r.what().c_str(), count,
                                 StreamLimits::kMaxMetadataEntries));
    if (size_t(count) * kMinEntryBytes > r.remaining())
        fail_invalid_data(format("%s: %u metadata entries cannot fit in the %zu bytes left at offset %zu",
                                 r.what().c_str(), count, r.remaining(), r.position()));

    Metadata meta;
    meta.entries_.reserve(count);
    std::unordered_set<std::string> seen;
    for (uint32_t n = 0; n < count; ++n) {
        Entry e;
        e.key = r.string("metadata key", kMaxKeyLength);
        std::string problem = key_problem(e.key);
        if (!problem.empty())
            fail_invalid_data(format("%s: metadata entry %u: %s", r.what().c_str(), n, problem.c_str()));
        if (!seen.insert(e.key).second)
            fail_invalid_data(format("%s: metadata key '%s' appears twice", r.what().c_str(), e.key.c_str()));

        uint8_t type = r.u8("metadata type");
        switch (type) {
        case uint8_t(Type::Int): e.i = r.i64("metadata int"); break;
        case uint8_t(Type::Float): e.f = r.f64("metadata float"); break;
        case uint8_t(Type::String): e.s = r.string("metadata string", kMaxValueCount); break;
        case uint8_t(Type::IntArray): {
            uint32_t values = read_array_count(r, e.key, 8);
            e.ints.resize(values);
            for (int64_t &v : e.ints)
                v = r.i64("metadata int array");
            break;
        }
        case uint8_t(Type::FloatArray): {
            uint32_t values = read_array_count(r, e.key, 8);
            e.floats.resize(values);
            for (double &v : e.floats)
                v = r.f64("metadata float array");
            break;
        }
        default:
            fail_invalid_data(format("%s: metadata '%s' has unknown type %u (valid: 1..5)", r.what().c_str(),
                                     e.key.c_str(), type));
        }
        e.type = static_cast<Type>(type);
        meta.entries_.push_back(std::move(e));
    }
    return meta;
}

std::string Metadata::to_text() const
{
    std::string out;
    for (const Entry &e : entries_) {
        out += e.key + " = ";
        switch (e.type) {
        case Type::Int: out += format("%" PRId64, e.i); break;
        case Type::Float: out += float_text(e.f); break;
        case Type::String: out += quoted(e.s); break;
        case Type::IntArray: out += array_text(e.ints, [](int64_t v) { return format("%" PRId64, v); }); break;
        case Type::FloatArray: out += array_text(e.floats, float_text); break;
        }
        out += '\n';
    }
    return out;
}

}  // namespace nerv

// Typed key/value metadata (GGUF-like) stored in the stream header and in each
// segment: the resolved architecture config ("hnerv.fc_dim"), video properties
// ("video.width"), training figures ("train.psnr"). Keys are namespaced with dots.
// Entries keep insertion order so serialization is deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/byte_io.h"

namespace nerv {

class Metadata {
public:
    enum class Type : uint8_t { Int = 1, Float = 2, String = 3, IntArray = 4, FloatArray = 5 };

    struct Entry {
        std::string key;
        Type type = Type::Int;
        int64_t i = 0;
        double f = 0;
        std::string s;
        std::vector<int64_t> ints;
        std::vector<double> floats;
    };

    /** Setters replace an existing key (keeping its position) or append. */
    void set_int(const std::string &key, int64_t v);
    void set_float(const std::string &key, double v);
    void set_string(const std::string &key, const std::string &v);
    void set_ints(const std::string &key, const std::vector<int64_t> &v);
    void set_floats(const std::string &key, const std::vector<double> &v);

    bool has(const std::string &key) const;
    /** Getters throw NERV_ERROR_INVALIDDATA when the key is missing, has another type,
     *  or (bounded forms) is outside [lo, hi] / has more than max_n elements. */
    int64_t get_int(const std::string &key) const;
    int64_t get_int(const std::string &key, int64_t lo, int64_t hi) const;
    double get_float(const std::string &key) const;
    double get_float(const std::string &key, double lo, double hi) const;
    std::string get_string(const std::string &key) const;
    std::vector<int64_t> get_ints(const std::string &key) const;
    std::vector<int64_t> get_ints(const std::string &key, size_t min_n, size_t max_n, int64_t lo, int64_t hi) const;
    std::vector<double> get_floats(const std::string &key) const;

    const std::vector<Entry> &entries() const { return entries_; }
    size_t size() const { return entries_.size(); }

    /** Serialization (docs/container-format.md, "Metadata"). */
    void write(ByteWriter &w) const;
    /** Bounds-checked parse; rejects unknown types, oversized counts, duplicate keys and keys with
     *  characters outside [A-Za-z0-9._-]. */
    static Metadata read(ByteReader &r);

    /** Human-readable "key = value" lines (nerv info). */
    std::string to_text() const;

private:
    Entry *find(const std::string &key);
    const Entry *find(const std::string &key) const;
    const Entry &require(const std::string &key, Type type) const;

    std::vector<Entry> entries_;
};

}  // namespace nerv

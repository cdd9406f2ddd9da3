// Expert options "key=value:key=value" (like x265-params). Each consumer takes the
// keys it understands; whatever nobody took is reported as unknown, so a typo never
// passes silently.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nerv {

class KeyValues {
public:
    KeyValues() = default;
    /** Parse "k=v:k=v". Throws -EINVAL on a malformed item or a repeated key. */
    static KeyValues parse(const std::string &text);

    bool has(const std::string &key) const { return values_.count(key) != 0; }
    void set(const std::string &key, const std::string &value) { values_[key] = value; }

    /** Typed getters: mark the key as used; throw -EINVAL naming the key and the valid range. */
    std::string get_string(const std::string &key, const std::string &fallback) const;
    int64_t get_int(const std::string &key, int64_t fallback, int64_t lo, int64_t hi) const;
    double get_double(const std::string &key, double fallback, double lo, double hi) const;
    bool get_bool(const std::string &key, bool fallback) const;
    /** Comma-separated integers, e.g. "5,4,4,2,2"; each in [lo, hi]; count in [min_n, max_n]. */
    std::vector<int64_t> get_ints(const std::string &key, const std::vector<int64_t> &fallback, int64_t lo,
                                  int64_t hi, size_t min_n, size_t max_n) const;
    /** "WxH" sizes, e.g. "1280x640". */
    bool get_size(const std::string &key, int *width, int *height) const;

    /** The keys no getter has asked for yet (to hand on to the next consumer). */
    KeyValues remaining() const;
    /** Throws -EINVAL listing keys no getter asked for ("unknown params: ..."). */
    void check_all_used(const char *context) const;
    std::string to_string() const;

private:
    std::map<std::string, std::string> values_;
    mutable std::set<std::string> used_;
};

/** Parse an integer / float from text completely; false on junk. */
bool parse_int64(const std::string &text, int64_t *out);
bool parse_double(const std::string &text, double *out);

}  // namespace nerv

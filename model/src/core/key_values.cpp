#include "core/key_values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace nerv {

bool parse_int64(const std::string &text, int64_t *out)
{
    if (text.empty())
        return false;
    errno = 0;
    char *end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end == text.c_str() || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool parse_double(const std::string &text, double *out)
{
    if (text.empty())
        return false;
    errno = 0;
    char *end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(v))
        return false;
    *out = v;
    return true;
}

KeyValues KeyValues::parse(const std::string &text)
{
    KeyValues kv;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(':', start);
        if (end == std::string::npos)
            end = text.size();
        std::string item = text.substr(start, end - start);
        if (!item.empty()) {
            size_t eq = item.find('=');
            if (eq == std::string::npos || eq == 0)
                fail_invalid_argument(format("params: item '%s' is not key=value", item.c_str()));
            std::string key = item.substr(0, eq);
            if (kv.values_.count(key))
                fail_invalid_argument(format("params: key '%s' given twice", key.c_str()));
            kv.values_[key] = item.substr(eq + 1);
        }
        start = end + 1;
    }
    return kv;
}

std::string KeyValues::get_string(const std::string &key, const std::string &fallback) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    used_.insert(key);
    return it->second;
}

int64_t KeyValues::get_int(const std::string &key, int64_t fallback, int64_t lo, int64_t hi) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    used_.insert(key);
    int64_t v = 0;
    if (!parse_int64(it->second, &v) || v < lo || v > hi)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected an integer in [%lld, %lld]",
                                     key.c_str(), it->second.c_str(), (long long)lo, (long long)hi));
    return v;
}

double KeyValues::get_double(const std::string &key, double fallback, double lo, double hi) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    used_.insert(key);
    double v = 0;
    if (!parse_double(it->second, &v) || v < lo || v > hi)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected a number in [%g, %g]", key.c_str(),
                                     it->second.c_str(), lo, hi));
    return v;
}

bool KeyValues::get_bool(const std::string &key, bool fallback) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    used_.insert(key);
    const std::string &v = it->second;
    if (v == "1" || v == "true" || v == "yes" || v == "on")
        return true;
    if (v == "0" || v == "false" || v == "no" || v == "off")
        return false;
    fail_invalid_argument(format("param '%s' = '%s' is invalid: expected 0 or 1", key.c_str(), v.c_str()));
}

std::vector<int64_t> KeyValues::get_ints(const std::string &key, const std::vector<int64_t> &fallback, int64_t lo,
                                         int64_t hi, size_t min_n, size_t max_n) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    used_.insert(key);
    std::vector<int64_t> out;
    const std::string &text = it->second;
    size_t start = 0;
    bool ok = !text.empty();
    while (ok && start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos)
            end = text.size();
        int64_t v = 0;
        ok = parse_int64(text.substr(start, end - start), &v) && v >= lo && v <= hi;
        out.push_back(v);
        start = end + 1;
    }
    if (!ok || out.size() < min_n || out.size() > max_n)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected %zu to %zu comma-separated integers "
                                     "in [%lld, %lld]",
                                     key.c_str(), text.c_str(), min_n, max_n, (long long)lo, (long long)hi));
    return out;
}

bool KeyValues::get_size(const std::string &key, int *width, int *height) const
{
    auto it = values_.find(key);
    if (it == values_.end())
        return false;
    used_.insert(key);
    const std::string &text = it->second;
    size_t x = text.find('x');
    int64_t w = 0, h = 0;
    if (x == std::string::npos || !parse_int64(text.substr(0, x), &w) || !parse_int64(text.substr(x + 1), &h) ||
        w < 1 || h < 1 || w > 16384 || h > 16384)
        fail_invalid_argument(format("param '%s' = '%s' is invalid: expected WIDTHxHEIGHT, each 1..16384",
                                     key.c_str(), text.c_str()));
    *width = static_cast<int>(w);
    *height = static_cast<int>(h);
    return true;
}

KeyValues KeyValues::remaining() const
{
    KeyValues out;
    for (const auto &kv : values_) {
        if (!used_.count(kv.first))
            out.values_[kv.first] = kv.second;
    }
    return out;
}

void KeyValues::check_all_used(const char *context) const
{
    std::string unknown;
    for (const auto &kv : values_) {
        if (!used_.count(kv.first))
            unknown += (unknown.empty() ? "" : ", ") + kv.first;
    }
    if (!unknown.empty())
        fail_invalid_argument(format("%s: unknown params: %s", context, unknown.c_str()));
}

std::string KeyValues::to_string() const
{
    std::string out;
    for (const auto &kv : values_)
        out += (out.empty() ? "" : ":") + kv.first + "=" + kv.second;
    return out;
}

}  // namespace nerv

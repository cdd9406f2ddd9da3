#include "core/error.h"

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace nerv {

std::string format(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string out;
    if (n > 0) {
        std::vector<char> buf(static_cast<size_t>(n) + 1);
        std::vsnprintf(buf.data(), buf.size(), fmt, args);
        out.assign(buf.data(), static_cast<size_t>(n));
    }
    va_end(args);
    return out;
}

void fail(int code, const std::string &message) { throw Error(code, message); }
void fail_invalid_argument(const std::string &message) { throw Error(-EINVAL, message); }
void fail_invalid_data(const std::string &message) { throw Error(NERV_ERROR_INVALIDDATA, message); }

}  // namespace nerv

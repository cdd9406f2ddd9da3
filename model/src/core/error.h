// Errors inside libnerv: one exception type carrying the C API's error code.
// api/ converts it (and any other exception) into a return code + last-error text;
// nothing thrown here ever reaches a C caller.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

#include "nerv/nerv.h"

namespace nerv {

class Error : public std::runtime_error {
public:
    Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

/** printf-style formatting into a std::string. */
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void fail(int code, const std::string &message);
/** A setting or argument is invalid (-EINVAL). */
[[noreturn]] void fail_invalid_argument(const std::string &message);
/** Stream bytes are malformed (NERV_ERROR_INVALIDDATA). */
[[noreturn]] void fail_invalid_data(const std::string &message);

}  // namespace nerv

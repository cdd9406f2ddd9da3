// Last-error text (per thread) and error-code descriptions.
#include <cerrno>
#include <cstring>
#include <string>

#include "api/api_guard.h"
#include "nerv/nerv.h"

namespace nerv {
namespace {
thread_local std::string last_error;
}

void set_last_error(const std::string &message) { last_error = message; }
void clear_last_error() { last_error.clear(); }

int classify_foreign_exception(const std::string &what, std::string *message)
{
    // LibTorch reports allocation failures as c10::Error (CUDA: "CUDA out of memory",
    // CPU: "DefaultCPUAllocator: can't allocate memory"); keep only the first line.
    std::string first = what.substr(0, what.find('\n'));
    if (what.find("out of memory") != std::string::npos || what.find("can't allocate memory") != std::string::npos) {
        *message = "out of memory: " + first +
                   " (hint: use a smaller size, batch or segment_frames, or device=cpu)";
        return -ENOMEM;
    }
    *message = "internal error: " + first;
    return -EIO;
}

}  // namespace nerv

extern "C" const char *nerv_last_error(void) { return nerv::last_error.c_str(); }

extern "C" const char *nerv_error_string(int code)
{
    switch (code) {
    case 0: return "success";
    case NERV_ERROR_EOF: return "end of stream";
    case NERV_ERROR_INVALIDDATA: return "invalid data in the stream";
    case NERV_ERROR_ABORTED: return "aborted by the caller";
    case -EAGAIN: return "resource temporarily unavailable (send or receive more)";
    case -EINVAL: return "invalid argument";
    case -ENOMEM: return "out of memory";
    case -ENOTSUP: return "not supported";
    case -ENODEV: return "device not available";
    case -ERANGE: return "out of range";
    case -EIO: return "internal error";
    default: break;
    }
    return code < 0 ? "error" : "success";
}

// Per-handle logging: forwards formatted lines to the caller's callback.
// The library never prints on its own.
#pragma once

#include "nerv/nerv.h"

namespace nerv {

struct Logger {
    NervLogCallback callback = nullptr;
    void *user_data = nullptr;
    NervLogLevel level = NERV_LOG_INFO;

    bool enabled(NervLogLevel l) const { return callback && l <= level; }
    void log(NervLogLevel l, const char *fmt, ...) const __attribute__((format(printf, 3, 4)));
};

}  // namespace nerv

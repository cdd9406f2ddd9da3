#include "core/logger.h"

#include <cstdarg>
#include <cstdio>

namespace nerv {

void Logger::log(NervLogLevel l, const char *fmt, ...) const
{
    if (!enabled(l))
        return;
    char line[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    callback(user_data, l, line);
}

}  // namespace nerv

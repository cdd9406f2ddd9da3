#include <cstdio>

#include "commands.h"
#include "nerv/nerv.h"

namespace nerv_cli {

int report_error(const char *what, int code)
{
    const char *detail = nerv_last_error();
    std::fprintf(stderr, "nerv: %s: %s\n", what, detail && *detail ? detail : nerv_error_string(code));
    return 1;
}

}  // namespace nerv_cli

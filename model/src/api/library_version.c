/* Version queries: the one part of the C API that needs no C++ at all. */
#include "nerv/nerv.h"

#define NERV_STR2(x) #x
#define NERV_STR(x) NERV_STR2(x)

const char *nerv_version(void)
{
    return NERV_STR(NERV_VERSION_MAJOR) "." NERV_STR(NERV_VERSION_MINOR) "." NERV_STR(NERV_VERSION_PATCH);
}

unsigned nerv_api_version(void)
{
    return NERV_API_VERSION;
}

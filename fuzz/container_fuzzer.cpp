// libFuzzer entry point: container (the work is in container_input.cpp).
#include <cstdio>
#include <cstdlib>

#include "fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string broken = nerv_fuzz::container_input(data, size);
    if (!broken.empty()) {
        std::fprintf(stderr, "fuzz_container: contract broken: %s\n", broken.c_str());
        std::abort();
    }
    return 0;
}

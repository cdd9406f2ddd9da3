#include "train/memory_budget.h"

#include <cstdio>
#include <cstring>
#include <dlfcn.h>

#include "core/error.h"

namespace nerv {

int64_t available_host_memory()
{
    FILE *f = std::fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    char line[256];
    long long kib = -1;
    while (std::fgets(line, sizeof(line), f)) {
        if (std::sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
            break;
    }
    std::fclose(f);
    return kib < 0 ? -1 : static_cast<int64_t>(kib) * 1024;
}

int64_t available_cuda_memory(int index)
{
    // Looked up at run time: a CUDA-enabled LibTorch has loaded the runtime into the
    // process; a CPU-only one has not, and the answer is "unknown".
    using MemGetInfo = int (*)(size_t *, size_t *);
    using SetDevice = int (*)(int);
    auto mem_get_info = reinterpret_cast<MemGetInfo>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
    auto set_device = reinterpret_cast<SetDevice>(dlsym(RTLD_DEFAULT, "cudaSetDevice"));
    if (!mem_get_info || !set_device || set_device(index) != 0)
        return -1;
    size_t free_bytes = 0, total_bytes = 0;
    if (mem_get_info(&free_bytes, &total_bytes) != 0)
        return -1;
    return static_cast<int64_t>(free_bytes);
}

MemoryBudget memory_budget(int limit_mib, const torch::Device &device)
{
    MemoryBudget b;
    if (limit_mib > 0) {
        b.bytes = static_cast<int64_t>(limit_mib) << 20;
        b.source = "memory_limit";
    } else if (device.is_cuda()) {
        b.bytes = available_cuda_memory(device.has_index() ? device.index() : 0);
        b.source = "free on " + device.str();
    } else {
        b.bytes = available_host_memory();
        b.source = "available on cpu (MemAvailable)";
    }
    return b;
}

int64_t parameter_limit(const MemoryBudget &budget, int64_t bytes_per_parameter)
{
    return budget.bytes < 0 ? -1 : budget.bytes / bytes_per_parameter;
}

void fail_if_over_budget(const ParameterLimitScope &limit, const MemoryBudget &budget, int64_t bytes_per_parameter,
                         const std::string &what, const std::string &hint, int format_error)
{
    const int64_t n = limit.refused();
    if (n > kFormatMaxParameters)
        fail(format_error, format("%s: the model has %lld parameters, more than the format's limit of %lld",
                                  what.c_str(), static_cast<long long>(n),
                                  static_cast<long long>(kFormatMaxParameters)));
    if (n <= 0 || budget.bytes < 0)
        return;
    fail(-ENOMEM, format("%s: the model has %lld parameters and needs at least %s, more than the %s %s; %s", what.c_str(),
                         static_cast<long long>(n), memory_text(n * bytes_per_parameter).c_str(),
                         memory_text(budget.bytes).c_str(), budget.source.c_str(), hint.c_str()));
}

std::string memory_text(int64_t bytes)
{
    const double b = static_cast<double>(bytes);
    if (b >= double(1 << 30))
        return format("%.1f GiB", b / double(1 << 30));
    if (b >= double(1 << 20))
        return format("%.1f MiB", b / double(1 << 20));
    return format("%.1f KiB", b / 1024.0);
}

}  // namespace nerv

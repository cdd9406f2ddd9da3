// The CLI's default OpenMP wait: spin briefly, then sleep (GOMP_SPINCOUNT=1000 instead of libgomp's
// 300000). On a machine whose cores other processes also use, LibTorch's threads spinning at every
// barrier while the thread they wait for is descheduled made small encodes up to 7x slower; a short
// spin keeps most of the idle machine's speed (docs/design.md, "Threads on a shared machine").
//
// libgomp reads its settings once, in its constructor, before main(), and libc's own constructor,
// which runs before libgomp's, puts back the environment the process started with. So the
// executable's .preinit_array (which runs before any shared library's constructor, LibTorch's
// included) sets the default and executes the program again with it. A user's GOMP_SPINCOUNT or
// OMP_WAIT_POLICY is left as it is; where /proc/self/exe cannot be executed the program goes on
// with libgomp's default.
#include <cstddef>
#include <cstring>

#include <unistd.h>

#include "openmp_wait_default.h"

namespace {

bool starts_with(const char *s, const char *prefix)
{
    return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

// glibc passes the process's own argv and envp; getenv() cannot be used yet (libc sets it up later).
void set_openmp_wait_default(int, char **argv, char **envp)
{
    if (!argv || !envp)
        return;
    std::size_t n = 0;
    for (; envp[n]; n++)
        if (starts_with(envp[n], "GOMP_SPINCOUNT=") || starts_with(envp[n], "OMP_WAIT_POLICY=") ||
            (starts_with(envp[n], "LD_PRELOAD=") && std::strstr(envp[n], "vgpreload")))
            return;  // the user's choice; or under valgrind, where /proc/self/exe is valgrind
    // No allocation this early: a fixed array, and an environment larger than it is left alone.
    static char *env[4096];
    static char spin[] = "GOMP_SPINCOUNT=" NERV_OPENMP_SPIN_DEFAULT;
    if (n + 2 > sizeof env / sizeof env[0])
        return;
    std::memcpy(env, envp, n * sizeof env[0]);
    env[n] = spin;
    env[n + 1] = nullptr;
    execve("/proc/self/exe", argv, env);  // returns only on failure: go on with libgomp's default
}

__attribute__((section(".preinit_array"), used)) void (*const preinit_openmp_wait)(int, char **, char **) =
    set_openmp_wait_default;

}  // namespace

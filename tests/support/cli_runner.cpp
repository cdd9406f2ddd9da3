#include "cli_runner.h"

#include <cstdio>
#include <sys/wait.h>

#include "test_data.h"

namespace nerv_test {

CliResult run_nerv(const std::string &args) { return run_shell(bin_dir() + "/nerv " + args); }

CliResult run_shell(const std::string &command)
{
    const std::string cmd = command + " 2>&1";
    CliResult r;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        r.output.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace nerv_test

// Running the built nerv CLI from tests: exit status and everything it printed.
#pragma once

#include <string>

namespace nerv_test {

struct CliResult {
    int status = -1;     // exit status; -1 if it did not exit normally
    std::string output;  // stdout + stderr
};

/** Runs `build/bin/nerv ARGS` through the shell (quote paths with spaces yourself). */
CliResult run_nerv(const std::string &args);

/** Runs a shell command line; stderr is captured with stdout. */
CliResult run_shell(const std::string &command);

}  // namespace nerv_test

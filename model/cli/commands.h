// The nerv CLI's subcommands. Each returns the process exit status.
#pragma once

namespace nerv_cli {

int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_arch(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_concat(int argc, char **argv);

/** Print "nerv: <what>: <library error text>" to stderr; returns 1. */
int report_error(const char *what, int code);

}  // namespace nerv_cli

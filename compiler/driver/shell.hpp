// Running the toolchain's programs through the shell, for the driver's
// compiler and linker commands.
#pragma once

#include <cstdio>
#include <string>

namespace taskc::driver {

// Runs `command` with /bin/sh, capturing its stdout and stderr together into
// `output`. Returns its exit status, or -1 when it could not run or ended by a signal.
int run_capture(const std::string& command, std::string& output);

// run_capture in two halves, for a command that runs while taskc does other
// work: the running command (null when it could not start), then, once
// wanted, all it wrote and its exit status as run_capture gives them.
std::FILE* start_capture(const std::string& command);
int finish_capture(std::FILE* running, std::string& output);

// `text` quoted for the shell: in single quotes, each ' written as '\''.
std::string shell_quote(const std::string& text);

}  // namespace taskc::driver

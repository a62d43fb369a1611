// Running the toolchain's programs through the shell, for the driver's
// compiler and linker commands.
#pragma once

#include <string>

namespace taskc::driver {

// Runs `command` with /bin/sh, capturing its stdout and stderr together into
// `output`. Returns its exit status, or -1 when it could not run or ended by a signal.
int run_capture(const std::string& command, std::string& output);

// `text` quoted for the shell: in single quotes, each ' written as '\''.
std::string shell_quote(const std::string& text);

}  // namespace taskc::driver

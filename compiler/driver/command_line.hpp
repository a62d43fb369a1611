// The `taskc` command line: parses arguments and runs the chosen subcommand.
//
// Output goes to the given streams so tests can run the driver in-process.
// Returns the process exit status: 0 success, 1 errors in the user's program,
// 2 bad command-line usage or unreadable input.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskc::driver {

struct Terminal {
  // Whether diagnostics may use colour when `--color auto` (the default):
  // stderr is a terminal and NO_COLOR is not set.
  bool colour_allowed = false;
};

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Terminal& terminal = {});

}  // namespace taskc::driver

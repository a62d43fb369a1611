// The `taskc` executable: a thin shell around run_command_line().
#include <unistd.h>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "compiler/driver/command_line.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  taskc::driver::Terminal terminal;
  terminal.colour_allowed = ::isatty(STDERR_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  return taskc::driver::run_command_line(args, std::cout, std::cerr, terminal);
}

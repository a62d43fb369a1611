// The `taskc` executable: a thin shell around run_command_line().
#include <iostream>
#include <string>
#include <vector>

#include "compiler/driver/command_line.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return taskc::driver::run_command_line(args, std::cout, std::cerr);
}

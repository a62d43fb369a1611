// Running the programs of the random-program tests: a shell command with its
// stdout, stderr and exit status captured apart.
#pragma once

#include <string>

namespace taskc::fuzz {

struct Outcome {
  std::string out;
  std::string err;
  int status = 0;  // 128 + N when killed by signal N
};

// `text` in single quotes, for a shell command.
std::string quote(const std::string& text);

// Runs `command` with `scratch`.out and `scratch`.err as its outputs (removed after).
Outcome run(const std::string& command, const std::string& scratch);

}  // namespace taskc::fuzz

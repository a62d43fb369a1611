#include "compiler/support/check.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace taskc::support {

void compiler_bug(const char* file, int line, std::string_view condition, std::string_view message) {
  std::string text = "taskc: internal error (a compiler bug, please report it): " + std::string(message);
  if (!condition.empty()) text += "\n  check failed: " + std::string(condition);
  text += "\n  at " + std::string(file) + ":" + std::to_string(line) + "\n";
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace taskc::support

#include "compiler/driver/shell.hpp"

#include <sys/wait.h>
#include <array>
#include <cstdio>

namespace taskc::driver {

int run_capture(const std::string& command, std::string& output) {
  return finish_capture(start_capture(command), output);
}

std::FILE* start_capture(const std::string& command) {
  return ::popen((command + " 2>&1").c_str(), "r");
}

int finish_capture(std::FILE* running, std::string& output) {
  if (running == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), running)) > 0) output.append(buffer.data(), n);
  int status = ::pclose(running);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

}  // namespace taskc::driver

#include "tests/fuzz/run_command.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace taskc::fuzz {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Outcome run(const std::string& command, const std::string& scratch) {
  Outcome outcome;
  std::string out = scratch + ".out";
  std::string err = scratch + ".err";
  int status = std::system((command + " >" + quote(out) + " 2>" + quote(err)).c_str());
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = read_all(out);
  outcome.err = read_all(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return outcome;
}

}  // namespace taskc::fuzz

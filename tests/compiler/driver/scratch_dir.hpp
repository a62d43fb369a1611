// A directory of the driver tests' own under the system's temporary directory,
// removed with all it holds when the test is done.
#pragma once

#include <stdlib.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace taskc::test {

struct ScratchDir {
  std::filesystem::path path;

  // `prefix` names the test in the directory's name (prefix-XXXXXX).
  explicit ScratchDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a directory like " + pattern);
    path = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace taskc::test

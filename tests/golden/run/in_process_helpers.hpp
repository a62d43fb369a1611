// C++ functions for in_process.task's extern tasks, run in worker processes.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace helpers {

// Crashes the worker (abort) on the first call of a program run, succeeds on
// the next: a marker file named after the main process tells them apart.
inline std::int64_t crash_once(std::int64_t n) {
  std::filesystem::path marker =
      std::filesystem::temp_directory_path() / ("taskc-crash-once-" + std::to_string(::getppid()));
  if (!std::filesystem::exists(marker)) {
    std::ofstream(marker) << "crashed once\n";
    std::abort();
  }
  std::filesystem::remove(marker);
  return n * 2;
}

}  // namespace helpers

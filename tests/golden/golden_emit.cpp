// Golden test of the generated C++: `taskc emit-cpp FILE.task` must produce
// exactly the .hpp and .cpp stored next to the expectation file.
//
//   golden_emit FILE.task EXPECTED_DIR
//
// With TASKC_UPDATE_GOLDEN=1 the expectations are rewritten instead.
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/command_line.hpp"
#include "compiler/driver/toolchain.hpp"
#include "tests/golden/read_file.hpp"

namespace fs = std::filesystem;

namespace {

using taskc::testing::read_file;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: golden_emit FILE.task EXPECTED_DIR\n";
    return 2;
  }
  std::string path = argv[1];
  fs::path expected_dir = argv[2];
  fs::path scratch = fs::temp_directory_path() / ("golden_emit_" + std::to_string(::getpid()));
  std::ostringstream out;
  std::ostringstream err;
  int status = taskc::driver::run_command_line({"emit-cpp", path, "-o", scratch.string()}, out, err);
  if (status != 0) {
    std::cerr << path << ": emit-cpp failed:\n" << err.str();
    return 1;
  }
  const char* update = std::getenv("TASKC_UPDATE_GOLDEN");
  std::string name = taskc::driver::namespace_for(path);
  bool ok = true;
  for (const char* extension : {".hpp", ".cpp"}) {
    fs::path actual = scratch / (name + extension);
    fs::path expected = expected_dir / (name + extension);
    if (update != nullptr && std::string(update) == "1") {
      fs::create_directories(expected_dir);
      fs::copy_file(actual, expected, fs::copy_options::overwrite_existing);
      continue;
    }
    if (read_file(actual) != read_file(expected)) {
      ok = false;
      std::cerr << path << ": the generated " << extension << " differs from " << expected.string() << "\n"
                << "  compare: diff " << expected.string() << " <(./taskc emit-cpp " << path
                << " -o /tmp/x && cat /tmp/x/" << name << extension << ")\n"
                << "  regenerate, if the change is intended: TASKC_UPDATE_GOLDEN=1 ctest --test-dir build -R golden\n";
    }
  }
  fs::remove_all(scratch);
  return ok ? 0 : 1;
}

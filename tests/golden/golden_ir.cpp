// Golden test of the IR: `taskc check FILE.task --emit-ir json` must print
// exactly FILE.json. One file per construct, so a change to how the checker
// lowers one construct shows up in that file alone.
//
//   golden_ir FILE.task
//
// With TASKC_UPDATE_GOLDEN=1 the expectation is rewritten instead.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "compiler/driver/command_line.hpp"
#include "tests/golden/read_file.hpp"

namespace {

using taskc::testing::read_file;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: golden_ir FILE.task\n";
    return 2;
  }
  std::string path = argv[1];
  std::string expected_path = path.substr(0, path.rfind('.')) + ".json";
  std::ostringstream out;
  std::ostringstream err;
  if (taskc::driver::run_command_line({"check", path, "--emit-ir", "json"}, out, err) != 0) {
    std::cerr << path << ": check failed:\n" << err.str();
    return 1;
  }
  const char* update = std::getenv("TASKC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << out.str();
    return 0;
  }
  if (out.str() != read_file(expected_path)) {
    std::cerr << path << ": the IR differs from " << expected_path << "\n"
              << "  compare: diff " << expected_path << " <(./taskc check " << path << " --emit-ir json)\n"
              << "  accept:  TASKC_UPDATE_GOLDEN=1 build/tests/golden/golden_ir " << path << "\n";
    return 1;
  }
  return 0;
}

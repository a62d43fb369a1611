// Every diagnostic code has a failing example under tests/golden/check/.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/diag/codes.hpp"
#include "tests/golden/annotations.hpp"

namespace fs = std::filesystem;

TEST_CASE("every diagnostic code has a fail_*.task example with an `// error:` line") {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::set<std::string> covered;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(root) / "tests/golden")) {
    if (entry.path().extension() != ".task") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      for (const std::string& code : taskc::testing::annotated_codes(line)) covered.insert(code);
    }
  }
  for (const taskc::diag::CodeInfo& code : taskc::diag::all_codes()) {
    INFO(code.id << " (" << code.title << ") has no failing example");
    CHECK(covered.count(std::string(code.id)) == 1);
  }
}

// Every diagnostic code has a failing example under tests/golden/check/.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "compiler/diag/codes.hpp"

namespace fs = std::filesystem;

TEST_CASE("every diagnostic code has a fail_*.task example with an `// error:` line") {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::set<std::string> covered;
  static const std::regex kCode(R"(// error:.*)");
  static const std::regex kId(R"(E\d{4})");
  for (const auto& entry : fs::directory_iterator(fs::path(root) / "tests/golden/check")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".task") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      std::smatch match;
      if (!std::regex_search(line, match, kCode)) continue;
      std::string tail = match.str();
      for (auto it = std::sregex_iterator(tail.begin(), tail.end(), kId); it != std::sregex_iterator(); ++it) {
        covered.insert(it->str());
      }
    }
  }
  for (const taskc::diag::CodeInfo& code : taskc::diag::all_codes()) {
    INFO(code.id << " (" << code.title << ") has no failing example");
    CHECK(covered.count(std::string(code.id)) == 1);
  }
}

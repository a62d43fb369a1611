// Golden test of `taskc check` on one file of tests/golden/check/.
//
//   golden_check FILE.task
//
// ok_*.task must check clean. fail_*.task must fail, and:
//   - its `// error: E0123 [E0456 …]` comments (in the file, or in the lib_*
//     files it uses) must match the codes reported on those lines, exactly;
//   - the human rendering must equal FILE.stderr byte for byte.
// With TASKC_UPDATE_GOLDEN=1 the .stderr file is rewritten instead.
// Run from the repository root, so that paths in diagnostics are stable.
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "compiler/driver/command_line.hpp"
#include "tests/golden/annotations.hpp"
#include "tests/golden/read_file.hpp"

namespace {

using taskc::testing::read_file;

// (file, line) -> codes, from `// error:` comments.
using Expectations = std::map<std::pair<std::string, int>, std::multiset<std::string>>;

void add_annotations(const std::string& path, Expectations& expected) {
  std::istringstream lines(read_file(path));
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    for (const std::string& code : taskc::testing::annotated_codes(line)) expected[{path, number}].insert(code);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: golden_check FILE.task\n";
    return 2;
  }
  const std::string path = argv[1];
  const bool should_fail = std::filesystem::path(path).filename().string().rfind("fail_", 0) == 0;
  const char* update_env = std::getenv("TASKC_UPDATE_GOLDEN");
  const bool update = update_env != nullptr && std::string(update_env) == "1";

  // Code generation reports no errors of its own (a checked program always
  // lowers), so every diagnostic comes from `taskc check`.
  auto command = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"check", path};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  std::ostringstream out;
  std::ostringstream human;
  int status = taskc::driver::run_command_line(command({"--color", "never"}), out, human);
  if (!should_fail) {
    if (status != 0 || !human.str().empty()) {
      std::cerr << path << ": expected a clean check, got status " << status << ":\n" << human.str();
      return 1;
    }
    return 0;
  }

  // Codes by line, from the GNU rendering.
  std::ostringstream gnu;
  taskc::driver::run_command_line(command({"--diagnostics", "gnu"}), out, gnu);
  Expectations reported;
  Expectations expected;
  std::set<std::string> files{path};
  std::istringstream gnu_lines(gnu.str());
  std::string line;
  while (std::getline(gnu_lines, line)) {
    std::optional<taskc::testing::GnuError> error = taskc::testing::parse_gnu_error(line);
    if (!error) continue;
    reported[{error->file, error->line}].insert(error->code);
    files.insert(error->file);
  }
  bool errors_expected = false;
  for (const std::string& file : files) {
    add_annotations(file, expected);
    errors_expected = errors_expected || taskc::testing::annotates_error(read_file(file));
  }
  if (status != (errors_expected ? 1 : 0)) {
    std::cerr << path << ": expected status " << (errors_expected ? "1 (errors)" : "0 (warnings only)") << ", got "
              << status << "\n"
              << human.str();
    return 1;
  }

  bool ok = true;
  if (reported != expected) {
    ok = false;
    std::cerr << path << ": the reported codes differ from the `// error:` comments\n";
    for (const auto& [where, codes] : expected) {
      for (const std::string& code : codes) {
        if (!reported.count(where) || !reported[where].count(code)) {
          std::cerr << "  missing  " << where.first << ":" << where.second << " " << code << "\n";
        }
      }
    }
    for (const auto& [where, codes] : reported) {
      for (const std::string& code : codes) {
        if (!expected.count(where) || !expected[where].count(code)) {
          std::cerr << "  extra    " << where.first << ":" << where.second << " " << code << "\n";
        }
      }
    }
  }

  std::string golden_path = path.substr(0, path.size() - std::string(".task").size()) + ".stderr";
  if (update) {
    std::ofstream(golden_path, std::ios::binary) << human.str();
    return ok ? 0 : 1;
  }
  if (!std::filesystem::exists(golden_path)) {
    std::cerr << path << ": no " << golden_path << "; create it with\n"
              << "  TASKC_UPDATE_GOLDEN=1 ctest --test-dir build -R golden\n";
    return 1;
  }
  std::string golden = read_file(golden_path);
  if (golden != human.str()) {
    ok = false;
    std::cerr << path << ": the rendered diagnostics differ from " << golden_path << "\n"
              << "---- expected\n"
              << golden << "---- actual\n"
              << human.str() << "----\n"
              << "If the change is intended, regenerate with\n"
              << "  TASKC_UPDATE_GOLDEN=1 ctest --test-dir build -R golden\n";
  }
  return ok ? 0 : 1;
}

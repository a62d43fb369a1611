// Broken input never crashes `taskc check`: truncated and shuffled versions of
// every passing golden program each get a diagnostic and a clean exit status.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "compiler/driver/command_line.hpp"
#include "tests/golden/read_file.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> passing_programs() {
  const char* root = std::getenv("TASKC_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(root) / "tests/golden/check")) {
    if (entry.path().filename().string().rfind("ok_", 0) == 0) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  return files;
}

using taskc::testing::read_file;

// Writes `text` next to the original (so `use` paths still resolve) and checks it.
int check_text(const fs::path& original, const std::string& text, std::string& diagnostics) {
  fs::path mutated = original.parent_path() / ("mutated_" + std::to_string(::getpid()) + ".task");
  std::ofstream(mutated, std::ios::binary) << text;
  std::ostringstream out;
  std::ostringstream err;
  int status = taskc::driver::run_command_line({"check", mutated.string()}, out, err);
  fs::remove(mutated);
  diagnostics = err.str();
  return status;
}

// Byte offsets at which at least one `{` (outside strings and comments) is
// still open.
std::vector<std::size_t> positions_inside_braces(const std::string& text) {
  std::vector<std::size_t> positions;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (depth > 0 && !in_string) positions.push_back(i);
    if (!in_string && c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '\\' && in_string) {
      ++i;
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (in_string) continue;
    if (c == '{') ++depth;
    if (c == '}') --depth;
  }
  return positions;
}

// True when some prefix closes more braces than it opened: such text cannot
// parse, whatever the order of its lines.
bool braces_go_negative(const std::string& text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/' && !in_string) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (in_string) continue;
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("truncated programs are diagnosed, never crash") {
  int checked = 0;
  for (const fs::path& file : passing_programs()) {
    std::string text = read_file(file);
    // Cut where a `{` is still open: the braces cannot balance any more.
    std::vector<std::size_t> open_at = positions_inside_braces(text);
    std::size_t step = 1 + open_at.size() / 30;
    for (std::size_t i = 0; i < open_at.size(); i += step) {
      std::size_t cut = open_at[i];
      std::string diagnostics;
      int status = check_text(file, text.substr(0, cut), diagnostics);
      INFO(file.filename().string() << " cut at byte " << cut << "\n" << diagnostics);
      CHECK(status == 1);
      CHECK(diagnostics.find("error[E") != std::string::npos);
      ++checked;
    }
    // And a few cuts anywhere: these may happen to be valid, but must not crash.
    for (std::size_t cut = 0; cut < text.size(); cut += 1 + text.size() / 25) {
      std::string diagnostics;
      int status = check_text(file, text.substr(0, cut), diagnostics);
      CHECK((status == 0 || status == 1));
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("programs with shuffled lines are diagnosed, never crash") {
  std::mt19937 random(20261121);
  int diagnosed = 0;
  for (const fs::path& file : passing_programs()) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (int round = 0; round < 12; ++round) {
      std::shuffle(lines.begin(), lines.end(), random);
      std::string text;
      for (const std::string& line : lines) text += line + "\n";
      std::string diagnostics;
      int status = check_text(file, text, diagnostics);
      INFO(file.filename().string() << " shuffle " << round << "\n" << diagnostics);
      CHECK((status == 0 || status == 1));
      if (braces_go_negative(text)) {
        CHECK(status == 1);
        CHECK(diagnostics.find("error[E") != std::string::npos);
        ++diagnosed;
      }
    }
  }
  CHECK(diagnosed > 10);
}

TEST_CASE("binary garbage is diagnosed, never crashes") {
  std::mt19937 random(7);
  const fs::path anchor = passing_programs().front();
  for (int round = 0; round < 30; ++round) {
    std::string text(64 + round * 17, '\0');
    for (char& c : text) c = static_cast<char>(random() % 256);
    // Garbage starts with a byte no item can start with, so it never parses.
    text[0] = '\x01';
    std::string diagnostics;
    CHECK(check_text(anchor, text, diagnostics) == 1);
    CHECK(diagnostics.find("error[E") != std::string::npos);
  }
}

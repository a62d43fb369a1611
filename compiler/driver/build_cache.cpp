#include "compiler/driver/build_cache.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInputsFile = "inputs";

std::string read_all(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return text.str();
}

std::string content_hash(const fs::path& path) {
  bool ok = false;
  std::string text = read_all(path, ok);
  return ok ? fmt::format("{:016x}", fnv1a(text)) : "missing";
}

// The prerequisites of a make rule as GCC and clang write it: `target: a b \`
// continued over lines, spaces inside names escaped with a backslash.
std::vector<std::string> prerequisites(const std::string& rule) {
  std::vector<std::string> out;
  std::size_t colon = rule.find(": ");
  if (colon == std::string::npos) return out;
  std::string current;
  for (std::size_t i = colon + 2; i < rule.size(); ++i) {
    char c = rule[i];
    if (c == '\\' && i + 1 < rule.size() && (rule[i + 1] == '\n' || rule[i + 1] == ' ')) {
      if (rule[i + 1] == ' ') current.push_back(' ');
      ++i;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

bool is_under(const fs::path& path, const fs::path& directory) {
  auto mismatch = std::mismatch(directory.begin(), directory.end(), path.begin(), path.end());
  return mismatch.first == directory.end();
}

}  // namespace

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

fs::path cache_root() {
  if (const char* dir = std::getenv("TASKC_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "taskc";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "taskc";
  return fs::temp_directory_path() / "taskc-cache";
}

bool recorded_inputs_unchanged(const fs::path& dir) {
  std::ifstream in(dir / kInputsFile);
  std::string hash;
  std::string path;
  // One line per input: its hash, a space, its absolute path.
  while (in >> hash && std::getline(in >> std::ws, path)) {
    if (content_hash(path) != hash) return false;
  }
  return true;
}

void record_inputs(const fs::path& dir, const fs::path& depfile, const std::vector<fs::path>& ignored) {
  bool ok = false;
  std::string rule = read_all(depfile, ok);
  std::ofstream out(dir / kInputsFile, std::ios::trunc);
  for (const std::string& name : prerequisites(rule)) {
    std::error_code error;
    fs::path path = fs::weakly_canonical(fs::absolute(name), error);
    if (error) continue;
    bool skip = false;
    for (const fs::path& directory : ignored) skip = skip || is_under(path, directory);
    if (!skip) out << content_hash(path) << ' ' << path.string() << '\n';
  }
}

}  // namespace taskc::driver

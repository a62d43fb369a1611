#include "compiler/driver/cache_size.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kDefaultLimit = std::uintmax_t{4} << 30;
// Long enough for a taskc that has just found an entry to copy or start it.
constexpr auto kInUse = std::chrono::minutes(10);

struct Entry {
  fs::path dir;
  fs::file_time_type used;
  std::uintmax_t bytes = 0;
};

// Entries are the directories named by a 16-digit key; the rest of the root
// (saved compiler identities, link lines) is small and always kept.
bool is_entry_name(const std::string& name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::uintmax_t bytes_under(const fs::path& dir) {
  std::uintmax_t bytes = 0;
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (it->is_regular_file(ignored)) bytes += it->file_size(ignored);
  }
  return bytes;
}

std::uintmax_t limit_of(std::ostream& err) {
  const char* text = std::getenv("TASKC_CACHE_SIZE");
  if (text == nullptr || *text == '\0') return kDefaultLimit;
  if (std::optional<std::uintmax_t> limit = parse_cache_size(text)) return *limit;
  err << fmt::format("taskc: warning: TASKC_CACHE_SIZE=`{}` is not a size such as 500M or 4G; the cache keeps to 4G\n",
                     text);
  return kDefaultLimit;
}

}  // namespace

std::optional<std::uintmax_t> parse_cache_size(std::string_view text) {
  std::uintmax_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (value > (UINTMAX_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uintmax_t>(text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int shift = 0;
  if (i + 1 == text.size()) {
    switch (std::toupper(static_cast<unsigned char>(text[i]))) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      default: return std::nullopt;
    }
  } else if (i != text.size()) {
    return std::nullopt;
  }
  if (value > (UINTMAX_MAX >> shift)) return std::nullopt;
  return value << shift;
}

void mark_cache_entry_used(const fs::path& dir) {
  std::error_code ignored;
  fs::last_write_time(dir, fs::file_time_type::clock::now(), ignored);
}

int trim_cache(const fs::path& root, std::ostream& err) {
  std::uintmax_t limit = limit_of(err);
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code error;
  for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (!it->is_directory(ignored) || !is_entry_name(it->path().filename().string())) continue;
    Entry entry{it->path(), it->last_write_time(ignored), bytes_under(it->path())};
    total += entry.bytes;
    entries.push_back(std::move(entry));
  }
  if (total <= limit) return 0;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  auto recent = fs::file_time_type::clock::now() - kInUse;
  std::uintmax_t target = limit / 4 * 3;
  int removed = 0;
  for (const Entry& entry : entries) {
    if (total <= target || entry.used > recent) break;
    std::error_code ignored;
    fs::remove_all(entry.dir, ignored);
    total -= entry.bytes;
    ++removed;
  }
  return removed;
}

void after_new_cache_entry(const fs::path& root, std::uint64_t key, std::ostream& err) {
  constexpr std::uint64_t kOneIn = 32;
  if (key % kOneIn == 0) trim_cache(root, err);
}

}  // namespace taskc::driver

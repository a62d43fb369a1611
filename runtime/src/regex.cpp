#include "taskrt/regex.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>
#include <string_view>
#include <unordered_map>

#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt {
namespace {

// The patterns this thread has compiled. Bounded: a program that computes
// ever new patterns starts over rather than growing without end.
constexpr std::size_t kCacheSize = 256;

const RE2& compiled(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
  auto found = cache.find(pattern);
  if (found != cache.end()) return *found->second;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) throw ValueError(fmt::format("regular expression {}: {}", quote_string(pattern), re->error()));
  if (cache.size() >= kCacheSize) cache.clear();
  return *cache.emplace(pattern, std::move(re)).first->second;
}

// The whole match and each group of one match found at or after `from`.
bool match_at(const RE2& re, const std::string& s, std::size_t from, RE2::Anchor anchor,
              std::vector<re2::StringPiece>& groups) {
  groups.assign(static_cast<std::size_t>(re.NumberOfCapturingGroups()) + 1, re2::StringPiece());
  return re.Match(s, from, s.size(), anchor, groups.data(), static_cast<int>(groups.size()));
}

std::vector<std::string> texts(const std::vector<re2::StringPiece>& groups) {
  std::vector<std::string> out;
  out.reserve(groups.size());
  for (const re2::StringPiece& group : groups) out.emplace_back(group.data() ? std::string(group) : std::string());
  return out;
}

// Where the next search starts after an empty match at `at`: one UTF-8
// character on, so a match never starts inside a character.
std::size_t next_character(const std::string& s, std::size_t at) {
  ++at;
  while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
  return at;
}

}  // namespace

std::optional<std::vector<std::string>> re_find(const std::string& s, const std::string& pattern) {
  const RE2& re = compiled(pattern);
  std::vector<re2::StringPiece> groups;
  if (!match_at(re, s, 0, RE2::UNANCHORED, groups)) return std::nullopt;
  return texts(groups);
}

std::vector<std::vector<std::string>> re_find_all(const std::string& s, const std::string& pattern) {
  const RE2& re = compiled(pattern);
  std::vector<std::vector<std::string>> out;
  std::vector<re2::StringPiece> groups;
  std::size_t from = 0;
  while (from <= s.size() && match_at(re, s, from, RE2::UNANCHORED, groups)) {
    // Built in place: a match costs its strings, not a vector moved in too.
    std::vector<std::string>& texts = out.emplace_back();
    texts.reserve(groups.size());
    for (const re2::StringPiece& group : groups) {
      texts.emplace_back(group.data() ? std::string_view(group.data(), group.size()) : std::string_view());
    }
    auto begin = static_cast<std::size_t>(groups[0].data() - s.data());
    std::size_t end = begin + groups[0].size();
    from = end > begin ? end : next_character(s, end);
  }
  return out;
}

bool re_matches(const std::string& s, const std::string& pattern) {
  return RE2::FullMatch(s, compiled(pattern));
}

std::string re_replace(const std::string& s, const std::string& pattern, const std::string& replacement) {
  const RE2& re = compiled(pattern);
  std::string error;
  if (!re.CheckRewriteString(replacement, &error)) {
    throw ValueError(fmt::format("re_replace: the replacement {}: {}", quote_string(replacement), error));
  }
  std::string out = s;
  RE2::GlobalReplace(&out, re, replacement);
  return out;
}

std::vector<std::string> re_split(const std::string& s, const std::string& pattern) {
  // At every match re_find_all finds, empty ones included: Python's rule.
  const RE2& re = compiled(pattern);
  std::vector<std::string> pieces;
  std::vector<re2::StringPiece> groups;
  std::size_t piece_start = 0;
  std::size_t from = 0;
  while (from <= s.size() && match_at(re, s, from, RE2::UNANCHORED, groups)) {
    auto begin = static_cast<std::size_t>(groups[0].data() - s.data());
    std::size_t end = begin + groups[0].size();
    pieces.push_back(s.substr(piece_start, begin - piece_start));
    piece_start = end;
    from = end > begin ? end : next_character(s, end);
  }
  pieces.push_back(s.substr(piece_start));
  return pieces;
}

}  // namespace taskrt

#include "taskrt/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ascii.hpp"
#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt {
namespace {

// The length of the UTF-8 character at `at`, or 0 when the bytes there are
// not one (overlong forms and surrogates included).
std::size_t character_at(const std::string& s, std::size_t at, std::uint32_t* code = nullptr) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(at);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || at + length > s.size()) return 0;
  std::uint32_t value = length == 1 ? lead : lead & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  if (code != nullptr) *code = value;
  return length;
}

[[noreturn]] void throw_not_utf8(const char* what, const std::string& s, std::size_t at) {
  throw ValueError(fmt::format("{}: the byte at offset {} (0x{:02x}) is not UTF-8 text", what, at,
                               static_cast<unsigned char>(s[at])));
}

template <typename Test>
bool all_bytes(const std::string& s, Test test) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return test(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string replace(const std::string& s, const std::string& old, const std::string& with) {
  std::string out;
  if (old.empty()) {
    // Between every character, and at both ends.
    out += with;
    for (char c : s) {
      out.push_back(c);
      out += with;
    }
    return out;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(old, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += with;
    start = at + old.size();
  }
  out.append(s, start, std::string::npos);
  return out;
}

bool is_digit(const std::string& s) {
  return all_bytes(s, ascii::is_digit);
}
bool is_alpha(const std::string& s) {
  return all_bytes(s, ascii::is_alpha);
}
bool is_space(const std::string& s) {
  return all_bytes(s, ascii::is_space);
}

std::string repeat(const std::string& s, std::int64_t n) {
  if (n < 0) throw ValueError(fmt::format("repeat: a negative count ({})", n));
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 30;
  if (!s.empty() && static_cast<std::uint64_t>(n) > kLimit / s.size()) {
    throw ArithmeticError(fmt::format("repeat: {} copies of {} bytes is more than 1 GiB", n, s.size()));
  }
  std::string out;
  out.reserve(s.size() * static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::string> chars(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < s.size();) {
    std::size_t length = character_at(s, at);
    if (length == 0) throw_not_utf8("chars", s, at);
    out.push_back(s.substr(at, length));
    at += length;
  }
  return out;
}

std::int64_t len_chars(const std::string& s) {
  std::int64_t count = 0;
  for (std::size_t at = 0; at < s.size(); ++count) {
    std::size_t length = character_at(s, at);
    if (length == 0) throw_not_utf8("len_chars", s, at);
    at += length;
  }
  return count;
}

std::string chr(std::int64_t code) {
  if (code < 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    throw ValueError(fmt::format("chr({}): not a Unicode code point (0 to 0x10FFFF, not a surrogate)", code));
  }
  auto c = static_cast<std::uint32_t>(code);
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return out;
}

std::int64_t ord(const std::string& c) {
  std::uint32_t code = 0;
  std::size_t length = c.empty() ? 0 : character_at(c, 0, &code);
  if (length == 0 || length != c.size()) {
    throw ValueError(fmt::format("ord({}): not one character", quote_string(c)));
  }
  return code;
}

}  // namespace taskrt

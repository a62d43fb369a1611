// The character classes of HTTP fields (RFC 9110 §5) and their case-blind
// comparisons, and the pieces of field values (lists, decimals), shared by the
// request and response parsers, the server's writer and the client.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ascii.hpp"

namespace taskrt::http1 {

// tchar: what a method or a field name is made of.
inline bool is_tchar(unsigned char c) {
  if (ascii::is_alnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

inline bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

// A field value may hold visible characters, obs-text, spaces and tabs: no
// CR, LF, NUL or other control character.
inline bool is_field_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

// The value of a hexadecimal digit (a chunk size, a %XX escape), or -1.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ASCII case only: field names and the tokens of field values are ASCII.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii::to_lower(c);
  return out;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii::to_lower(x) == ascii::to_lower(y); });
}

// Whether `text` holds `word` (lower-case), in any case.
inline bool contains_ignoring_case(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(),
                     [](char x, char y) { return ascii::to_lower(x) == y; }) != text.end();
}

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated elements of a list-valued field, trimmed, empty ones left out.
inline std::vector<std::string_view> list_elements(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t comma = value.find(',');
    std::string_view element = trim_blanks(value.substr(0, comma));
    if (!element.empty()) out.push_back(element);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

// 1*DIGIT, at most `most`; false if anything else or too large.
inline bool parse_decimal(std::string_view s, std::uint64_t most, std::uint64_t& out, bool& too_large) {
  too_large = false;
  if (s.empty()) return false;
  std::uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (value > (most - static_cast<std::uint64_t>(c - '0')) / 10) {
      too_large = true;
      return false;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = value;
  return true;
}

// The size on a chunk's size line, `chunk-size [ chunk-ext ]` (RFC 9112
// §7.1): extensions are read past, not interpreted. False if malformed or
// longer than 15 hex digits.
inline bool parse_chunk_size(std::string_view line, std::uint64_t& size) {
  std::string_view digits = trim_blanks(line.substr(0, line.find(';')));
  if (digits.empty() || digits.size() > 15) return false;
  std::uint64_t value = 0;
  for (char c : digits) {
    int digit = hex_digit(c);
    if (digit < 0) return false;
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  size = value;
  return true;
}

}  // namespace taskrt::http1

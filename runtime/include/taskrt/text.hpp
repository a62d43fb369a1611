// The text builtins of the language beyond split/join/trim (language.md,
// "Text"): replace, ends_with, find, the is_* tests, repeat, and the
// functions that see UTF-8 characters (chars, len_chars, chr, ord). Strings
// are bytes; only these four decode them.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace taskrt {

// Every occurrence of `old` replaced, left to right; an empty `old` inserts
// `with` between characters and at both ends, as Python's does.
std::string replace(const std::string& s, const std::string& old, const std::string& with);
inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
// The byte offset of the first `part` in `s`, or none.
inline std::optional<std::int64_t> find(const std::string& s, const std::string& part) {
  std::size_t at = s.find(part);
  if (at == std::string::npos) return std::nullopt;
  return static_cast<std::int64_t>(at);
}
// True when `s` is not empty and every byte is an ASCII digit, letter or
// whitespace (Python's are Unicode-wide; ours say what a parser needs).
bool is_digit(const std::string& s);
bool is_alpha(const std::string& s);
bool is_space(const std::string& s);
// `s` n times; n < 0 is a ValueError, a result over 1 GiB an Arithmetic error.
std::string repeat(const std::string& s, std::int64_t n);

// The UTF-8 characters of `s`, each a str; a byte that is not part of valid
// UTF-8 is a ValueError naming its offset.
std::vector<std::string> chars(const std::string& s);
std::int64_t len_chars(const std::string& s);
// The character with this code point, UTF-8 encoded; ValueError outside
// Unicode or for a surrogate.
std::string chr(std::int64_t code);
// The code point of a one-character string; ValueError otherwise.
std::int64_t ord(const std::string& c);

}  // namespace taskrt

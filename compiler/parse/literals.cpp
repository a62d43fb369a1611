#include "compiler/parse/literals.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

namespace taskc::parse {
namespace {

std::string without_underscores(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

}  // namespace

bool parse_int(std::string_view text, std::int64_t& value) {
  std::string digits = without_underscores(text);
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.erase(0, 2);
    base = 16;
  }
  value = 0;
  if (digits.empty()) return false;
  std::uint64_t magnitude = 0;
  for (char c : digits) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0 || digit >= base) return false;
    if (magnitude >
        (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(digit)) / static_cast<unsigned>(base)) {
      return false;
    }
    magnitude = magnitude * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
  }
  if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
  value = static_cast<std::int64_t>(magnitude);
  return true;
}

bool parse_float(std::string_view text, double& value) {
  std::string digits = without_underscores(text);
  errno = 0;
  value = std::strtod(digits.c_str(), nullptr);
  return errno != ERANGE || value == 0;
}

bool parse_duration(std::string_view text, std::int64_t& nanoseconds, std::string& problem) {
  nanoseconds = 0;
  std::size_t unit_at = text.find_first_not_of("0123456789_.");
  if (unit_at == std::string_view::npos || unit_at == 0) {
    problem = "a duration needs a number and a unit";
    return false;
  }
  std::string_view unit = text.substr(unit_at);
  double scale = unit == "ns"   ? 1
                 : unit == "us" ? 1e3
                 : unit == "ms" ? 1e6
                 : unit == "s"  ? 1e9
                 : unit == "m"  ? 60e9
                                : 3600e9;
  std::string number = without_underscores(text.substr(0, unit_at));
  if (number.find('.') == std::string::npos) {
    std::int64_t count = 0;
    if (!parse_int(number, count)) {
      problem = "too large";
      return false;
    }
    auto factor = static_cast<std::int64_t>(scale);
    if (count > std::numeric_limits<std::int64_t>::max() / factor) {
      problem = "longer than the longest duration (about 292 years)";
      return false;
    }
    nanoseconds = count * factor;
    return true;
  }
  double exact = std::strtod(number.c_str(), nullptr) * scale;
  if (exact >= 9.2e18) {
    problem = "longer than the longest duration (about 292 years)";
    return false;
  }
  if (exact != std::floor(exact)) {
    problem = "not a whole number of nanoseconds";
    return false;
  }
  nanoseconds = static_cast<std::int64_t>(exact);
  return true;
}

std::optional<char> decode_escape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    case '"': return '"';
    case '\\': return '\\';
    case '{': return '{';
    case '}': return '}';
    default: return std::nullopt;
  }
}

std::string unknown_escape_message(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return "unknown escape sequence";
  return std::string("unknown escape sequence `\\") + c + "`";
}

// A loop, not recursion: strings nest inside interpolations without limit
// until the parser's nesting check sees them.
StringExtent walk_nested(std::string_view text, std::size_t start, std::vector<char> open) {
  std::size_t deepest = open.size();
  for (std::size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r') return {i, deepest};  // no string spans lines
    if (open.back() == '"') {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        open.pop_back();
      } else if (c == '{') {
        open.push_back('{');  // an interpolation
      }
    } else if (c == '"') {
      open.push_back('"');
    } else if (c == '{') {
      open.push_back('{');
    } else if (c == '}') {
      open.pop_back();
    }
    deepest = std::max(deepest, open.size());
    if (open.empty()) return {i, deepest};
  }
  return {text.empty() ? 0 : text.size() - 1, deepest};
}

std::size_t matching_brace(std::string_view text, std::size_t open) {
  return walk_nested(text, open + 1, {'{'}).end;
}

std::size_t format_colon(std::string_view text, std::size_t open, std::size_t close) {
  int depth = 0;
  for (std::size_t i = open + 1; i < close; ++i) {
    char c = text[i];
    if (c == '"') {
      i = walk_nested(text, i + 1, {'"'}).end;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == ':' && depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::size_t string_nesting(std::string_view literal, std::size_t quote) {
  if (literal.empty() || literal.front() != '"') return 0;
  if (quote == 1) return walk_nested(literal, 1, {'"'}).deepest;
  // A long string's quotes and line breaks are its text; only its
  // interpolations (each on one line) nest.
  std::size_t deepest = 1;
  for (std::size_t i = quote; i + quote < literal.size(); ++i) {
    if (literal[i] == '\\') {
      ++i;
    } else if (literal[i] == '{') {
      StringExtent inner = walk_nested(literal, i + 1, {'"', '{'});
      deepest = std::max(deepest, inner.deepest);
      i = inner.end;
    }
  }
  return deepest;
}

}  // namespace taskc::parse

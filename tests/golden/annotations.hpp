// Reading `// error: E0123 E0456` annotations and GNU diagnostic lines, for the
// golden tests. Plain string scanning: no <regex>, whose GCC 12 code trips
// -Wmaybe-uninitialized in sanitizer builds.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace taskc::testing {

// Whether a line carries an `// error:` annotation (not only a warning).
inline bool annotates_error(const std::string& line) {
  return line.find("// error:") != std::string::npos;
}

// The codes listed after `// error:` or `// warning:` on a line; empty when
// there is none.
inline std::vector<std::string> annotated_codes(const std::string& line) {
  std::vector<std::string> codes;
  std::size_t at = line.find("// error:");
  if (at == std::string::npos) at = line.find("// warning:");
  if (at == std::string::npos) return codes;
  for (std::size_t i = line.find(':', at) + 1; i + 5 <= line.size(); ++i) {
    if (line[i] != 'E') continue;
    bool digits = true;
    for (std::size_t j = 1; j <= 4; ++j) digits = digits && std::isdigit(static_cast<unsigned char>(line[i + j]));
    if (digits) codes.push_back(line.substr(i, 5));
  }
  return codes;
}

struct GnuError {
  std::string file;
  int line = 0;
  std::string code;
};

// "path:12:5: error[E0101]: message" -> {path, 12, E0101}; warnings too.
inline std::optional<GnuError> parse_gnu_error(const std::string& text) {
  std::size_t marker = text.find(": error[E");
  std::size_t severity = 6;  // ": error"
  if (marker == std::string::npos) {
    marker = text.find(": warning[E");
    severity = 8;
  }
  if (marker == std::string::npos || marker + severity + 8 > text.size()) return std::nullopt;
  std::size_t column_colon = text.rfind(':', marker - 1);
  if (column_colon == std::string::npos || column_colon == 0) return std::nullopt;
  std::size_t line_colon = text.rfind(':', column_colon - 1);
  if (line_colon == std::string::npos) return std::nullopt;
  GnuError error;
  error.file = text.substr(0, line_colon);
  error.line = std::atoi(text.substr(line_colon + 1, column_colon - line_colon - 1).c_str());
  error.code = text.substr(marker + severity + 2, 5);
  return error;
}

}  // namespace taskc::testing

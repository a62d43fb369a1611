// Format specs: Python's format mini-language, as `"{x:.2f}"` and
// `format(x, spec)` take it (language.md, "Format specs"):
//
//   [[fill]align][sign][#][0][width][,|_][.precision][type]
//
// Parsing and the check of a spec against the kind of value it formats live
// here, apart from the formatting itself (format.hpp), because the compiler
// checks literal specs with this same code: what `taskc check` accepts is
// exactly what the runtime accepts.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taskrt {

struct FormatSpec {
  std::string fill = " ";  // one character (UTF-8)
  char align = 0;          // '<', '>', '^', '=', or 0: the value's default
  char sign = '-';         // '-', '+' or ' '
  bool alternate = false;  // '#': 0x/0o/0b prefixes; a float keeps its '.'
  bool zero = false;       // '0' before the width: fill 0; a number without an align pads after its sign
  int width = 0;
  char grouping = 0;  // ',' or '_' between thousands (or groups of 4 hex, octal, binary digits)
  int precision = -1;
  char type = 0;  // 0, or one of d x X o b f F e E g G % s
};

// Larger widths and precisions are malformed: no spec may make a program
// allocate without bound.
inline constexpr int kMaxFormatWidth = 1'000'000;
inline constexpr int kMaxFormatPrecision = 1'000;

// The spec, or nullopt with `error` saying what is wrong and where.
std::optional<FormatSpec> parse_format_spec(std::string_view text, std::string& error);

// What a spec is applied to: an int, a float, or anything else (formatted as
// `print` shows it, str included).
enum class FormatTarget { kInt, kFloat, kText };

// Empty when the spec can format the target; otherwise why not ("`f` formats
// numbers, not text"). An int takes the float types too (it is converted).
std::string format_spec_mismatch(const FormatSpec& spec, FormatTarget target);

}  // namespace taskrt

#include "compiler/diag/codes.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

namespace taskc::diag {
namespace {

constexpr CodeInfo kCodes[] = {
    {Code::kSyntaxError, "E0001", "syntax error",
     R"(The parser found a token where the grammar does not allow one.

The message says what was expected and the caret points at the token that was
found instead. Often the real mistake is just before the caret: a missing `)`,
`}` or `,`, or a keyword used as a name.

    io task fetch(url: str) -> {      // error: expected a type after `->`
    io task fetch(url: str) -> str {  // fixed
)"},
    {Code::kUnterminatedString, "E0002", "unterminated string literal",
     R"(A string literal must end with `"` on the same line it starts on.

    print("hello)      // error
    print("hello")     // fixed

Use `\n` for a newline inside a string, and `\"` for a quote.
)"},
    {Code::kUnknownCharacter, "E0003", "unknown character",
     R"(The source contains a character that cannot start any token of the
language, such as `$`, `@`, `#` or a non-ASCII character outside a string or
comment.

    let price = $5     // error
    let price = 5      // fixed
)"},
    {Code::kInvalidLiteral, "E0004", "invalid literal",
     R"(A number or duration literal is malformed or out of range. Integers are
64-bit signed, so the largest is 9_223_372_036_854_775_807; underscores may
separate digits but may not end a number.

    let big = 99999999999999999999   // error: does not fit in int
    let big = 9_999_999_999          // fixed

Durations must be a whole number of nanoseconds and shorter than about 292
years: `1.5s` is fine, `0.5ns` is not.
)"},
    {Code::kUnknownEscape, "E0005", "unknown escape sequence",
     R"(Inside a string, a backslash starts an escape. The escapes are `\n`
(newline), `\t` (tab), `\"` (quote), `\\` (backslash), and `\{` and `\}` (literal
braces, since `{` starts an interpolation).

    print("C:\temp")      // error: `\t` is a tab, but `\e`… is unknown
    print("50\% off")     // error: `\%` is not an escape
    print("50% off")      // fixed
)"},
    {Code::kCallOfNonName, "E0006", "only tasks, flows and builtins can be called",
     R"(The language has no function values: a call names the task, flow or
builtin it calls.

    let f = fetch
    f(url)              // error
    fetch(url)          // fixed
)"},
    {Code::kInvalidAssignTarget, "E0007", "cannot assign to this expression",
     R"(The left side of `=`, `+=` and the other assignments must be a place
that holds a value: a variable, an element of a list or map, or a field.

    len(xs) = 3         // error
    xs[0] = 3           // fixed: a list element
    page.status = 200   // fixed: a record field
)"},
};

}  // namespace

std::span<const CodeInfo> all_codes() {
  return kCodes;
}

const CodeInfo& info(Code code) {
  for (const CodeInfo& entry : kCodes) {
    if (entry.code == code) return entry;
  }
  // Every enumerator has an entry; tests/compiler/diag checks this.
  std::abort();
}

const CodeInfo* find_code(std::string_view text) {
  std::string digits(text);
  if (!digits.empty() && (digits[0] == 'E' || digits[0] == 'e')) digits.erase(0, 1);
  if (digits.empty() || digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return nullptr;
  }
  int number = std::stoi(digits);
  for (const CodeInfo& entry : kCodes) {
    if (static_cast<int>(entry.code) == number) return &entry;
  }
  return nullptr;
}

}  // namespace taskc::diag

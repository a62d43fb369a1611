// Decoding of literal tokens: integers, floats, durations and string escapes.
// Pure functions of the token text; no ANTLR types, so they are unit-testable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskc::parse {

// `42`, `1_000_000`, `0xff`. False when the value does not fit in int64.
bool parse_int(std::string_view text, std::int64_t& value);
// `1.5`, `2e9`. False when the value is out of range.
bool parse_float(std::string_view text, double& value);
// `100ns`, `1.5s`, `5m`, `1h` to nanoseconds. On failure `problem` says why.
bool parse_duration(std::string_view text, std::int64_t& nanoseconds, std::string& problem);
// The character an escape `\c` stands for, if `c` is a known escape.
std::optional<char> decode_escape(char c);
std::string unknown_escape_message(char c);
// Index of the `}` that closes the `{` at `open`, skipping nested strings and
// braces; text.size() - 1 when unbalanced (the lexer never lets that happen).
std::size_t matching_brace(std::string_view text, std::size_t open);

// The `:` that starts a format spec in the interpolation `{…}` from `open`
// to `close` (the braces): the first outside brackets and nested strings;
// npos if there is none.
std::size_t format_colon(std::string_view text, std::size_t open, std::size_t close);

// Where the contexts on `open` ('"': a string, '{': braces), entered before
// `start`, all close in `text` (or a line or the text ends), and the deepest
// they went.
struct StringExtent {
  std::size_t end;
  std::size_t deepest;
};
StringExtent walk_nested(std::string_view text, std::size_t start, std::vector<char> open);
// How deeply strings and braces nest in a string literal's text (quotes
// included): 1 for "plain", 3 for "a{"b"}". `quote`: 3 for a """long""" one.
std::size_t string_nesting(std::string_view literal, std::size_t quote);

}  // namespace taskc::parse

// ASCII character classes and case, whatever the C locale says. <cctype>'s
// functions follow setlocale(), which a program embedding the runtime may
// call: in a single-byte locale they would change or classify the bytes of
// UTF-8 text. The language's str functions are defined on ASCII.
#pragma once

namespace taskrt::ascii {

constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(unsigned char c) {
  return is_alpha(c) || is_digit(c);
}
// Space, \t, \n, \v, \f and \r, as the C locale's isspace.
constexpr bool is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char to_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace taskrt::ascii

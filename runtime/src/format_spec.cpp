#include "taskrt/format_spec.hpp"

#include "ascii.hpp"

namespace taskrt {
namespace {

bool is_align(char c) {
  return c == '<' || c == '>' || c == '^' || c == '=';
}

// Bytes in the UTF-8 character that starts with `lead` (1 for a stray byte).
std::size_t character_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

bool is_float_type(char type) {
  return type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == 'g' || type == 'G' || type == '%';
}

bool is_int_type(char type) {
  return type == 'd' || type == 'x' || type == 'X' || type == 'o' || type == 'b';
}

// Reads decimal digits at `at` into `value`, up to `limit`; false past it.
bool read_number(std::string_view text, std::size_t& at, int limit, int& value) {
  value = 0;
  while (at < text.size() && ascii::is_digit(static_cast<unsigned char>(text[at]))) {
    value = value * 10 + (text[at] - '0');
    if (value > limit) return false;
    ++at;
  }
  return true;
}

}  // namespace

std::optional<FormatSpec> parse_format_spec(std::string_view text, std::string& error) {
  FormatSpec spec;
  std::size_t at = 0;
  // [[fill]align]: a fill is any one character followed by an align.
  std::size_t first = text.empty() ? 0 : character_length(static_cast<unsigned char>(text[0]));
  if (first < text.size() && is_align(text[first])) {
    spec.fill = std::string(text.substr(0, first));
    spec.align = text[first];
    at = first + 1;
  } else if (!text.empty() && is_align(text[0])) {
    spec.align = text[0];
    at = 1;
  }
  if (at < text.size() && (text[at] == '+' || text[at] == '-' || text[at] == ' ')) spec.sign = text[at++];
  if (at < text.size() && text[at] == '#') {
    spec.alternate = true;
    ++at;
  }
  if (at < text.size() && text[at] == '0') {
    spec.zero = true;
    ++at;
  }
  if (!read_number(text, at, kMaxFormatWidth, spec.width)) {
    error = "the width is larger than " + std::to_string(kMaxFormatWidth);
    return std::nullopt;
  }
  if (at < text.size() && (text[at] == ',' || text[at] == '_')) spec.grouping = text[at++];
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (at == text.size() || !ascii::is_digit(static_cast<unsigned char>(text[at]))) {
      error = "`.` must be followed by the precision, a number";
      return std::nullopt;
    }
    if (!read_number(text, at, kMaxFormatPrecision, spec.precision)) {
      error = "the precision is larger than " + std::to_string(kMaxFormatPrecision);
      return std::nullopt;
    }
  }
  if (at < text.size() && (is_int_type(text[at]) || is_float_type(text[at]) || text[at] == 's')) spec.type = text[at++];
  if (at != text.size()) {
    error = "unexpected `" + std::string(text.substr(at, character_length(static_cast<unsigned char>(text[at])))) +
            "` at position " + std::to_string(at + 1) +
            " (a spec is [[fill]align][sign][#][0][width][,|_][.precision][type])";
    return std::nullopt;
  }
  // `0` fills with zeros unless a fill is given; without an align, a number
  // is padded after its sign (`=`), as in Python.
  bool fill_given = first < text.size() && is_align(text[first]);
  if (spec.zero && !fill_given) spec.fill = "0";
  return spec;
}

std::string format_spec_mismatch(const FormatSpec& spec, FormatTarget target) {
  auto type_text = [&] { return std::string("`") + spec.type + "`"; };
  switch (target) {
    case FormatTarget::kInt:
      if (spec.type == 's') return "`s` formats text; an int takes d, x, X, o, b, or a float type";
      if (spec.precision >= 0 && !is_float_type(spec.type)) {
        return "an int has no precision (a float type such as `.2f` converts it)";
      }
      if (spec.grouping == ',' && spec.type != 0 && spec.type != 'd' && !is_float_type(spec.type)) {
        return "`,` groups decimal digits; use `_` with " + type_text();
      }
      return {};
    case FormatTarget::kFloat:
      if (is_int_type(spec.type)) return type_text() + " formats ints; a float takes f, F, e, E, g, G or %";
      if (spec.type == 's') return "`s` formats text; a float takes f, F, e, E, g, G or %";
      return {};
    case FormatTarget::kText:
      if (spec.type != 0 && spec.type != 's') return type_text() + " formats numbers, not text";
      if (spec.sign != '-') return "a sign (`+`, ` `) formats numbers, not text";
      if (spec.alternate) return "`#` formats numbers, not text";
      if (spec.grouping != 0) return std::string("`") + spec.grouping + "` groups digits of numbers, not text";
      if (spec.align == '=') return "`=` (padding after the sign) formats numbers, not text";
      return {};
  }
  return {};
}

}  // namespace taskrt

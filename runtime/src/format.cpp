#include "taskrt/format.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

namespace taskrt {
namespace {

std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string repeated(const std::string& fill, std::size_t times) {
  // One byte, the common fill, is one memset rather than an append per column.
  if (fill.size() == 1) return std::string(times, fill[0]);
  std::string out;
  out.reserve(fill.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += fill;
  return out;
}

// `head` (a sign, a 0x) and `body` (the digits) padded to the spec's width.
std::string aligned(const std::string& head, const std::string& body, const FormatSpec& spec, char align) {
  std::size_t length = count_characters(head) + count_characters(body);
  auto width = static_cast<std::size_t>(spec.width);
  if (width <= length) return head + body;
  std::size_t pad = width - length;
  switch (align) {
    case '<': return head + body + repeated(spec.fill, pad);
    case '^': return repeated(spec.fill, pad / 2) + head + body + repeated(spec.fill, pad - pad / 2);
    case '=': return head + repeated(spec.fill, pad) + body;
    default: return repeated(spec.fill, pad) + head + body;
  }
}

// Separators every `every` digits from the right. With a minimum width (zero
// padding), leading zeros are added group by group until it is reached, and
// the result never starts with a separator: CPython's algorithm, so
// `{1234:08,}` is 0,001,234 there and here.
std::string grouped(std::string_view digits, char separator, std::size_t every, std::int64_t min_width) {
  std::string reversed;
  auto remaining = static_cast<std::int64_t>(digits.size());
  bool separate = false;
  while (true) {
    std::int64_t length = std::min<std::int64_t>(static_cast<std::int64_t>(every),
                                                 std::max<std::int64_t>({remaining, min_width, std::int64_t{1}}));
    std::int64_t taken = std::max<std::int64_t>(0, std::min(remaining, length));
    std::int64_t zeros = std::max<std::int64_t>(0, length - remaining);
    if (separate) reversed.push_back(separator);
    for (std::int64_t i = 0; i < taken; ++i) reversed.push_back(digits[static_cast<std::size_t>(remaining - 1 - i)]);
    reversed.append(static_cast<std::size_t>(zeros), '0');
    separate = true;
    remaining -= taken;
    min_width -= length;
    if (remaining <= 0 && min_width <= 0) break;
    min_width -= 1;
  }
  return std::string(reversed.rbegin(), reversed.rend());
}

std::string sign_text(bool negative, char sign) {
  if (negative) return "-";
  if (sign == '+') return "+";
  if (sign == ' ') return " ";
  return "";
}

// Drops the trailing zeros of a fraction (`2.500` to `2.5`, `3.000` to `3`
// unless `keep_one`, which leaves `3.0`).
std::string trimmed_fraction(std::string digits, bool keep_one) {
  if (digits.find('.') == std::string::npos) return digits;
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') {
    if (keep_one) {
      digits.push_back('0');
    } else {
      digits.pop_back();
    }
  }
  return digits;
}

// Python's float format without a type but with a precision: `precision`
// significant digits; scientific when the exponent is below -4 or at least
// precision - 1 (one sooner than `g`); otherwise fixed, with at least one
// digit after the point.
std::string general_format(double magnitude, int precision, bool alternate) {
  std::string scientific = fmt::format("{:.{}e}", magnitude, precision - 1);
  std::size_t e = scientific.find('e');
  int exponent = std::stoi(scientific.substr(e + 1));
  if (exponent < -4 || exponent >= precision - 1) {
    if (alternate) return scientific;
    return trimmed_fraction(scientific.substr(0, e), false) + scientific.substr(e);
  }
  std::string fixed = fmt::format("{:.{}f}", magnitude, precision - 1 - exponent);
  return alternate ? fixed : trimmed_fraction(fixed, true);
}

char number_align(const FormatSpec& spec) {
  if (spec.align != 0) return spec.align;
  return spec.zero ? '=' : '>';
}

}  // namespace

std::string format_with(std::int64_t value, const FormatSpec& spec) {
  switch (spec.type) {
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case '%': return format_with(static_cast<double>(value), spec);
    default: break;
  }
  bool negative = value < 0;
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::string digits;
  std::string base;
  switch (spec.type) {
    case 'x': digits = fmt::format("{:x}", magnitude), base = "0x"; break;
    case 'X': digits = fmt::format("{:X}", magnitude), base = "0X"; break;
    case 'o': digits = fmt::format("{:o}", magnitude), base = "0o"; break;
    case 'b': digits = fmt::format("{:b}", magnitude), base = "0b"; break;
    default: digits = fmt::format("{}", magnitude); break;
  }
  std::string head = sign_text(negative, spec.sign) + (spec.alternate ? base : "");
  char align = number_align(spec);
  if (spec.grouping != 0) {
    std::size_t every = spec.type == 0 || spec.type == 'd' ? 3 : 4;
    std::int64_t min_width =
        align == '=' && spec.fill == "0" ? spec.width - static_cast<std::int64_t>(count_characters(head)) : 0;
    digits = grouped(digits, spec.grouping, every, min_width);
  }
  return aligned(head, digits, spec, align);
}

std::string format_with(double value, const FormatSpec& spec) {
  bool negative = std::signbit(value) && !std::isnan(value);
  double magnitude = std::fabs(value);
  char type = spec.type;
  std::string suffix;
  if (type == '%') {
    magnitude *= 100;
    type = 'f';
    suffix = "%";
  }
  std::string body;
  if (type == 0 && spec.precision < 0) {
    body = format_float(magnitude);  // as print shows it
  } else if (type == 0 && std::isfinite(magnitude)) {
    body = general_format(magnitude, std::max(spec.precision, 1), spec.alternate);
  } else {
    // (inf and nan under no type are written as `g` writes them.)
    int precision = spec.precision < 0 ? 6 : spec.precision;
    body = fmt::format(
        fmt::runtime(fmt::format("{{:{}.{}{}}}", spec.alternate ? "#" : "", precision, type == 0 ? 'g' : type)),
        magnitude);
  }
  body += suffix;
  std::string head = sign_text(negative, spec.sign);
  char align = number_align(spec);
  if (spec.grouping != 0 && !body.empty() && body[0] >= '0' && body[0] <= '9') {
    std::size_t integer_end = body.find_first_not_of("0123456789");
    if (integer_end == std::string::npos) integer_end = body.size();
    std::string rest = body.substr(integer_end);
    std::int64_t min_width =
        align == '=' && spec.fill == "0"
            ? spec.width - static_cast<std::int64_t>(count_characters(head) + count_characters(rest))
            : 0;
    body = grouped(std::string_view(body).substr(0, integer_end), spec.grouping, 3, min_width) + rest;
  }
  return aligned(head, body, spec, align);
}

std::string format_text(std::string_view text, const FormatSpec& spec) {
  std::string body(text);
  if (spec.precision >= 0) {
    // Cut after `precision` characters, never inside one.
    std::size_t characters = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if ((static_cast<unsigned char>(body[i]) & 0xC0) == 0x80) continue;
      if (characters++ == static_cast<std::size_t>(spec.precision)) {
        body.resize(i);
        break;
      }
    }
  }
  return aligned("", body, spec, spec.align != 0 ? spec.align : '<');
}

std::string format_float(double value) {
  // NaN has a sign bit nobody asked for: print it as Python does, `nan`.
  if (std::isnan(value)) return "nan";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eni") == std::string::npos) text += ".0";
  return text;
}

std::string format_duration(std::chrono::nanoseconds value) {
  struct Unit {
    std::int64_t nanoseconds;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {3'600'000'000'000, "h"}, {60'000'000'000, "m"}, {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"},
  };
  std::int64_t count = value.count();
  if (count == 0) return "0s";
  for (const Unit& unit : kUnits) {
    if (count % unit.nanoseconds == 0) return fmt::format("{}{}", count / unit.nanoseconds, unit.suffix);
  }
  return fmt::format("{}ns", count);
}

std::string quote_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      case '{': out += "\\{"; break;
      default:
        // Other control characters as source writes them: a string printed
        // inside a list never drives the terminal.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace taskrt

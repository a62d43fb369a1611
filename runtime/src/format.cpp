#include "taskrt/format.hpp"

#include <fmt/format.h>
#include <cmath>

namespace taskrt {

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

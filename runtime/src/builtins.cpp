#include "taskrt/builtins.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "ascii.hpp"

namespace taskrt {

void throw_index_error(std::int64_t index, std::size_t size) {
  throw FailedError(fmt::format("index {} is out of range for length {}", index, size));
}

std::vector<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step) {
  if (step == 0) throw ValueError("range: the step must not be 0");
  std::vector<std::int64_t> out;
  // In unsigned arithmetic, so that no step can overflow on the way.
  if (step > 0 && start < end) {
    std::uint64_t count =
        (static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start) - 1) / static_cast<std::uint64_t>(step) +
        1;
    out.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      out.push_back(
          static_cast<std::int64_t>(static_cast<std::uint64_t>(start) + i * static_cast<std::uint64_t>(step)));
    }
  } else if (step < 0 && start > end) {
    std::uint64_t magnitude = 0 - static_cast<std::uint64_t>(step);
    std::uint64_t count = (static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(end) - 1) / magnitude + 1;
    out.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      out.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(start) - i * magnitude));
    }
  }
  return out;
}

std::int64_t round(double x) {
  if (std::isnan(x)) throw ValueError("round(nan): not a number");
  double nearest = std::nearbyint(x);  // the default rounding mode: halves to even
  if (!(nearest >= -9.2233720368547758e18 && nearest < 9.2233720368547758e18)) {
    throw ArithmeticError(fmt::format("round({}): does not fit in int", format_float(x)));
  }
  return static_cast<std::int64_t>(nearest);
}

double round(double x, std::int64_t digits) {
  if (!std::isfinite(x)) return x;
  if (digits >= 0) {
    // The shortest decimal of the exact value, rounded: what Python does.
    if (digits > 340) return x;
    std::string text = fmt::format("{:.{}f}", x, digits);
    return std::strtod(text.c_str(), nullptr);
  }
  if (digits < -308) return std::copysign(0.0, x);
  double scale = std::pow(10.0, static_cast<double>(-digits));
  return std::nearbyint(x / scale) * scale;
}

void throw_bad_format_spec(std::string_view spec, const std::string& problem) {
  throw ValueError(fmt::format("format spec {}: {}", quote_string(spec), problem));
}

std::pair<std::size_t, std::size_t> slice_bounds(std::int64_t from, std::int64_t to, bool inclusive, std::size_t size) {
  auto length = static_cast<std::int64_t>(size);
  // Python's rule: a negative bound counts from the end, then both clamp.
  auto place = [&](std::int64_t bound) {
    if (bound < 0) bound = bound < -length ? 0 : bound + length;
    return std::min(bound, length);
  };
  std::int64_t begin = from == kSliceStart ? 0 : place(from);
  std::int64_t end = to == kSliceEnd ? length : place(to);
  // ..=b takes b too: one past it, unless b is already past the end.
  if (inclusive && to != kSliceEnd && (to >= -length) && end < length) ++end;
  if (end < begin) end = begin;
  return {static_cast<std::size_t>(begin), static_cast<std::size_t>(end)};
}

void throw_missing_key(const std::string& key) {
  throw FailedError(fmt::format("key {} is not in the map", key));
}

std::vector<std::int64_t> range(std::int64_t start, std::int64_t end) {
  IntRange numbers(start, end, false);
  return std::vector<std::int64_t>(numbers.begin(), numbers.end());
}

std::vector<std::int64_t> range_inclusive(std::int64_t start, std::int64_t end) {
  IntRange numbers(start, end, true);
  return std::vector<std::int64_t>(numbers.begin(), numbers.end());
}

std::vector<std::string> split(const std::string& s, const std::string& separator) {
  std::vector<std::string> parts;
  if (separator.empty()) {
    // Like Python's str.split(): runs of whitespace separate, none at the ends.
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && ascii::is_space(static_cast<unsigned char>(s[i]))) ++i;
      std::size_t start = i;
      while (i < s.size() && !ascii::is_space(static_cast<unsigned char>(s[i]))) ++i;
      if (i > start) parts.push_back(s.substr(start, i - start));
    }
    return parts;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(separator, start);
    if (at == std::string::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, at - start));
    start = at + separator.size();
  }
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string trim(const std::string& s) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && ascii::is_space(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && ascii::is_space(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

std::string lower(std::string s) {
  for (char& c : s) c = ascii::to_lower(c);
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = ascii::to_upper(c);
  return s;
}

std::vector<std::int64_t> bytes(const std::string& s) {
  std::vector<std::int64_t> out;
  out.reserve(s.size());
  for (unsigned char c : s) out.push_back(c);
  return out;
}

std::int64_t to_int(const std::string& s) {
  std::string text = trim(s);
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw ValueError(fmt::format("int({}): not an integer", quote_string(s)));
  }
  if (errno == ERANGE) throw ArithmeticError(fmt::format("int({}): does not fit in int", quote_string(s)));
  return value;
}

std::int64_t to_int(double x) {
  if (!std::isfinite(x) || x >= 9.2233720368547758e18 || x < -9.2233720368547758e18) {
    throw ArithmeticError(fmt::format("int({}): does not fit in int", format_float(x)));
  }
  return static_cast<std::int64_t>(x);
}

double to_float(const std::string& s) {
  std::string text = trim(s);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw ValueError(fmt::format("float({}): not a number", quote_string(s)));
  }
  return value;
}

Duration parse_duration(std::string_view text) {
  // [-]digits[.digits]unit, and nothing else: `1.2.3s`, `.s` and `1e3s` are not durations.
  std::size_t at = !text.empty() && text[0] == '-' ? 1 : 0;
  std::size_t digits_before = text.find_first_not_of("0123456789", at);
  if (digits_before == std::string_view::npos) digits_before = text.size();
  std::size_t unit_at = digits_before;
  std::size_t digits = digits_before - at;
  if (unit_at < text.size() && text[unit_at] == '.') {
    std::size_t after = text.find_first_not_of("0123456789", unit_at + 1);
    if (after == std::string_view::npos) after = text.size();
    digits += after - unit_at - 1;
    unit_at = after;
  }
  if (digits == 0 || unit_at == text.size()) {
    throw FailedError(fmt::format("`{}` is not a duration (write it like 250ms, 2s or 1.5m)", text));
  }
  std::string_view unit = text.substr(unit_at);
  double scale = unit == "ns"   ? 1
                 : unit == "us" ? 1e3
                 : unit == "ms" ? 1e6
                 : unit == "s"  ? 1e9
                 : unit == "m"  ? 60e9
                 : unit == "h"  ? 3600e9
                                : -1;
  if (scale < 0) throw FailedError(fmt::format("`{}`: unknown unit `{}` (ns, us, ms, s, m or h)", text, unit));
  double count = std::strtod(std::string(text.substr(0, unit_at)).c_str(), nullptr);
  double nanoseconds = count * scale;
  if (!(nanoseconds >= -0x1p63 && nanoseconds < 0x1p63)) {
    throw ArithmeticError(fmt::format("`{}` does not fit in a duration (at most about 292 years)", text));
  }
  return Duration(static_cast<std::int64_t>(nanoseconds));
}

void throw_duration_overflow(const char* op, Duration a, const std::string& b) {
  throw ArithmeticError(
      fmt::format("duration overflow: {} {} {} does not fit in a duration (about ±292 years)", format_value(a), op, b));
}

Duration duration_from(double nanoseconds, const char* op, Duration a, double b) {
  // -2^63 fits, 2^63 does not; NaN fails both comparisons.
  if (!(nanoseconds >= -0x1p63 && nanoseconds < 0x1p63)) {
    throw ArithmeticError(
        fmt::format("duration overflow: {} {} {} is not a duration", format_value(a), op, format_value(b)));
  }
  return Duration(static_cast<std::int64_t>(nanoseconds));
}

}  // namespace taskrt

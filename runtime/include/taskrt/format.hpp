// Value formatting as `print` shows it (§11 of the language): every value is
// written the way it would appear in source. These are the scalar building
// blocks; containers and records compose them.
//
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "taskrt/format_spec.hpp"

namespace taskrt {

// Shortest text that reads back as the same double, always with a `.` or an
// exponent so it never looks like an int: 1.0, 2.5, 1e+20, inf, nan.
std::string format_float(double value);

// The largest unit that represents the duration exactly: 250ms, 2s, 1500us, 0s.
std::string format_duration(std::chrono::nanoseconds value);

// A string as a source literal, for strings inside containers: "a\"b\n".
std::string quote_string(std::string_view value);

// A value under a format spec the caller has checked (format_spec_mismatch)
// to fit it, exactly as Python formats the same value and spec: widths and
// precisions of text count UTF-8 characters, floats are correctly rounded.
std::string format_with(std::int64_t value, const FormatSpec& spec);
std::string format_with(double value, const FormatSpec& spec);
// Text (a str, or any value as print shows it): aligned, padded, cut to
// the precision.
std::string format_text(std::string_view text, const FormatSpec& spec);

}  // namespace taskrt

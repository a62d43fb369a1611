// Reading clocks and writing times (language.md, "Time"): clock(), the
// monotonic time since the program started (the way to time things), and
// format_time/parse_time between Unix time (seconds, as now() gives) and
// text, strftime-style, in UTC unless the format has an offset (%z).
// Also getpid(): each worker process gives its own.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "taskrt/time.hpp"

namespace taskrt {

// Monotonic time since the program started.
Duration clock();

// `t` (seconds since the Unix epoch) written by strftime's `fmt`, in UTC;
// `%f` is the microseconds. ValueError for a time outside the years 1-9999.
std::string format_time(double t, const std::string& fmt);
// The Unix time `text` stands for under strptime's `fmt` (UTC, unless `%z`
// gives an offset); ValueError naming both when it does not match.
double parse_time(const std::string& text, const std::string& fmt);

std::int64_t getpid();

}  // namespace taskrt

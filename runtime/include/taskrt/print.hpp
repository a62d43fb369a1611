// print and eprint (§11 of the language): arguments separated by spaces, then a
// newline, written as one atomic line even when many threads print at once.
// A str argument prints raw; every other value prints as it would be written in
// source: 42, 2.5, 1.0, true, none, 250ms, [1, 2], ["a"], (1, "x"), {"k": 3}.
// Records get a format_value overload from generated code, found by ADL.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "taskrt/format.hpp"
#include "taskrt/gather.hpp"
#include "taskrt/values.hpp"

namespace taskrt {

inline std::string format_value(std::int64_t value) {
  return std::to_string(value);
}
inline std::string format_value(int value) {
  return std::to_string(value);
}
inline std::string format_value(double value) {
  return format_float(value);
}
inline std::string format_value(bool value) {
  return value ? "true" : "false";
}
inline std::string format_value(const std::string& value) {
  return quote_string(value);
}
inline std::string format_value(std::string_view value) {
  return quote_string(value);
}
inline std::string format_value(const char* value) {
  return quote_string(value);
}
inline std::string format_value(std::chrono::nanoseconds value) {
  return format_duration(value);
}
inline std::string format_value(Unit) {
  return "none";
}

template <typename T>
std::string format_value(const std::optional<T>& value);
template <typename T>
std::string format_value(const std::vector<T>& values);
template <typename K, typename V>
std::string format_value(const Map<K, V>& map);
template <typename... T>
std::string format_value(const std::tuple<T...>& tuple);
template <typename T>
std::string format_value(const Result<T>& result);

template <typename T>
std::string format_value(const std::optional<T>& value) {
  return value ? format_value(*value) : std::string("none");
}

template <typename T>
std::string format_value(const std::vector<T>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_value(values[i]);
  }
  return out + "]";
}

template <typename K, typename V>
std::string format_value(const Map<K, V>& map) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) out += ", ";
    first = false;
    out += format_value(key) + ": " + format_value(value);
  }
  return out + "}";
}

template <typename... T>
std::string format_value(const std::tuple<T...>& tuple) {
  std::string out = "(";
  std::size_t i = 0;
  std::apply([&](const auto&... element) { ((out += (i++ > 0 ? ", " : "") + format_value(element)), ...); }, tuple);
  return out + ")";
}

template <typename T>
std::string format_value(const Result<T>& result) {
  if (result.ok()) return "ok(" + format_value(result.value()) + ")";
  return "error(" + result.kind_name() + ": " + quote_string(result.error_message()) + ")";
}

// A top-level print argument: strings raw, everything else formatted.
inline std::string print_argument(const std::string& value) {
  return value;
}
inline std::string print_argument(std::string_view value) {
  return std::string(value);
}
inline std::string print_argument(const char* value) {
  return value;
}
template <typename T>
std::string print_argument(const T& value) {
  return format_value(value);
}
// An optional that holds a string prints it raw, as Python prints an
// Optional[str]; `none` prints as itself.
template <typename T>
std::string print_argument(const std::optional<T>& value) {
  return value ? print_argument(*value) : std::string("none");
}

// Writes `line` and a newline to stdout / stderr in one write, under a lock.
void write_stdout_line(std::string line);
void write_stderr_line(std::string line);
// Writes `text` as it is to `fd`, under the same lock: the lines another
// process printed (an MPI rank's workers).
void write_output(int fd, std::string_view text);

template <typename... Args>
std::string join_arguments(const Args&... args) {
  std::string line;
  std::size_t i = 0;
  ((line += (i++ > 0 ? " " : "") + print_argument(args)), ...);
  return line;
}

template <typename... Args>
void print(const Args&... args) {
  write_stdout_line(join_arguments(args...));
}

template <typename... Args>
void eprint(const Args&... args) {
  write_stderr_line(join_arguments(args...));
}

}  // namespace taskrt

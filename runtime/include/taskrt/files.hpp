// The file and environment builtins of the language: read_file, write_file
// (atomic: a temporary file, then rename), append_file, read_lines, list_dir
// run on the blocking pool; env and now answer at once. Failures are IoError
// naming the path and the system's reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "taskrt/schedule.hpp"

namespace taskrt {

namespace detail {
std::string read_file_now(const std::string& path);
void write_file_now(const std::string& path, const std::string& text);
void append_file_now(const std::string& path, const std::string& text);
std::vector<std::string> read_lines_now(const std::string& path);
std::vector<std::string> list_dir_now(const std::string& path);
}  // namespace detail

inline auto read_file(std::string path) {
  return run_blocking([path = std::move(path)] { return detail::read_file_now(path); });
}
inline auto write_file(std::string path, std::string text) {
  return run_blocking([path = std::move(path), text = std::move(text)] { detail::write_file_now(path, text); });
}
inline auto append_file(std::string path, std::string text) {
  return run_blocking([path = std::move(path), text = std::move(text)] { detail::append_file_now(path, text); });
}
inline auto read_lines(std::string path) {
  return run_blocking([path = std::move(path)] { return detail::read_lines_now(path); });
}
inline auto list_dir(std::string path) {
  return run_blocking([path = std::move(path)] { return detail::list_dir_now(path); });
}

// The environment variable, or none.
std::optional<std::string> env(const std::string& name);
// Seconds since the Unix epoch.
double now();

}  // namespace taskrt

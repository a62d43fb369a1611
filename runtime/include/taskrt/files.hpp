// The file and environment builtins of the language: read_file, write_file
// (atomic: a temporary file, then rename), append_file, read_lines, list_dir
// run on the blocking pool; env and now answer at once. Failures are IoError
// naming the path and the system's reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "taskrt/task.hpp"

namespace taskrt {

namespace detail {
std::string read_file_now(const std::string& path);
void write_file_now(const std::string& path, const std::string& text);
void append_file_now(const std::string& path, const std::string& text);
std::vector<std::string> read_lines_now(const std::string& path);
std::vector<std::string> list_dir_now(const std::string& path);
}  // namespace detail

Task<std::string> read_file(std::string path);
Task<void> write_file(std::string path, std::string text);
Task<void> append_file(std::string path, std::string text);
// The lines without their line ends ("\n" or "\r\n"); no empty last line for
// a file that ends with a newline.
Task<std::vector<std::string>> read_lines(std::string path);
// The names in the directory, sorted, without "." and "..".
Task<std::vector<std::string>> list_dir(std::string path);

// The environment variable, or none.
std::optional<std::string> env(const std::string& name);
// Seconds since the Unix epoch.
double now();

}  // namespace taskrt

// The file and environment builtins of the language: read_file, write_file
// (atomic: a temporary file, then rename), append_file, read_lines, list_dir
// run on the blocking pool; env and now answer at once. Failures are IoError
// naming the path and the system's reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "taskrt/task.hpp"

namespace taskrt {

// The most read_file reads (read_lines too) before it fails with IoError:
// /dev/urandom must not eat the machine. RuntimeOptions::file_max_size sets it.
inline constexpr std::uint64_t kDefaultFileMaxSize = std::uint64_t{1} << 30;

namespace detail {
// 0: no limit. Process-wide; set once, when the runtime starts.
void set_file_max_size(std::uint64_t bytes);
std::string read_file_now(const std::string& path);
std::string read_bytes_now(const std::string& path, std::uint64_t most);
void write_file_now(const std::string& path, const std::string& text);
void append_file_now(const std::string& path, const std::string& text);
std::vector<std::string> read_lines_now(const std::string& path);
std::vector<std::string> list_dir_now(const std::string& path);
}  // namespace detail

Task<std::string> read_file(std::string path);
// At most `most` bytes from the start of the file (a part of a large one, or
// of something endless such as /dev/urandom).
Task<std::string> read_bytes(std::string path, std::int64_t most);
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

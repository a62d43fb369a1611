#include "taskrt/print.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace taskrt {
namespace {

std::mutex& output_mutex() {
  static std::mutex mutex;
  return mutex;
}

// write(2) until done: a line is never split or lost on a short write.
void write_all(int fd, std::string_view text) {
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot write output: ") + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_output(int fd, std::string_view text) {
  std::lock_guard lock(output_mutex());
  write_all(fd, text);
}

void write_stdout_line(std::string line) {
  line.push_back('\n');
  write_output(STDOUT_FILENO, line);
}

void write_stderr_line(std::string line) {
  line.push_back('\n');
  write_output(STDERR_FILENO, line);
}

}  // namespace taskrt

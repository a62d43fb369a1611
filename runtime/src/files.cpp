#include "taskrt/files.hpp"

#include "taskrt/error.hpp"
#include "taskrt/format.hpp"
#include "taskrt/schedule.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace taskrt {
namespace {

[[noreturn]] void fail(const char* what, const std::string& path) {
  throw IoError(fmt::format("cannot {} `{}`: {}", what, path, std::strerror(errno)));
}

// Writes all of `text`, retrying short writes and interrupted calls; false
// (with errno set) on failure. The caller closes the descriptor.
bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Where write_file really writes: through a symbolic link to its target, as
// writing the file in place would.
std::string resolve_link(const std::string& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return path;
  char* target = ::realpath(path.c_str(), nullptr);
  if (target == nullptr) return path;  // a dangling link: rename replaces it
  std::string resolved = target;
  std::free(target);
  return resolved;
}

}  // namespace

namespace detail {

std::atomic<std::uint64_t> read_limit{kDefaultFileMaxSize};

void set_file_max_size(std::uint64_t bytes) {
  read_limit.store(bytes == 0 ? UINT64_MAX : bytes, std::memory_order_relaxed);
}

std::string read_file_now(const std::string& path) {
  std::uint64_t limit = read_limit.load(std::memory_order_relaxed);
  std::string text = read_bytes_now(path, limit == UINT64_MAX ? limit : limit + 1);
  if (text.size() > limit) {
    throw IoError(
        fmt::format("cannot read {}: it is larger than {} bytes (a file, or something endless; "
                    "raise the limit with --file-max-size, or read a part with read_bytes)",
                    quote_string(path), limit));
  }
  return text;
}

std::string read_bytes_now(const std::string& path, std::uint64_t most) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("read", path);
  std::string text;
  char buffer[65536];
  while (text.size() < most) {
    std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buffer, most - text.size()));
    ssize_t n = ::read(fd, buffer, wanted);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      fail("read", path);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

// The directory `path` is in.
std::string directory_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Writes `text` to an unnamed file in the target's directory (O_TMPFILE),
// names it `temporary` once it is complete and renames that over `target`:
// a process killed while writing leaves nothing behind. Linux cannot give
// an unnamed file a name that replaces another, so between the two calls
// that name it and rename it a complete temporary exists; the rename follows
// at once, before the descriptor is closed. False, with nothing written,
// where the file system cannot make unnamed files (or /proc is missing).
bool write_unnamed(const std::string& path, const std::string& target, const std::string& temporary,
                   const std::string& text, const struct stat* old, int& saved) {
  int fd = ::open(directory_of(target).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (old != nullptr) ::fchmod(fd, old->st_mode & 07777);
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  saved = errno;
  std::string self = fmt::format("/proc/self/fd/{}", fd);
  bool named = ok && ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temporary.c_str(), AT_SYMLINK_FOLLOW) == 0;
  if (ok && !named) saved = errno;
  if (named && ::rename(temporary.c_str(), target.c_str()) != 0) {
    ok = false;
    saved = errno;
    ::unlink(temporary.c_str());
  }
  ::close(fd);
  if (!ok) {
    errno = saved;
    fail("write", path);
  }
  return named;
}

void write_file_now(const std::string& path, const std::string& text) {
  // Readers see the old contents or the new, never half a file: write a
  // temporary file next to it, then rename it over the old one. The
  // temporary has no name while it is written (where the file system allows),
  // and a unique one after, so concurrent writers never share one and a
  // process killed mid-write leaves no file behind (at most, killed in the
  // instant between naming and renaming, a complete copy).
  static std::atomic<unsigned> counter{0};
  std::string target = resolve_link(path);
  std::string temporary = fmt::format("{}.tmp-{}-{}", target, ::getpid(), counter.fetch_add(1));
  struct stat old {};
  bool replacing = ::stat(target.c_str(), &old) == 0;
  int saved = 0;
  if (write_unnamed(path, target, temporary, text, replacing ? &old : nullptr, saved)) return;
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail("write", path);
  // Keep the permissions of the file being replaced.
  if (replacing) ::fchmod(fd, old.st_mode & 07777);
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  saved = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (ok && ::rename(temporary.c_str(), target.c_str()) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    errno = saved;
    fail("write", path);
  }
}

void append_file_now(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) fail("append to", path);
  bool ok = write_all(fd, text);
  int saved = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    errno = saved;
    fail("append to", path);
  }
}

std::vector<std::string> read_lines_now(const std::string& path) {
  std::string text = read_file_now(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> list_dir_now(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) fail("list", path);
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace detail

Task<std::string> read_file(std::string path) {
  co_return co_await run_blocking([&path] { return detail::read_file_now(path); });
}

Task<std::string> read_bytes(std::string path, std::int64_t most) {
  if (most < 0) throw ValueError(fmt::format("read_bytes({}, {}): a negative count", quote_string(path), most));
  co_return co_await run_blocking(
      [&path, most] { return detail::read_bytes_now(path, static_cast<std::uint64_t>(most)); });
}

Task<void> write_file(std::string path, std::string text) {
  co_await run_blocking([&] { detail::write_file_now(path, text); });
}

Task<void> append_file(std::string path, std::string text) {
  co_await run_blocking([&] { detail::append_file_now(path, text); });
}

Task<std::vector<std::string>> read_lines(std::string path) {
  co_return co_await run_blocking([&path] { return detail::read_lines_now(path); });
}

Task<std::vector<std::string>> list_dir(std::string path) {
  co_return co_await run_blocking([&path] { return detail::list_dir_now(path); });
}

std::optional<std::string> env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace taskrt

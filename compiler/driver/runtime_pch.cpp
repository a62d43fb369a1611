#include "compiler/driver/runtime_pch.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <vector>

#include "compiler/driver/build_cache.hpp"
#include "compiler/driver/cache_size.hpp"
#include "compiler/driver/shell.hpp"
#include "compiler/version.hpp"

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeaderName = "taskrt.pch";
// Written instead of the header when clang could not make it: not tried again
// by every build.
constexpr const char* kRefusalName = "not-precompiled.txt";

// Present while a taskc makes the header.
constexpr const char* kMakingName = "making";
constexpr auto kLongestMaking = std::chrono::minutes(5);

// Below this much free space the cache keeps its room for programs: a
// precompiled header is 20-30 MB and only saves time.
constexpr std::uintmax_t kRoomForPch = std::uintmax_t{1} << 30;

bool has_room(const fs::path& dir) {
  std::error_code error;
  fs::space_info space = fs::space(dir, error);
  return !error && space.available >= kRoomForPch;
}

// Every file under the runtime's include directory by path, size and time:
// clang refuses a precompiled header once one of them has changed, so a
// change makes a new one.
std::string identify_headers(const fs::path& include_dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(include_dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (!it->is_regular_file(ignored)) continue;
    files.push_back(fmt::format("{} {} {}", it->path().string(), it->file_size(ignored),
                                it->last_write_time(ignored).time_since_epoch().count()));
  }
  std::sort(files.begin(), files.end());  // directories list in no fixed order
  std::string identity;
  for (const std::string& file : files) identity += file + "\n";
  return identity;
}

}  // namespace

RuntimePch::RuntimePch(const std::string& cxx, const std::string& flags, const std::string& compiler_identity,
                       const std::string& include_dir, bool verbose, std::ostream& err)
    : verbose_(verbose), err_(err) {
  std::uint64_t key = fnv1a(fmt::format("runtime pch {} {} {} {}", cxx, flags, compiler_identity, kVersion));
  key = fnv1a(identify_headers(include_dir), key);
  dir_ = cache_root() / fmt::format("{:016x}", key);
  std::error_code error;
  if (fs::exists(dir_ / kHeaderName, error)) {
    ready_ = (dir_ / kHeaderName).string();
    mark_cache_entry_used(dir_);
    return;
  }
  if (fs::exists(dir_ / kRefusalName, error)) return;
  fs::create_directories(dir_, error);
  if (!error && has_room(dir_)) start_making(cxx, flags, include_dir);
}

void RuntimePch::start_making(const std::string& cxx, const std::string& flags, const std::string& include_dir) {
  // One taskc makes it while the others build without: the first to create
  // the marker. A marker older than any making is left by a taskc that died.
  fs::path marker = dir_ / kMakingName;
  std::error_code error;
  auto made_at = fs::last_write_time(marker, error);
  if (!error && fs::file_time_type::clock::now() - made_at < kLongestMaking) return;
  if (!error) fs::remove(marker, error);
  int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return;
  ::close(fd);
  marker_ = marker;
  // Made under a name of this process's own and renamed into place: a taskc
  // starting meanwhile uses a whole file or none.
  partial_ = dir_ / kHeaderName;
  partial_ += ".partial." + std::to_string(::getpid());
  command_ =
      fmt::format("{} {} -fpch-instantiate-templates -I{} -x c++-header {} -o {}", shell_quote(cxx), flags,
                  shell_quote(include_dir), shell_quote((fs::path(include_dir) / "taskrt" / "taskrt.hpp").string()),
                  shell_quote(partial_.string()));
  if (verbose_) err_ << command_ << "  (in the background, for later builds)\n";
  making_ = start_capture(command_);
}

RuntimePch::~RuntimePch() {
  if (marker_.empty()) return;
  finish_making();
  std::error_code ignored;
  fs::remove(marker_, ignored);
}

void RuntimePch::finish_making() {
  if (making_ == nullptr) return;
  std::string output;
  int status = finish_capture(making_, output);
  making_ = nullptr;
  std::error_code error;
  if (status == 0) {
    fs::rename(partial_, dir_ / kHeaderName, error);
    if (error) fs::remove(partial_, error);
    return;
  }
  fs::remove(partial_, error);
  if (verbose_) err_ << "taskc: the runtime's headers could not be precompiled:\n" << output;
  // A full disk is not the header's fault: a later build tries again.
  if (has_room(dir_)) std::ofstream(dir_ / kRefusalName) << command_ << "\n" << output;
}

bool RuntimePch::refused_in(std::string_view output) {
  return output.find("precompiled header") != std::string_view::npos ||
         output.find("PCH file") != std::string_view::npos || output.find("AST file") != std::string_view::npos;
}

void RuntimePch::forget() {
  std::error_code ignored;
  fs::remove(ready_, ignored);
  ready_.clear();
}

}  // namespace taskc::driver

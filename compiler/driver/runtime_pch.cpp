#include "compiler/driver/runtime_pch.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "compiler/driver/build_cache.hpp"
#include "compiler/driver/cache_size.hpp"
#include "compiler/driver/shell.hpp"
#include "compiler/version.hpp"

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

// Below this much free space the cache keeps its room for programs: a
// precompiled header is 20-30 MB and only saves time.
constexpr std::uintmax_t kRoomForPch = std::uintmax_t{1} << 30;

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

std::string runtime_pch(const std::string& cxx, const std::string& flags, const std::string& compiler_identity,
                        const std::string& include_dir, bool verbose, std::ostream& err) {
  std::uint64_t key = fnv1a(fmt::format("runtime pch {} {} {} {}", cxx, flags, compiler_identity, kVersion));
  key = fnv1a(identify_headers(include_dir), key);
  fs::path dir = cache_root() / fmt::format("{:016x}", key);
  fs::path pch = dir / "taskrt.pch";
  fs::path refused = dir / "not-precompiled.txt";
  std::error_code error;
  if (fs::exists(pch, error)) {
    mark_cache_entry_used(dir);
    return pch.string();
  }
  if (fs::exists(refused, error)) return {};
  fs::create_directories(dir, error);
  if (error) return {};
  fs::space_info space = fs::space(dir, error);
  if (error || space.available < kRoomForPch) return {};

  // Made under a name of this process's own and renamed into place: another
  // taskc building at the same time uses a whole file or none.
  fs::path partial = pch;
  partial += ".partial." + std::to_string(::getpid());
  std::string command =
      fmt::format("{} {} -fpch-instantiate-templates -I{} -x c++-header {} -o {}", shell_quote(cxx), flags,
                  shell_quote(include_dir), shell_quote((fs::path(include_dir) / "taskrt" / "taskrt.hpp").string()),
                  shell_quote(partial.string()));
  if (verbose) err << command << "\n";
  std::string output;
  if (run_capture(command, output) != 0) {
    fs::remove(partial, error);
    if (verbose) err << "taskc: the runtime's headers could not be precompiled; building without:\n" << output;
    // A full disk is not the header's fault: the next build tries again.
    space = fs::space(dir, error);
    if (!error && space.available >= kRoomForPch) std::ofstream(refused) << command << "\n" << output;
    return {};
  }
  fs::rename(partial, pch, error);
  if (error) {
    fs::remove(partial, error);
    return {};
  }
  return pch.string();
}

bool pch_was_refused(std::string_view output) {
  return output.find("precompiled header") != std::string_view::npos ||
         output.find("PCH file") != std::string_view::npos || output.find("AST file") != std::string_view::npos;
}

void forget_pch(const std::string& pch) {
  std::error_code ignored;
  fs::remove(pch, ignored);
}

}  // namespace taskc::driver

#include "compiler/driver/runtime_location.hpp"

#include <filesystem>

#include "compiler/driver/build_config.hpp"

namespace taskc::driver {

namespace fs = std::filesystem;

namespace {

RuntimeLocation located(const fs::path& include_dir, const fs::path& library) {
  std::error_code error;
  fs::path bitcode = library.parent_path() / "taskrt-hot.bc";
  fs::path mpi = library.parent_path() / "libtaskrt_mpi.a";
  return {include_dir.string(), library.string(), fs::exists(bitcode, error) ? bitcode.string() : std::string(),
          fs::exists(mpi, error) ? mpi.string() : std::string()};
}

}  // namespace

RuntimeLocation find_runtime() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    fs::path prefix = self.parent_path().parent_path();
    fs::path include_dir = prefix / "include";
    fs::path library = prefix / "lib" / "libtaskrt.a";
    if (fs::exists(include_dir / "taskrt" / "taskrt.hpp", error) && fs::exists(library, error)) {
      return located(include_dir, library);
    }
  }
  return located(kRuntimeIncludeDir, kRuntimeLibrary);
}

}  // namespace taskc::driver

#include "compiler/driver/runtime_location.hpp"

#include <filesystem>

#include "compiler/driver/build_config.hpp"

namespace taskc::driver {

namespace fs = std::filesystem;

RuntimeLocation find_runtime() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    fs::path prefix = self.parent_path().parent_path();
    fs::path include_dir = prefix / "include";
    fs::path library = prefix / "lib" / "libtaskrt.a";
    if (fs::exists(include_dir / "taskrt" / "taskrt.hpp", error) && fs::exists(library, error)) {
      return {include_dir.string(), library.string()};
    }
  }
  return {kRuntimeIncludeDir, kRuntimeLibrary};
}

}  // namespace taskc::driver

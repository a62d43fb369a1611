// The runtime's precompiled header in the build cache: made beside the first
// C++ build, read by the next, and, when clang refuses it, left out and made again.
#include <stdlib.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/command_line.hpp"
#include "compiler/driver/shell.hpp"
#include "tests/compiler/driver/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

// A scratch build cache, TASKC_CACHE_DIR for as long as it lives.
struct ScratchCache {
  taskc::test::ScratchDir scratch{"taskc-pch-test"};
  const fs::path& dir = scratch.path;
  std::string previous;
  bool had_previous = false;
  ScratchCache() {
    if (const char* set = std::getenv("TASKC_CACHE_DIR")) {
      previous = set;
      had_previous = true;
    }
    ::setenv("TASKC_CACHE_DIR", dir.c_str(), 1);
  }
  ~ScratchCache() {
    if (had_previous) {
      ::setenv("TASKC_CACHE_DIR", previous.c_str(), 1);
    } else {
      ::unsetenv("TASKC_CACHE_DIR");
    }
  }
  // The precompiled headers in the cache.
  std::vector<fs::path> headers() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().filename() == "taskrt.pch") found.push_back(entry.path());
    }
    return found;
  }
};

// Builds a program printing `value` with the C++ backend, verbosely; returns
// what taskc said, having checked that it built and that the program prints it.
std::string build_printing(const ScratchCache& cache, int value) {
  fs::path source = cache.dir / ("print_" + std::to_string(value) + ".task");
  fs::path program = cache.dir / ("print_" + std::to_string(value));
  std::ofstream(source) << "flow main() { print(" << value << ") }\n";
  std::ostringstream out;
  std::ostringstream err;
  int status = taskc::driver::run_command_line(
      {"build", source.string(), "--backend", "cpp", "--cxx", "clang++", "-O0", "-v", "-o", program.string()}, out,
      err);
  INFO(err.str());
  REQUIRE(status == 0);
  std::string printed;
  CHECK(taskc::driver::run_capture(taskc::driver::shell_quote(program.string()), printed) == 0);
  CHECK(printed == std::to_string(value) + "\n");
  return err.str();
}

bool made_header(const std::string& said) {
  return said.find("-x c++-header") != std::string::npos;
}
bool read_header(const std::string& said) {
  return said.find("-include-pch") != std::string::npos;
}

}  // namespace

TEST_CASE("the first C++ build makes the runtime's precompiled header, the next ones read it") {
  ScratchCache cache;
  std::string first = build_printing(cache, 1);
  CHECK(made_header(first));
  CHECK_FALSE(read_header(first));
  REQUIRE(cache.headers().size() == 1);

  std::string second = build_printing(cache, 2);
  CHECK_FALSE(made_header(second));
  CHECK(read_header(second));
  CHECK(cache.headers().size() == 1);
}

TEST_CASE("a precompiled header clang refuses is left out, and made again by the next build") {
  ScratchCache cache;
  build_printing(cache, 4);
  REQUIRE(cache.headers().size() == 1);
  std::ofstream(cache.headers().front()) << "not a precompiled header";

  std::string refused = build_printing(cache, 5);
  CHECK(read_header(refused));
  CHECK(refused.find("not a valid precompiled PCH file") != std::string::npos);
  CHECK(cache.headers().empty());

  std::string again = build_printing(cache, 6);
  CHECK(made_header(again));
  CHECK(cache.headers().size() == 1);
}

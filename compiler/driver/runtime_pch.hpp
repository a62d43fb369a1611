// The runtime's headers, precompiled. A C++ build of even a small program
// spends about half its time parsing taskrt.hpp (110,000 lines once
// preprocessed: 1.7 s of 3.9 s at -O0). The header is precompiled once per
// compiler, flags and version of the headers into the build cache, and every
// later build reads it with -include-pch. The build that finds none makes one
// beside its own compile (which goes without), for the builds after it: on two
// cores a first build takes no longer than it did.
// Clang only: GCC's precompiled headers are a different mechanism, not worth a
// second path.
#pragma once

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

namespace taskc::driver {

// The precompiled runtime header for one build by clang `cxx` with `flags`
// (`compiler_identity` is what it says of its version).
class RuntimePch {
 public:
  // Finds the header in the build cache, or starts making it (in the
  // background, unless the cache's disk is short of space or clang could not
  // make it before). Under `verbose`, says what it runs and what went wrong.
  RuntimePch(const std::string& cxx, const std::string& flags, const std::string& compiler_identity,
             const std::string& include_dir, bool verbose, std::ostream& err);
  RuntimePch(const RuntimePch&) = delete;
  RuntimePch& operator=(const RuntimePch&) = delete;
  // Waits for a header being made: no process outlives taskc.
  ~RuntimePch();

  // The header this build compiles with; empty when there was none yet.
  const std::string& path() const { return ready_; }

  // Whether a failed compile's `output` says clang refused the header
  // (changed since it was made, or damaged).
  static bool refused_in(std::string_view output);

  // Removes the refused header, for the next build to make it again.
  void forget();

 private:
  void start_making(const std::string& cxx, const std::string& flags, const std::string& include_dir);
  void finish_making();

  bool verbose_;
  std::ostream& err_;
  std::filesystem::path dir_;      // the cache entry
  std::string ready_;              // the header, when it was there
  std::filesystem::path marker_;   // says this taskc makes it
  std::FILE* making_ = nullptr;    // clang making it
  std::filesystem::path partial_;  // where clang writes it
  std::string command_;            // how
};

}  // namespace taskc::driver

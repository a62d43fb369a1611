// Turning generated C++ into an executable: the C++ compiler invocation,
// through the build cache (build_cache.hpp) that makes a second `taskc run` of
// an unchanged program start at once.
#pragma once

#include <iosfwd>
#include <string>

#include "compiler/codegen/cpp/emit_cpp.hpp"
#include "compiler/codegen/llvm/emit_llvm.hpp"

namespace taskc::driver {

struct BuildOptions {
  std::string cxx;       // the C++ compiler; empty: $TASKC_CXX, else kDefaultCxx
  int optimization = 2;  // -O level
  bool verbose = false;  // print the commands run
  bool mpi = false;      // link MPI: under mpirun, `in process` calls run on the other ranks
};

struct BuildResult {
  bool ok = false;
  std::string executable;  // in the cache
  bool cached = false;     // nothing was compiled
};

// Compiles `code` (namespace `name`) into an executable in the build cache.
// `source_dir` is searched for imported headers. Progress and compiler errors
// go to `err`.
BuildResult build_executable(const codegen::CppCode& code, const std::string& name, const std::string& source_dir,
                             const BuildOptions& options, std::ostream& err);

// Writes `module` as an object file and links it with the runtime into an
// executable in the build cache (the C++ compiler only drives the linker).
BuildResult build_executable_llvm(codegen::LlvmModule& module, const std::string& name, const BuildOptions& options,
                                  std::ostream& err);

// Writes the generated files `<stem>.hpp` and `<stem>.cpp` (code.file_stem) into `directory`.
bool write_sources(const codegen::CppCode& code, const std::string& directory, std::ostream& err);

// Formats the files write_sources() wrote with clang-format ($TASKC_CLANG_FORMAT,
// or the one on PATH) in the house style; false, leaving them as they are, when
// there is none or it fails.
bool format_sources(const codegen::CppCode& code, const std::string& directory);

// A C++ identifier for a .task file's stem: `my-app` -> `my_app`.
std::string namespace_for(const std::string& path);

}  // namespace taskc::driver

// The LLVM backend: lowers a checked ir::Program straight to an object file
// against taskrt's C ABI (taskrt/lowered.hpp), so that `taskc run` needs no
// C++ compiler. docs/backends.md says how, and what it costs.
//
// The backend does not lower every program yet: lower_to_llvm() says what it
// met first that it cannot lower, and the driver then uses the C++ backend.
#pragma once

#include <memory>
#include <string>

#include "compiler/ir/ir.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::codegen {

struct LlvmOptions {
  // The program's name: its --help and error messages use it.
  std::string name;
  // 0: LLVM's O0 pipeline (fastest to build); 1 to 3: its default<On>.
  int optimization = 0;
};

// A lowered program: an LLVM module, kept behind this class so that the
// driver never sees LLVM's headers.
class LlvmModule {
 public:
  class Impl;
  explicit LlvmModule(std::unique_ptr<Impl> impl);
  ~LlvmModule();
  LlvmModule(const LlvmModule&) = delete;
  LlvmModule& operator=(const LlvmModule&) = delete;

  // The module as LLVM assembly: the build cache's key, and for reading.
  std::string text() const;
  // Runs the optimisation pipeline (with the coroutine passes) and writes a
  // native object file; false with `error` set when LLVM cannot. Optimised,
  // the runtime's hot paths from `inlined_runtime` (taskrt-hot.bc, or empty:
  // none) are inlined into the program.
  bool write_object(const std::string& path, int optimization, const std::string& inlined_runtime, std::string& error);

 private:
  std::unique_ptr<Impl> impl_;
};

struct LlvmLowering {
  std::unique_ptr<LlvmModule> module;  // null when unsupported
  // What the backend cannot lower yet, as "a list value at report.task:12".
  std::string unsupported;
};

LlvmLowering lower_to_llvm(const ir::Program& program, const source::SourceMap& sources, const LlvmOptions& options);

}  // namespace taskc::codegen

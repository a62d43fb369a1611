// The C++ backend: lowers a checked ir::Program to C++ against taskrt.
//
// The output is one header (records, shared values, and a taskrt::Task<T>
// function per task and flow, for embedding) and one source file (their
// definitions, with #line directives back to the .task files), plus, for an
// executable, a main() that parses the command line and runs `flow main`.
#pragma once

#include <string>

#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/ir/ir.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::codegen {

struct CppOptions {
  // The C++ namespace and the base name of the files: `crawl` for crawl.task.
  std::string name;
  // Emit a main() that runs `flow main`.
  bool executable = true;
  // Emit #line directives (golden tests of the output may turn them off).
  bool line_directives = true;
};

struct CppCode {
  std::string header;
  std::string source;
  // The files' base name: `options.name`, unless the program imports a header
  // of that name (then `<name>_task`, so the header does not include itself).
  std::string file_stem;
};

// A checked program always lowers: a failure here is a compiler bug (TASKC_CHECK).
CppCode emit_cpp(const ir::Program& program, const source::SourceMap& sources, const CppOptions& options);

}  // namespace taskc::codegen

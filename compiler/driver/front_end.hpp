// The front end as the driver runs it: load and parse the program, check it,
// and print the diagnostics. Shared by every subcommand that reads a program.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "compiler/diag/render.hpp"
#include "compiler/driver/program_loader.hpp"
#include "compiler/ir/ir.hpp"

namespace taskc::driver {

struct FrontEnd {
  source::SourceMap sources;
  diag::DiagnosticSink sink;
  LoadedProgram loaded;
  // Null when the program has errors.
  std::unique_ptr<ir::Program> program;
};

// Runs parse and check on `path`, writes diagnostics to `err`, and returns the
// exit status so far: 0 clean, 1 errors in the program, 2 unreadable input.
int run_front_end(const std::string& path, const diag::RenderOptions& render, std::ostream& err, FrontEnd& result);

}  // namespace taskc::driver

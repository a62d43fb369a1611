// Loading a program: the root .task file and, transitively, every file it
// `use`s (paths relative to the file that names them), each parsed once.
// Missing files and `use` cycles are diagnostics at the `use` that caused them.
#pragma once

#include <deque>
#include <string>

#include "compiler/ast/ast.hpp"
#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::driver {

struct LoadedProgram {
  // The root module first. A deque, so modules never move once loaded.
  std::deque<ast::Module> modules;
  // Set when the root file itself cannot be read: there is nothing to report
  // a diagnostic against.
  std::string fatal_error;
  // False when a `use`d file could not be read: its items are missing, and
  // checking would report every use of them.
  bool complete = true;
};

LoadedProgram load_program(const std::string& root_path, source::SourceMap& sources, diag::DiagnosticSink& sink);

}  // namespace taskc::driver

// check(): from the ASTs of a program (its root file and every file it `use`s)
// to the typed, resolved task-graph IR. This is where names, types, task kinds,
// clauses, `shared` write rules, builtin signatures, `main`'s signature and the
// graphs of flows are checked.
//
// Every problem is reported to the sink and checking goes on, so one run
// reports as much as it can. Returns nullptr when any error was reported.
#pragma once

#include <memory>
#include <vector>

#include "compiler/ast/ast.hpp"
#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/ir/ir.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::check {

// `modules` holds the root module first; items of all modules share one
// namespace (a `use` makes another file's items visible).
std::unique_ptr<ir::Program> check(const std::vector<const ast::Module*>& modules, const source::SourceMap& sources,
                                   diag::DiagnosticSink& sink);

}  // namespace taskc::check

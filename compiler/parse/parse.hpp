// parse(): .task source text to an AST. This is the firewall around ANTLR: no
// other part of the compiler sees a generated parser type or an ANTLR header.
//
// Syntax errors go to the sink, rewritten in our own words; the parser recovers
// and keeps going, so the returned module holds every item it could read.
#pragma once

#include "compiler/ast/ast.hpp"
#include "compiler/diag/diagnostic_sink.hpp"
#include "compiler/source/source_file.hpp"

namespace taskc::parse {

ast::Module parse(const source::SourceFile& file, diag::DiagnosticSink& sink);

}  // namespace taskc::parse

// A stable, indented text form of the AST for golden tests and `--emit-ast`.
#pragma once

#include <string>

#include "compiler/ast/ast.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::ast {

std::string dump(const Module& module, const source::SourceMap& sources);

}  // namespace taskc::ast

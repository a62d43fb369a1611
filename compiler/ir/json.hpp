// The IR as JSON, for `taskc check --emit-ir json`, tools and golden tests.
// Deterministic: the same program always gives the same bytes.
#pragma once

#include <string>

#include "compiler/ir/ir.hpp"
#include "compiler/source/source_map.hpp"

namespace taskc::ir {

std::string to_json(const Program& program, const source::SourceMap& sources);

}  // namespace taskc::ir

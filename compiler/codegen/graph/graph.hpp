// Drawings of the flows of a program, as Graphviz DOT or Mermaid text: one
// cluster per flow, one box per node labelled with its statement and the kinds
// of the tasks it calls, edges styled by kind (data solid, effect dashed, after
// dotted). Reads only the IR.
#pragma once

#include <string>

#include "compiler/ir/ir.hpp"

namespace taskc::codegen {

enum class GraphFormat { kDot, kMermaid };

// `only_flow`: draw just that flow (empty: all of them).
std::string draw_flows(const ir::Program& program, GraphFormat format, const std::string& only_flow = "");

}  // namespace taskc::codegen

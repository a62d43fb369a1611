// What a piece of IR reads, changes and defines: the flow analysis orders a
// flow's statements by it (check/flows.cpp), and the C++ backend walks a
// collection without copying it when the loop's body cannot change it.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "compiler/ir/ir.hpp"

namespace taskc::ir {

// The locals read, changed (assigned, or changed in place by push, pop,
// remove or shuffle, also through an element or field) and defined, and the
// tasks called.
struct Uses {
  std::set<LocalId> reads;
  std::set<LocalId> writes;
  std::set<LocalId> defines;
  std::vector<TaskId> calls;
};

// Adds what `stmt` (`block`, `expr`), with everything nested in it, uses.
void collect_uses(const Stmt& stmt, Uses& uses);
void collect_uses(const Block& block, Uses& uses);
void collect_uses(const Expr& expr, Uses& uses);

// The local at the root of a place expression (`xs[i].f` -> xs), if any.
std::optional<LocalId> place_root(const Expr& place);

}  // namespace taskc::ir

#include "compiler/ir/uses.hpp"

#include "compiler/ir/builtins.hpp"

namespace taskc::ir {

std::optional<LocalId> place_root(const Expr& place) {
  const Expr* base = &place;
  while (base->kind == ExprKind::kField || base->kind == ExprKind::kIndex || base->kind == ExprKind::kTupleElement ||
         base->kind == ExprKind::kUnwrapOptional) {
    base = base->operands[0].get();
  }
  if (base->kind == ExprKind::kLocal) return base->as<LocalId>();
  return std::nullopt;
}

void collect_uses(const Expr& expr, Uses& uses) {
  if (expr.kind == ExprKind::kLocal) uses.reads.insert(expr.as<LocalId>());
  if (expr.kind == ExprKind::kCallTask) uses.calls.push_back(expr.as<TaskId>());
  if (expr.kind == ExprKind::kCallBuiltin && changes_first_argument(expr.as<Builtin>()) && !expr.operands.empty()) {
    if (auto root = place_root(*expr.operands[0])) uses.writes.insert(*root);
  }
  for (LocalId binding : expr.bindings) uses.defines.insert(binding);
  for (const ExprPtr& operand : expr.operands) {
    if (operand) collect_uses(*operand, uses);
  }
}

void collect_uses(const Stmt& stmt, Uses& uses) {
  for (LocalId binding : stmt.bindings) uses.defines.insert(binding);
  if (stmt.value) collect_uses(*stmt.value, uses);
  if (stmt.target) {
    collect_uses(*stmt.target, uses);
    if (auto root = place_root(*stmt.target)) uses.writes.insert(*root);
  }
  collect_uses(stmt.body, uses);
  if (stmt.else_body) collect_uses(*stmt.else_body, uses);
  for (const Catch& c : stmt.catches) {
    if (c.binding) uses.defines.insert(*c.binding);
    collect_uses(c.body, uses);
  }
}

void collect_uses(const Block& block, Uses& uses) {
  for (const Stmt& stmt : block.stmts) collect_uses(stmt, uses);
}

}  // namespace taskc::ir

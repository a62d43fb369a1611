// Optionals read as their inner type where they cannot be none: inside `if x
// != none { … }` (or the else of `== none`), and below a guard whose none
// branch leaves or ends by giving x a value. Where x is so narrowed, it cannot
// be given a value that may be none (Checker::assign).
#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

// The optional local an `if x == none` / `if x != none` tests, and whether
// the `then` block is where it is none.
struct NoneTest {
  const std::string* name = nullptr;
  bool none_in_then = false;
};
NoneTest none_test(const ast::Expr& condition) {
  if (condition.kind != ast::ExprKind::kBinary ||
      (condition.binary_op != ast::BinaryOp::kNe && condition.binary_op != ast::BinaryOp::kEq) ||
      condition.operands[0]->kind != ast::ExprKind::kName ||
      condition.operands[1]->kind != ast::ExprKind::kNoneLiteral) {
    return {};
  }
  return {&condition.operands[0]->name, condition.binary_op == ast::BinaryOp::kEq};
}

}  // namespace

ir::Stmt Checker::if_stmt(const ast::Stmt& node) {
  ir::Stmt out;
  out.span = node.span;
  out.kind = ir::StmtKind::kIf;
  out.value = expr_as(*node.value, types_->bool_type(), "an `if` condition");
  // `if x != none { … }` reads x as its inner type inside; `== none`, in the else.
  NoneTest test = none_test(*node.value);
  const LocalBinding* narrowed = test.name ? find_local(*test.name) : nullptr;
  bool in_then = !test.none_in_then;
  const ir::Type* inner = narrowed && task_->local(narrowed->id).type->is(ir::TypeKind::kOptional)
                              ? task_->local(narrowed->id).type->element()
                              : nullptr;
  auto narrowed_block = [&](const ast::Block& body, bool narrow) {
    if (!narrow || inner == nullptr) return block(body);
    push_scope();
    scopes_.back()[*test.name] = LocalBinding{narrowed->id, inner};
    ir::Block result = block(body);
    pop_scope();
    return result;
  };
  out.body = narrowed_block(node.body, in_then);
  if (node.else_body) out.else_body = narrowed_block(*node.else_body, !in_then);
  return out;
}

void Checker::narrow_after(const ast::Stmt& node, const ir::Stmt& checked) {
  NoneTest test = none_test(*node.value);
  if (test.name == nullptr) return;
  // The branch where it is none must leave, or end by giving it a value
  // (`if best == none { best = v }`); then below the `if` it is not none.
  const ir::Block* none_branch = test.none_in_then ? &checked.body : checked.else_body ? &*checked.else_body : nullptr;
  if (none_branch == nullptr) return;
  const LocalBinding* local = find_local(*test.name);
  if (local == nullptr || local->narrowed) return;
  auto ends_with_value = [&](const ir::Block& block) {
    if (block.stmts.empty()) return false;
    const ir::Stmt& last = block.stmts.back();
    return last.kind == ir::StmtKind::kAssign && last.assign_op == ir::AssignOp::kSet &&
           last.target->kind == ir::ExprKind::kLocal && last.target->as<ir::LocalId>() == local->id &&
           last.value->kind == ir::ExprKind::kWrapOptional;
  };
  if (!never_falls_through(*none_branch) && !ends_with_value(*none_branch)) return;
  const ir::Type* type = task_->local(local->id).type;
  if (!type->is(ir::TypeKind::kOptional)) return;
  auto here = scopes_.back().find(*test.name);
  bool declared_here = here != scopes_.back().end() && !here->second.guard_only;
  scopes_.back()[*test.name] = LocalBinding{local->id, type->element(), !declared_here};
}

}  // namespace taskc::check

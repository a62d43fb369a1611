// The last pass of check: which expressions suspend. A backend reads the fact
// (to await, or to choose a coroutine over a plain function) instead of
// inferring it from what it wrote.
#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

bool suspends_here(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kCallTask:
    case ir::ExprKind::kGather:
    case ir::ExprKind::kGatherEach:
    case ir::ExprKind::kRace:
    case ir::ExprKind::kTimeout:
    case ir::ExprKind::kTryElse: return true;
    case ir::ExprKind::kCallBuiltin: return ir::builtin_info(e.as<ir::Builtin>()).suspends;
    default: return false;
  }
}

void mark(ir::Expr& e) {
  e.suspends = suspends_here(e);
  for (ir::ExprPtr& operand : e.operands) {
    if (!operand) continue;
    mark(*operand);
    e.suspends = e.suspends || operand->suspends;
  }
}

void mark(ir::Block& block);

void mark(ir::Stmt& s) {
  if (s.value) mark(*s.value);
  if (s.target) mark(*s.target);
  mark(s.body);
  if (s.else_body) mark(*s.else_body);
  for (ir::Catch& c : s.catches) mark(c.body);
}

void mark(ir::Block& block) {
  for (ir::Stmt& s : block.stmts) mark(s);
}

}  // namespace

void Checker::mark_suspends() {
  for (ir::Const& c : program_->consts) mark(*c.value);
  for (ir::Shared& s : program_->shared) mark(*s.init);
  for (ir::Task& task : program_->tasks) {
    mark(task.body);
    for (ir::FlowNode& node : task.graph.nodes) mark(node.stmt);
  }
}

}  // namespace taskc::check

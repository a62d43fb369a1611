// The last pass of check: which expressions suspend. A backend reads the fact
// (to await, or to choose a coroutine over a plain function) instead of
// inferring it from what it wrote.
//
// It also bounds how deeply concurrency constructs nest inside one
// expression: each runs its operands as coroutines of their own, and C++
// compilers take time that grows steeply with nested coroutines (clang 14:
// 16 nested `try … else` build in 3.4 s, 32 take more than 5 minutes).
#include <fmt/format.h>

#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

// Concurrency constructs (gather, race, timeout, try … else) nested in one
// expression, at most.
constexpr int kMaxConstructNesting = 16;

bool is_construct(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kGather:
    case ir::ExprKind::kGatherEach:
    case ir::ExprKind::kRaceEach:
    case ir::ExprKind::kRace:
    case ir::ExprKind::kTimeout:
    case ir::ExprKind::kTryElse:
    case ir::ExprKind::kServe: return true;
    default: return false;
  }
}

bool suspends_here(const ir::Expr& e) {
  if (is_construct(e) || e.kind == ir::ExprKind::kCallTask) return true;
  return e.kind == ir::ExprKind::kCallBuiltin && ir::builtin_info(e.as<ir::Builtin>()).suspends;
}

struct Marker {
  // Where constructs nest past the limit: the first construct too many.
  std::vector<source::Span> too_deep;

  // `constructs`: the concurrency constructs around `e` in its expression.
  void expr(ir::Expr& e, int constructs = 0) {
    e.suspends = suspends_here(e);
    if (is_construct(e) && ++constructs == kMaxConstructNesting + 1) too_deep.push_back(e.span);
    for (ir::ExprPtr& operand : e.operands) {
      if (!operand) continue;
      expr(*operand, constructs);
      e.suspends = e.suspends || operand->suspends;
    }
  }

  void stmt(ir::Stmt& s) {
    if (s.value) expr(*s.value);
    if (s.target) expr(*s.target);
    block(s.body);
    if (s.else_body) block(*s.else_body);
    for (ir::Catch& c : s.catches) block(c.body);
  }

  void block(ir::Block& b) {
    for (ir::Stmt& s : b.stmts) stmt(s);
  }
};

}  // namespace

const ir::Expr* Checker::first_wait(const ir::Expr& e) {
  if (suspends_here(e)) return &e;
  for (const ir::ExprPtr& operand : e.operands) {
    if (!operand) continue;
    if (const ir::Expr* found = first_wait(*operand)) return found;
  }
  return nullptr;
}

void Checker::mark_suspends() {
  Marker marker;
  for (ir::Const& c : program_->consts) marker.expr(*c.value);
  for (ir::Shared& s : program_->shared) marker.expr(*s.init);
  for (ir::Task& task : program_->tasks) {
    marker.block(task.body);
    for (ir::FlowNode& node : task.graph.nodes) marker.stmt(node.stmt);
  }
  for (source::Span span : marker.too_deep) {
    error(diag::Code::kNestedTooDeeply, span,
          fmt::format("`gather`, `race`, `timeout` and `try … else` nest more than {} deep here", kMaxConstructNesting))
        .with_label("this one is one too many")
        .help("name the inner results with `let` first; each construct runs what it holds as a task of its own");
  }
}

}  // namespace taskc::check

// Optionals read as their inner type where they cannot be none: where a
// condition that tests them against none is known to hold — inside `if x !=
// none { … }` (or the else of `== none`), right of `x != none and …` (or of
// `x == none or …`), in the chosen side of `… if x != none else …` — and
// below a guard whose none branch leaves or ends by giving x a value. Where x
// is so narrowed, it cannot be given a value that may be none
// (Checker::assign).
//
// What narrows is a local or a field of one (`p.tags`, `p.owner.email`): a
// place only this task can change. A narrowed field is kept in the scope
// under its path ("p.tags", which no name can be), with the id of the local
// it starts from, so that a `let p` that shadows the local ends it; and the
// local cannot be assigned a new value where one of its fields is narrowed.
#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

// The place `x` of `x == none`, `x != none` (either way round), and whether
// the test is `==`; empty for any other expression.
std::string none_test(const ast::Expr& e, bool& is_equal) {
  if (e.kind != ast::ExprKind::kBinary || (e.binary_op != ast::BinaryOp::kNe && e.binary_op != ast::BinaryOp::kEq)) {
    return {};
  }
  const ast::Expr& left = *e.operands[0];
  const ast::Expr& right = *e.operands[1];
  is_equal = e.binary_op == ast::BinaryOp::kEq;
  if (right.kind == ast::ExprKind::kNoneLiteral) return place_path(left);
  if (left.kind == ast::ExprKind::kNoneLiteral) return place_path(right);
  return {};
}

// The places that cannot be none where `condition` is `holds`: `x != none`
// when true, `x == none` when false; both sides of an `and` that is true, of
// an `or` that is false; and through `not`.
void not_none_where(const ast::Expr& condition, bool holds, std::vector<std::string>& names) {
  bool is_equal = false;
  if (std::string path = none_test(condition, is_equal); !path.empty()) {
    if (holds != is_equal) names.push_back(std::move(path));
    return;
  }
  if (condition.kind == ast::ExprKind::kUnary && condition.unary_op == ast::UnaryOp::kNot) {
    not_none_where(*condition.operands[0], !holds, names);
    return;
  }
  bool both = condition.kind == ast::ExprKind::kBinary && ((holds && condition.binary_op == ast::BinaryOp::kAnd) ||
                                                           (!holds && condition.binary_op == ast::BinaryOp::kOr));
  if (both) {
    not_none_where(*condition.operands[0], holds, names);
    not_none_where(*condition.operands[1], holds, names);
  }
}

}  // namespace

std::string place_path(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kName) return e.name;
  if (e.kind != ast::ExprKind::kField) return {};
  std::string base = place_path(*e.operands[0]);
  return base.empty() ? base : base + "." + e.name;
}

std::optional<Checker::PlaceType> Checker::place_type(const std::string& path) const {
  std::size_t dot = path.find('.');
  const LocalBinding* local = find_local(std::string_view(path).substr(0, dot));
  if (local == nullptr) return std::nullopt;
  const ir::Type* type = local->narrowed ? local->narrowed : task_->local(local->id).type;
  while (dot != std::string::npos) {
    // A field of an optional is read only where that optional holds a value.
    if (type->is(ir::TypeKind::kOptional)) {
      const LocalBinding* narrowed = find_local(std::string_view(path).substr(0, dot));
      if (narrowed == nullptr || narrowed->id != local->id || narrowed->narrowed == nullptr) return std::nullopt;
      type = narrowed->narrowed;
    }
    if (!type->is(ir::TypeKind::kRecord)) return std::nullopt;
    std::size_t next = path.find('.', dot + 1);
    std::string_view name = std::string_view(path).substr(dot + 1, next == std::string::npos ? next : next - dot - 1);
    const ir::Type* field = nullptr;
    for (const ir::Field& f : type->record->fields) {
      if (f.name == name) field = f.type;
    }
    if (field == nullptr) return std::nullopt;
    type = field;
    dot = next;
  }
  return PlaceType{local->id, type};
}

const ir::Type* Checker::narrowed_field(const std::string& path) const {
  const LocalBinding* narrowed = find_local(path);
  const LocalBinding* local = find_local(std::string_view(path).substr(0, path.find('.')));
  if (narrowed == nullptr || local == nullptr || narrowed->id != local->id) return nullptr;
  return narrowed->narrowed;
}

std::string Checker::narrowed_below(const std::string& path) const {
  const LocalBinding* local = find_local(std::string_view(path).substr(0, path.find('.')));
  if (local == nullptr) return {};
  for (const auto& scope : scopes_) {
    for (const auto& [key, binding] : scope) {
      if (key.size() > path.size() && key.compare(0, path.size(), path) == 0 && key[path.size()] == '.' &&
          binding.id == local->id && binding.narrowed != nullptr) {
        return key;
      }
    }
  }
  return {};
}

void Checker::push_narrowed_scope(const ast::Expr& condition, bool holds) {
  push_scope();
  std::vector<std::string> paths;
  not_none_where(condition, holds, paths);
  for (const std::string& path : paths) {
    std::optional<PlaceType> place = place_type(path);
    if (!place || !place->type->is(ir::TypeKind::kOptional)) continue;  // none, or narrowed already
    scopes_.back()[path] = LocalBinding{place->local, place->type->element()};
  }
}

ir::Stmt Checker::if_stmt(const ast::Stmt& node) {
  ir::Stmt out;
  out.span = node.span;
  out.kind = ir::StmtKind::kIf;
  out.value = expr_as(*node.value, types_->bool_type(), "an `if` condition");
  auto narrowed_block = [&](const ast::Block& body, bool holds) {
    push_narrowed_scope(*node.value, holds);
    ir::Block result = block(body);
    pop_scope();
    return result;
  };
  out.body = narrowed_block(node.body, true);
  if (node.else_body) out.else_body = narrowed_block(*node.else_body, false);
  return out;
}

void Checker::narrow_after(const ast::Stmt& node, const ir::Stmt& checked) {
  // Below the `if`, a name holds a value if it does wherever the condition
  // has the truth of a branch that falls through, and the other branch
  // leaves or ends by giving it a value (`if best == none { best = v }`).
  auto narrow = [&](bool holds, const ir::Block* other) {
    std::vector<std::string> paths;
    not_none_where(*node.value, holds, paths);
    for (const std::string& path : paths) {
      std::optional<PlaceType> place = place_type(path);
      if (!place || !place->type->is(ir::TypeKind::kOptional)) continue;
      bool is_local = path.find('.') == std::string::npos;
      auto ends_with_value = [&] {
        if (other == nullptr || other->stmts.empty() || !is_local) return false;
        const ir::Stmt& last = other->stmts.back();
        return last.kind == ir::StmtKind::kAssign && last.assign_op == ir::AssignOp::kSet &&
               last.target->kind == ir::ExprKind::kLocal && last.target->as<ir::LocalId>() == place->local &&
               last.value->kind == ir::ExprKind::kWrapOptional;
      };
      if (other == nullptr || (!never_falls_through(*other) && !ends_with_value())) continue;
      auto here = scopes_.back().find(path);
      bool declared_here = is_local && here != scopes_.back().end() && !here->second.guard_only;
      scopes_.back()[path] = LocalBinding{place->local, place->type->element(), !declared_here};
    }
  };
  // Past a `then` that leaves, the condition was false; past an `else`, true.
  narrow(false, &checked.body);
  narrow(true, checked.else_body ? &*checked.else_body : nullptr);
}

}  // namespace taskc::check

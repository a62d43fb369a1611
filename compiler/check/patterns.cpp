// Nested patterns, `for (i, (word, n)) in …` and `let (a, (b, c)) = …`: each
// nested place binds a hidden local (named `_`, so nobody can read it), and
// lets added after the pattern's own binding take it apart, so the backends
// see only one-level patterns.
#include <fmt/format.h>

#include "compiler/check/checker.hpp"

namespace taskc::check {

std::vector<ir::Stmt> Checker::unpack_nested(const ast::Pattern& pattern, const std::vector<ir::LocalId>& places,
                                             bool is_mutable) {
  std::vector<ir::Stmt> out;
  if (!pattern.has_nested() || places.size() != pattern.names.size()) return out;
  for (std::size_t i = 0; i < places.size(); ++i) {
    const ast::Pattern& inner = pattern.nested[i];
    if (!inner.is_tuple) continue;
    const ir::Type* type = task_->local(places[i]).type;
    ir::Stmt let;
    let.kind = ir::StmtKind::kLet;
    let.span = inner.span;
    let.value = make(ir::ExprKind::kLocal, type, inner.span);
    let.value->payload = places[i];
    bool fits = type->is(ir::TypeKind::kTuple) && type->args.size() == inner.names.size();
    if (!fits && !type->is_error()) {
      error(diag::Code::kPatternArity, inner.span,
            fmt::format("a pattern of {} names cannot take apart a `{}`", inner.names.size(), ir::type_name(type)))
          .with_label("pattern")
          .note(type->is(ir::TypeKind::kTuple) ? fmt::format("the tuple has {} elements", type->args.size())
                                               : "only tuples can be taken apart");
    }
    for (std::size_t j = 0; j < inner.names.size(); ++j) {
      const ir::Type* element = fits ? type->args[j] : types_->error_type();
      let.bindings.push_back(declare_local(inner.names[j], element, inner.name_spans[j], is_mutable));
    }
    std::vector<ir::LocalId> inner_places = let.bindings;
    out.push_back(std::move(let));
    for (ir::Stmt& deeper : unpack_nested(inner, inner_places, is_mutable)) out.push_back(std::move(deeper));
  }
  return out;
}

void Checker::refuse_nested(const ast::Pattern& pattern, std::string_view where) {
  bool reported = false;
  for (const ast::Pattern& inner : pattern.nested) {
    if (!inner.is_tuple) continue;
    if (!reported) {
      error(diag::Code::kPatternArity, inner.span, fmt::format("a nested pattern cannot be used {}", where))
          .with_label("nested")
          .help("bind the element to a name and take it apart with `let (a, b) = name`");
      reported = true;
    }
    // Its names are known, so that their uses say nothing more.
    ast::for_each_name(inner, [&](const std::string& name, source::Span span) {
      declare_local(name, types_->error_type(), span, false);
    });
  }
}

}  // namespace taskc::check

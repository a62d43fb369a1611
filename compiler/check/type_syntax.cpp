// Types as written (`list[str]`, `Page?`) to interned types.
#include <fmt/format.h>

#include "compiler/check/checker.hpp"

namespace taskc::check {

const ir::Type* Checker::resolve_type(const ast::TypeExpr& type) {
  const ir::Type* resolved = resolve_type_of_kind(type);
  if (resolved->depth > ir::kMaxTypeDepth) {
    error(diag::Code::kInvalidType, type.span,
          fmt::format("this type nests {} deep; at most {}", resolved->depth, ir::kMaxTypeDepth))
        .with_label("this type")
        .help("give the inner levels a record type of their own");
    return types_->error_type();
  }
  return resolved;
}

const ir::Type* Checker::resolve_type_of_kind(const ast::TypeExpr& type) {
  switch (type.kind) {
    case ast::TypeExpr::Kind::kOptional: {
      const ir::Type* inner = resolve_type(type.args.at(0));
      if (inner->is(ir::TypeKind::kOptional)) {
        error(diag::Code::kInvalidType, type.span,
              fmt::format("`{}?` is an optional of an optional", ir::type_name(inner)))
            .with_label("one `?` is enough")
            .note("an optional is either a value or `none`; a second `?` adds nothing");
        return inner;
      }
      return types_->optional(inner);
    }
    case ast::TypeExpr::Kind::kTuple: {
      std::vector<const ir::Type*> elements;
      for (const ast::TypeExpr& element : type.args) elements.push_back(resolve_type(element));
      return types_->tuple(std::move(elements));
    }
    case ast::TypeExpr::Kind::kNamed: break;
  }

  struct Generic {
    std::string_view name;
    std::size_t arity;
  };
  static constexpr Generic kGenerics[] = {{"list", 1}, {"map", 2}, {"result", 1}, {"channel", 1}};
  for (const Generic& generic : kGenerics) {
    if (type.name != generic.name) continue;
    if (type.args.size() != generic.arity) {
      error(diag::Code::kInvalidType, type.span,
            fmt::format("`{}` takes {} type argument{}, found {}", generic.name, generic.arity,
                        generic.arity == 1 ? "" : "s", type.args.size()))
          .with_label("wrong number of type arguments")
          .help(generic.arity == 1 ? fmt::format("write `{}[T]`", generic.name) : "write `map[K, V]`");
      return types_->error_type();
    }
    std::vector<const ir::Type*> args;
    for (const ast::TypeExpr& arg : type.args) args.push_back(resolve_type(arg));
    if (generic.name == "list") return types_->list(args[0]);
    if (generic.name == "result") return types_->result(args[0]);
    if (generic.name == "channel") return types_->channel(args[0]);
    if (!args[0]->is(ir::TypeKind::kInt) && !args[0]->is(ir::TypeKind::kStr) && !args[0]->is_error()) {
      error(diag::Code::kInvalidType, type.args[0].span,
            fmt::format("map keys must be `int` or `str`, not `{}`", ir::type_name(args[0])))
          .with_label("not a key type");
      return types_->error_type();
    }
    return types_->map(args[0], args[1]);
  }

  if (!type.args.empty()) {
    error(diag::Code::kInvalidType, type.span, fmt::format("`{}` takes no type arguments", type.name))
        .with_label("remove the `[…]`");
    return types_->error_type();
  }
  if (type.name == "int") return types_->int_type();
  if (type.name == "float") return types_->float_type();
  if (type.name == "bool") return types_->bool_type();
  if (type.name == "str") return types_->str_type();
  if (type.name == "duration") return types_->duration_type();
  if (const ir::RecordDef* record = program_->find_record(type.name)) return types_->record(record);

  auto& d =
      error(diag::Code::kUnknownType, type.span, fmt::format("unknown type `{}`", type.name)).with_label("not a type");
  std::string hint = suggestion(type.name);
  if (!hint.empty()) d.help(hint);
  if (const Symbol* symbol = find_symbol(type.name)) {
    d.note(fmt::format("`{}` is declared, but not as a `type`", type.name)).label(symbol->span, "declared here");
  }
  return types_->error_type();
}

bool Checker::is_serializable(const ir::Type* type) const {
  if (type->is(ir::TypeKind::kChannel)) return false;
  for (const ir::Type* arg : type->args) {
    if (!is_serializable(arg)) return false;
  }
  if (type->is(ir::TypeKind::kRecord)) {
    for (const ir::Field& field : type->record->fields) {
      if (field.type && !is_serializable(field.type)) return false;
    }
  }
  return true;
}

}  // namespace taskc::check

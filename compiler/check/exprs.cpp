// Expressions: names, calls of tasks, operators, fields, literals and the
// concurrency forms (gather, race, timeout, try-else).
#include <fmt/format.h>

#include "compiler/check/checker.hpp"

namespace taskc::check {

ir::ExprPtr make(ir::ExprKind kind, const ir::Type* type, source::Span span) {
  auto expr = std::make_unique<ir::Expr>();
  expr->kind = kind;
  expr->type = type;
  expr->span = span;
  return expr;
}

namespace {

ir::ExprPtr wrap(ir::ExprKind kind, ir::ExprPtr inner, const ir::Type* type) {
  auto outer = make(kind, type, inner->span);
  outer->operands.push_back(std::move(inner));
  return outer;
}

// AST and IR keep their own enums (phases do not share types); the switch
// has no default, so an operator added to one and not mapped is an error.
ir::BinaryOp to_ir(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kAdd: return ir::BinaryOp::kAdd;
    case ast::BinaryOp::kSub: return ir::BinaryOp::kSub;
    case ast::BinaryOp::kMul: return ir::BinaryOp::kMul;
    case ast::BinaryOp::kDiv: return ir::BinaryOp::kDiv;
    case ast::BinaryOp::kMod: return ir::BinaryOp::kMod;
    case ast::BinaryOp::kPow: return ir::BinaryOp::kPow;
    case ast::BinaryOp::kBitAnd: return ir::BinaryOp::kBitAnd;
    case ast::BinaryOp::kBitOr: return ir::BinaryOp::kBitOr;
    case ast::BinaryOp::kBitXor: return ir::BinaryOp::kBitXor;
    case ast::BinaryOp::kShl: return ir::BinaryOp::kShl;
    case ast::BinaryOp::kShr: return ir::BinaryOp::kShr;
    case ast::BinaryOp::kEq: return ir::BinaryOp::kEq;
    case ast::BinaryOp::kNe: return ir::BinaryOp::kNe;
    case ast::BinaryOp::kLt: return ir::BinaryOp::kLt;
    case ast::BinaryOp::kLe: return ir::BinaryOp::kLe;
    case ast::BinaryOp::kGt: return ir::BinaryOp::kGt;
    case ast::BinaryOp::kGe: return ir::BinaryOp::kGe;
    case ast::BinaryOp::kAnd: return ir::BinaryOp::kAnd;
    case ast::BinaryOp::kOr: return ir::BinaryOp::kOr;
    case ast::BinaryOp::kIn: return ir::BinaryOp::kIn;
    case ast::BinaryOp::kNotIn: return ir::BinaryOp::kNotIn;
  }
  TASKC_UNREACHABLE("an AST operator without an IR operator");
}

}  // namespace

ir::ExprPtr Checker::coerce(ir::ExprPtr value, const ir::Type* expected, std::string_view context) {
  if (expected == nullptr || value->type == expected || expected->is_error() || value->type->is_error()) {
    return value;
  }
  if (value->type->is(ir::TypeKind::kVoid)) {
    error(diag::Code::kNoValue, value->span, fmt::format("{}: this returns nothing", context))
        .with_label("no value")
        .note("a task without `-> T` is called as a statement, not used as a value");
    return error_expr(value->span);
  }
  if (expected->is(ir::TypeKind::kOptional) && expected->element() == value->type) {
    return wrap(ir::ExprKind::kWrapOptional, std::move(value), expected);
  }
  mismatch(value->span, expected, value->type, context);
  return error_expr(value->span);
}

ir::ExprPtr Checker::expr_as(const ast::Expr& node, const ir::Type* expected, std::string_view context) {
  return coerce(expr(node, expected), expected, context);
}

ir::ExprPtr Checker::expr(const ast::Expr& node, const ir::Type* expected) {
  ir::ExprPtr out = expr_of_kind(node, expected);
  // The innermost expression too deep reports; those around it see its error type.
  if (out->type != nullptr && out->type->depth > ir::kMaxTypeDepth) {
    error(diag::Code::kInvalidType, node.span,
          fmt::format("the type of this value nests {} deep; at most {}", out->type->depth, ir::kMaxTypeDepth))
        .with_label("this value")
        .help("give the inner levels a record type of their own");
    return error_expr(node.span);
  }
  return out;
}

ir::ExprPtr Checker::expr_of_kind(const ast::Expr& node, const ir::Type* expected) {
  switch (node.kind) {
    case ast::ExprKind::kIntLiteral: {
      auto out = make(ir::ExprKind::kIntLiteral, types_->int_type(), node.span);
      out->payload = node.int_value;
      return out;
    }
    case ast::ExprKind::kFloatLiteral: {
      auto out = make(ir::ExprKind::kFloatLiteral, types_->float_type(), node.span);
      out->payload = node.float_value;
      return out;
    }
    case ast::ExprKind::kDurationLiteral: {
      auto out = make(ir::ExprKind::kDurationLiteral, types_->duration_type(), node.span);
      out->payload = ir::Nanoseconds{node.int_value};
      return out;
    }
    case ast::ExprKind::kBoolLiteral: {
      auto out = make(ir::ExprKind::kBoolLiteral, types_->bool_type(), node.span);
      out->payload = node.bool_value;
      return out;
    }
    case ast::ExprKind::kNoneLiteral: {
      if (expected && expected->is(ir::TypeKind::kOptional)) {
        return make(ir::ExprKind::kNoneLiteral, expected, node.span);
      }
      if (expected && !expected->is_error()) {
        error(diag::Code::kTypeMismatch, node.span, fmt::format("`none` is not a `{}`", ir::type_name(expected)))
            .with_label("`none` here")
            .help(fmt::format("only optionals can be none; declare the type as `{}?`", ir::type_name(expected)));
        return error_expr(node.span);
      }
      if (!expected) {
        error(diag::Code::kCannotInfer, node.span, "the type of this `none` is unknown")
            .with_label("none of what?")
            .help("give the variable a type: `let x: str? = none`");
      }
      return error_expr(node.span);
    }
    case ast::ExprKind::kStringLiteral: {
      if (node.parts.size() == 1 && !node.parts[0].expr) {
        auto out = make(ir::ExprKind::kStrLiteral, types_->str_type(), node.span);
        out->payload = node.parts[0].text;
        return out;
      }
      auto out = make(ir::ExprKind::kInterpolation, types_->str_type(), node.span);
      for (const ast::StringPart& part : node.parts) {
        if (!part.expr) {
          auto text = make(ir::ExprKind::kStrLiteral, types_->str_type(), node.span);
          text->payload = part.text;
          out->operands.push_back(std::move(text));
          continue;
        }
        ir::ExprPtr value = expr(*part.expr);
        if (value->type->is(ir::TypeKind::kVoid)) {
          error(diag::Code::kNoValue, value->span, "this interpolation returns nothing").with_label("no value to show");
          value = error_expr(value->span);
        }
        if (part.spec) value = formatted(std::move(value), *part.spec, part.spec_span);
        out->operands.push_back(std::move(value));
      }
      return out;
    }
    case ast::ExprKind::kName: return name_ref(node);
    case ast::ExprKind::kCall: return call(node, expected);
    case ast::ExprKind::kChannelNew: {
      if (node.name == "json_decode") return json_decode(node);
      if (node.name != "channel") {
        error(diag::Code::kUnknownType, node.name_span, fmt::format("`{}[…](…)` is not a constructor", node.name))
            .with_label("only `channel[T](capacity)` and `json_decode[T](text)` are written this way");
        return error_expr(node.span);
      }
      const ir::Type* element = resolve_type(*node.type_arg);
      if (node.operands.size() > 1) {
        error(diag::Code::kWrongArgumentCount, node.span,
              fmt::format("`channel[T](capacity)` takes 0 or 1 argument, found {}", node.operands.size()))
            .with_label("the capacity is how many values it buffers")
            .note("`channel[T]()` buffers any number");
        return error_expr(node.span);
      }
      // No operand: unbounded.
      auto out = make(ir::ExprKind::kNewChannel, types_->channel(element), node.span);
      if (!node.operands.empty()) {
        out->operands.push_back(expr_as(*node.operands[0], types_->int_type(), "the capacity of a channel"));
      }
      return out;
    }
    case ast::ExprKind::kField: return field(node);
    case ast::ExprKind::kTupleField: {
      ir::ExprPtr tuple = expr(*node.operands[0]);
      if (tuple->type->is_error()) return error_expr(node.span);
      if (!tuple->type->is(ir::TypeKind::kTuple)) {
        error(diag::Code::kNoSuchField, node.name_span,
              fmt::format("`.{}` needs a tuple, but this is `{}`", node.int_value, ir::type_name(tuple->type)))
            .with_label("not a tuple");
        return error_expr(node.span);
      }
      if (node.int_value < 0 || static_cast<std::size_t>(node.int_value) >= tuple->type->args.size()) {
        error(diag::Code::kNoSuchField, node.name_span,
              fmt::format("`{}` has no element {}", ir::type_name(tuple->type), node.int_value))
            .with_label(fmt::format("elements are numbered 0 to {}", tuple->type->args.size() - 1));
        return error_expr(node.span);
      }
      const ir::Type* type = tuple->type->args[static_cast<std::size_t>(node.int_value)];
      auto out = wrap(ir::ExprKind::kTupleElement, std::move(tuple), type);
      out->span = node.span;
      out->payload = ir::ElementIndex{static_cast<std::uint32_t>(node.int_value)};
      return out;
    }
    case ast::ExprKind::kIndex: return index(node);
    case ast::ExprKind::kSlice: return slice(node);
    case ast::ExprKind::kConditional: return conditional(node, expected);
    case ast::ExprKind::kUnary: {
      ir::ExprPtr operand = expr(*node.operands[0]);
      const ir::Type* type = operand->type;
      if (type->is_error()) return error_expr(node.span);
      bool ok = false;
      std::string_view spelling;
      ir::UnaryOp op = ir::UnaryOp::kNegate;
      switch (node.unary_op) {
        case ast::UnaryOp::kNot: ok = type->is(ir::TypeKind::kBool), spelling = "not", op = ir::UnaryOp::kNot; break;
        case ast::UnaryOp::kBitNot: ok = type->is(ir::TypeKind::kInt), spelling = "~", op = ir::UnaryOp::kBitNot; break;
        case ast::UnaryOp::kNegate: ok = type->is_numeric() || type->is(ir::TypeKind::kDuration), spelling = "-"; break;
      }
      if (!ok) {
        error(diag::Code::kBadOperands, node.span,
              fmt::format("`{}` cannot be applied to `{}`", spelling, ir::type_name(type)))
            .with_label(fmt::format("this is `{}`", ir::type_name(type)));
        return error_expr(node.span);
      }
      auto out = wrap(ir::ExprKind::kUnary, std::move(operand), type);
      out->span = node.span;
      out->payload = op;
      return out;
    }
    case ast::ExprKind::kBinary: return binary(node);
    case ast::ExprKind::kRange: {
      auto out = make(ir::ExprKind::kRange, types_->list(types_->int_type()), node.span);
      out->inclusive = node.inclusive;
      out->operands.push_back(expr_as(*node.operands[0], types_->int_type(), "the start of a range"));
      out->operands.push_back(expr_as(*node.operands[1], types_->int_type(), "the end of a range"));
      return out;
    }
    case ast::ExprKind::kList:
    case ast::ExprKind::kMap:
    case ast::ExprKind::kTuple: return literal_collection(node, expected);
    case ast::ExprKind::kRecord: return record_literal(node);
    case ast::ExprKind::kGather:
    case ast::ExprKind::kGatherEach:
    case ast::ExprKind::kRaceEach:
    case ast::ExprKind::kRace:
    case ast::ExprKind::kTimeout:
    case ast::ExprKind::kTryElse: return concurrency(node, expected);
    case ast::ExprKind::kKeyFunction:
      error(diag::Code::kBadKeyFunction, node.span, "a key function is an argument of `sorted`, `min` or `max`")
          .with_label("not an argument of sorted, min or max")
          .note("the language has no function values; `x => key` only says what to order a list by");
      return error_expr(node.span);
    case ast::ExprKind::kInvalid:
      // Reported by the parser; what it holds may have errors of its own.
      for (const ast::ExprPtr& operand : node.operands) expr(*operand);
      return error_expr(node.span);
  }
  return error_expr(node.span);
}

ir::ExprPtr Checker::name_ref(const ast::Expr& node) {
  if (const LocalBinding* local = find_local(node.name)) {
    const ir::Type* declared = task_->local(local->id).type;
    auto out = make(ir::ExprKind::kLocal, declared, node.span);
    out->payload = local->id;
    if (local->narrowed) return wrap(ir::ExprKind::kUnwrapOptional, std::move(out), local->narrowed);
    return out;
  }
  if (const Symbol* symbol = find_symbol(node.name)) {
    switch (symbol->kind) {
      case Symbol::Kind::kConst: {
        const ir::Const& constant = program_->consts[symbol->index];
        auto out = make(ir::ExprKind::kConst, constant.type, node.span);
        out->payload = ir::ConstId{symbol->index};
        return out;
      }
      case Symbol::Kind::kShared: {
        if (task_ && task_->in_process) {
          error(diag::Code::kSharedInProcess, node.span,
                fmt::format("`{}` is a shared value, which `in process` tasks cannot see", node.name))
              .with_label("read in a worker process")
              .label(symbol->span, "declared here")
              .note("a worker process has its own memory; shared values live in the main process")
              .help("pass the value as an argument instead");
          return error_expr(node.span);
        }
        const ir::Shared& shared = program_->shared[symbol->index];
        auto out = make(ir::ExprKind::kShared, shared.type, node.span);
        out->payload = ir::SharedId{symbol->index};
        return out;
      }
      case Symbol::Kind::kSemaphore:
        error(diag::Code::kNotAValue, node.span, fmt::format("semaphore `{}` is not a value", node.name))
            .with_label("used as a value")
            .help(
                fmt::format("hold a permit with `with {} {{ … }}`, or add `uses {}` to a task", node.name, node.name));
        return error_expr(node.span);
      case Symbol::Kind::kRateLimit:
        error(diag::Code::kNotAValue, node.span, fmt::format("ratelimit `{}` is not a value", node.name))
            .with_label("used as a value")
            .help(fmt::format("wait for a token with `with {} {{ … }}`, or add `uses {}` to a task", node.name,
                              node.name));
        return error_expr(node.span);
      case Symbol::Kind::kRecord:
        error(diag::Code::kNotAValue, node.span, fmt::format("type `{}` is not a value", node.name))
            .with_label("a type")
            .help(fmt::format("build a value with `{} {{ field: value, … }}`", node.name));
        return error_expr(node.span);
      case Symbol::Kind::kTask:
        error(diag::Code::kNotAValue, node.span, fmt::format("`{}` is a task; call it to get its result", node.name))
            .with_label("not called")
            .help(fmt::format("write `{}(…)`", node.name));
        return error_expr(node.span);
    }
  }
  if (ir::find_builtin(node.name)) {
    error(diag::Code::kNotAValue, node.span, fmt::format("`{}` is a builtin; call it to get its result", node.name))
        .with_label("not called");
    return error_expr(node.span);
  }
  if (node.name == "True" || node.name == "False" || node.name == "None") {
    std::string lower = node.name == "None" ? "none" : node.name == "True" ? "true" : "false";
    error(diag::Code::kPythonConstant, node.span, fmt::format("`{}` is written `{}`", node.name, lower))
        .with_label(fmt::format("write `{}`", lower))
        .note("the constants are `true`, `false` and `none`, in lower case");
    if (node.name == "None") return error_expr(node.span);
    // Read as what it stands for, so the rest of the program is checked as meant.
    auto out = make(ir::ExprKind::kBoolLiteral, types_->bool_type(), node.span);
    out->payload = node.name == "True";
    return out;
  }
  if (node.name == kDiscard) {
    error(diag::Code::kUnknownName, node.span, "`_` cannot be read")
        .with_label("read here")
        .note("`_` in a `let`, `for` or `catch` pattern discards the value it stands for")
        .help("give the value a name: `let (count, _) = …`");
    return error_expr(node.span);
  }
  auto later = later_flow_lets_.find(node.name);
  if (later != later_flow_lets_.end()) {
    error(diag::Code::kUseBeforeDefinition, node.span, fmt::format("`{}` is used before it is defined", node.name))
        .with_label("used here")
        .label(later->second, "defined later in this flow")
        .note(
            "a flow runs its lets as soon as their inputs are ready, but a value can only be used after the let "
            "that defines it, so the graph has no cycles")
        .help("move this statement below the definition");
    return error_expr(node.span);
  }
  auto& d = error(diag::Code::kUnknownName, node.span, fmt::format("unknown name `{}`", node.name))
                .with_label("not found in this scope");
  std::string hint = suggestion(node.name);
  if (!hint.empty()) d.help(hint);
  return error_expr(node.span);
}

ir::ExprPtr Checker::call(const ast::Expr& node, const ir::Type* expected) {
  if (node.name.empty()) {
    // The parser already reported a call of something that is not a name.
    for (const ast::ExprPtr& arg : node.operands) expr(*arg);
    return error_expr(node.span);
  }
  if (const LocalBinding* local = find_local(node.name)) {
    error(diag::Code::kNotCallable, node.name_span, fmt::format("`{}` is a variable, not a task", node.name))
        .with_label(fmt::format("a `{}`", ir::type_name(task_->local(local->id).type)));
    return error_expr(node.span);
  }
  if (const Symbol* symbol = find_symbol(node.name)) {
    if (symbol->kind == Symbol::Kind::kTask) return task_call(node, *symbol);
    auto& d = error(diag::Code::kNotCallable, node.name_span, fmt::format("`{}` cannot be called", node.name))
                  .with_label("not a task, flow or builtin")
                  .label(symbol->span, "declared here");
    if (symbol->kind == Symbol::Kind::kRecord) {
      d.help(fmt::format("build a record with braces: `{} {{ field: value }}`", node.name));
    }
    return error_expr(node.span);
  }
  if (std::optional<ir::BuiltinInfo> info = ir::find_builtin(node.name)) return builtin_call(node, *info, expected);

  auto& d = error(diag::Code::kUnknownName, node.name_span, fmt::format("unknown task or builtin `{}`", node.name))
                .with_label("not defined");
  std::string hint = suggestion(node.name);
  if (!hint.empty()) d.help(hint);
  for (const ast::ExprPtr& arg : node.operands) expr(*arg);
  return error_expr(node.span);
}

ir::ExprPtr Checker::task_call(const ast::Expr& node, const Symbol& symbol) {
  const ir::Task& callee = program_->tasks[symbol.index];
  if (task_ == nullptr) {
    error(diag::Code::kNotConstant, node.span, "a task cannot be called here")
        .with_label("evaluated before any task runs")
        .help("initialise the value with a literal and set it from a task inside `with`");
    return error_expr(node.span);
  }
  if (task_->kind == ir::TaskKind::kCpu && callee.kind != ir::TaskKind::kCpu) {
    std::string what = callee.kind == ir::TaskKind::kFlow ? "flow" : "io task";
    error(diag::Code::kCpuReachesIo, node.name_span,
          fmt::format("cpu task `{}` calls {} `{}`", task_->name, what, callee.name))
        .with_label(fmt::format("`{}` is an {}", callee.name, what))
        .label(callee.span, "declared here")
        .note("cpu tasks run on the CPU thread pool; a CPU worker must never wait on I/O")
        .help(fmt::format("do the I/O in an io task or flow and pass its result to `{}` as an argument", task_->name));
  }
  if (node.operands.size() != callee.params.size()) {
    error(diag::Code::kWrongArgumentCount, node.span,
          fmt::format("`{}` takes {} argument{}, found {}", callee.name, callee.params.size(),
                      callee.params.size() == 1 ? "" : "s", node.operands.size()))
        .with_label("wrong number of arguments")
        .label(callee.span, "declared here");
    for (const ast::ExprPtr& arg : node.operands) expr(*arg);
    return error_expr(node.span);
  }
  auto out = make(ir::ExprKind::kCallTask, callee.result, node.span);
  out->payload = ir::TaskId{symbol.index};
  for (std::size_t i = 0; i < node.operands.size(); ++i) {
    out->operands.push_back(expr_as(*node.operands[i], callee.params[i].type,
                                    fmt::format("argument `{}` of `{}`", callee.params[i].name, callee.name)));
  }
  return out;
}

ir::ExprPtr Checker::binary(const ast::Expr& node) {
  ast::BinaryOp op = node.binary_op;
  bool equality = op == ast::BinaryOp::kEq || op == ast::BinaryOp::kNe;
  if (equality && node.operands[0]->kind == ast::ExprKind::kNoneLiteral &&
      node.operands[1]->kind != ast::ExprKind::kNoneLiteral) {
    // `none != x`: the right side says what `none` is.
    ir::ExprPtr right = expr(*node.operands[1]);
    if (right->type->is_error()) return error_expr(node.span);
    const ir::Type* optional = right->type->is(ir::TypeKind::kOptional) ? right->type : types_->optional(right->type);
    if (right->type != optional) right = wrap(ir::ExprKind::kWrapOptional, std::move(right), optional);
    auto out = make(ir::ExprKind::kBinary, types_->bool_type(), node.span);
    out->payload = to_ir(op);
    out->operands.push_back(expr(*node.operands[0], optional));
    out->operands.push_back(std::move(right));
    return out;
  }
  ir::ExprPtr left = expr(*node.operands[0]);
  // The left side guides the right: `x == none`, `xs == []`.
  const ir::Type* hint = left->type->is_error() || left->type->is(ir::TypeKind::kVoid) ? nullptr : left->type;
  if (op == ast::BinaryOp::kIn || op == ast::BinaryOp::kNotIn || op == ast::BinaryOp::kAnd ||
      op == ast::BinaryOp::kOr) {
    hint = nullptr;
  }
  // `broken == none`: the left side's error was reported; `none` has nothing to say.
  if (left->type->is_error() && node.operands[1]->kind == ast::ExprKind::kNoneLiteral) return error_expr(node.span);
  // Right of `x != none and …` (or `x == none or …`), x holds a value.
  bool short_circuits = op == ast::BinaryOp::kAnd || op == ast::BinaryOp::kOr;
  if (short_circuits) push_narrowed_scope(*node.operands[0], op == ast::BinaryOp::kAnd);
  ir::ExprPtr right = expr(*node.operands[1], hint);
  if (short_circuits) pop_scope();
  for (ir::ExprPtr* side : {&left, &right}) {
    if ((*side)->type->is(ir::TypeKind::kVoid)) {
      error(diag::Code::kNoValue, (*side)->span, "this returns nothing").with_label("no value to operate on");
      *side = error_expr((*side)->span);
    }
  }
  if (left->type->is_error() || right->type->is_error()) return error_expr(node.span);

  const ir::Type* lt = left->type;
  const ir::Type* rt = right->type;
  auto result = [&](const ir::Type* type) {
    auto out = make(ir::ExprKind::kBinary, type, node.span);
    out->payload = to_ir(op);
    out->operands.push_back(std::move(left));
    out->operands.push_back(std::move(right));
    return out;
  };
  auto bad = [&]() {
    error(
        diag::Code::kBadOperands, node.span,
        fmt::format("`{}` cannot combine `{}` and `{}`", ast::binary_op_text(op), ir::type_name(lt), ir::type_name(rt)))
        .with_label(fmt::format("`{}` {} `{}`", ir::type_name(lt), ast::binary_op_text(op), ir::type_name(rt)))
        .note("no implicit conversions except int to float in arithmetic; convert with int(…), float(…) or str(…)");
    return error_expr(node.span);
  };

  switch (op) {
    case ast::BinaryOp::kAnd:
    case ast::BinaryOp::kOr:
      if (!lt->is(ir::TypeKind::kBool) || !rt->is(ir::TypeKind::kBool)) return bad();
      return result(types_->bool_type());
    case ast::BinaryOp::kIn:
    case ast::BinaryOp::kNotIn: {
      bool ok = (rt->is(ir::TypeKind::kList) && rt->element() == lt) ||
                (rt->is(ir::TypeKind::kMap) && rt->args[0] == lt) ||
                (rt->is(ir::TypeKind::kStr) && lt->is(ir::TypeKind::kStr));
      if (!ok) return bad();
      return result(types_->bool_type());
    }
    case ast::BinaryOp::kEq:
    case ast::BinaryOp::kNe:
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLe:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGe: {
      bool ordering = op != ast::BinaryOp::kEq && op != ast::BinaryOp::kNe;
      if (lt->is_numeric() && rt->is_numeric() && lt != rt) {
        if (lt->is(ir::TypeKind::kInt)) left = int_to_float(std::move(left));
        if (rt->is(ir::TypeKind::kInt)) right = int_to_float(std::move(right));
        return result(types_->bool_type());
      }
      if (!ordering && lt->is(ir::TypeKind::kOptional) && lt->element() == rt) {
        right = wrap(ir::ExprKind::kWrapOptional, std::move(right), lt);
        return result(types_->bool_type());
      }
      if (lt != rt) return bad();
      if (ordering && !ir::is_orderable(lt)) return bad();
      if (lt->is(ir::TypeKind::kChannel)) return bad();
      return result(types_->bool_type());
    }
    default: return arithmetic(to_ir(op), std::move(left), std::move(right), node.span, node.span);
  }
}

// A race's competitor that receives could drop a value as it is cancelled,
// and one that sends could deliver as another wins: the race cannot choose
// one channel operation of several (E0221). A call's arguments are the
// competitor's too; what a called task does is its own.
void Checker::refuse_channel_operations(const ir::Expr& competitor) {
  if (competitor.kind == ir::ExprKind::kCallBuiltin) {
    ir::Builtin builtin = competitor.as<ir::Builtin>();
    if (builtin == ir::Builtin::kRecv || builtin == ir::Builtin::kSend) {
      bool receives = builtin == ir::Builtin::kRecv;
      error(diag::Code::kChannelInRace, competitor.span,
            receives ? "a race's competitor cannot receive from a channel"
                     : "a race's competitor cannot send on a channel")
          .with_label(receives ? "may take a value, then be cancelled and drop it"
                               : "may deliver its value as another competitor wins")
          .help(receives ? "to wait with a time limit, write `recv(ch) timeout D else none`, which keeps a value "
                           "handed over as the time runs out; to wait on several channels, send into one"
                         : "send outside the race, once it has chosen");
      return;
    }
  }
  for (const ir::ExprPtr& operand : competitor.operands) {
    if (operand) refuse_channel_operations(*operand);
  }
}

ir::ExprPtr Checker::int_to_float(ir::ExprPtr value) {
  warn_int_quotient(*value);
  auto out = make(ir::ExprKind::kToFloat, types_->float_type(), value->span);
  out->operands.push_back(std::move(value));
  return out;
}

void Checker::warn_int_quotient(const ir::Expr& value) {
  if (value.kind != ir::ExprKind::kBinary || value.as<ir::BinaryOp>() != ir::BinaryOp::kDiv ||
      !value.type->is(ir::TypeKind::kInt)) {
    return;
  }
  warning(diag::Code::kIntQuotientAsFloat, value.span,
          "this quotient of two ints is rounded toward zero, then made a float")
      .with_label("an int: `7 / 2` is 3, not 3.5")
      .help(
          "for the fraction, make one side a float: `float(a) / b`; to keep the rounded quotient, say so: "
          "`float(a / b)`");
}

ir::ExprPtr Checker::arithmetic(ir::BinaryOp op, ir::ExprPtr left, ir::ExprPtr right, source::Span span,
                                source::Span op_span) {
  const ir::Type* lt = left->type;
  const ir::Type* rt = right->type;
  if (lt->is_error() || rt->is_error()) return error_expr(span);
  auto result = [&](const ir::Type* type) {
    auto out = make(ir::ExprKind::kBinary, type, span);
    out->payload = op;
    out->operands.push_back(std::move(left));
    out->operands.push_back(std::move(right));
    return out;
  };
  bool duration_l = lt->is(ir::TypeKind::kDuration);
  bool duration_r = rt->is(ir::TypeKind::kDuration);
  bool bitwise = op == ir::BinaryOp::kBitAnd || op == ir::BinaryOp::kBitOr || op == ir::BinaryOp::kBitXor ||
                 op == ir::BinaryOp::kShl || op == ir::BinaryOp::kShr;
  if (bitwise && lt->is(ir::TypeKind::kInt) && rt->is(ir::TypeKind::kInt)) return result(lt);
  if (!bitwise && lt->is_numeric() && rt->is_numeric()) {
    if (lt == rt) return result(lt);
    // The one implicit conversion: int to float in arithmetic.
    if (lt->is(ir::TypeKind::kInt)) left = int_to_float(std::move(left));
    if (rt->is(ir::TypeKind::kInt)) right = int_to_float(std::move(right));
    return result(types_->float_type());
  }
  switch (op) {
    case ir::BinaryOp::kAdd:
      if (lt == rt && (lt->is(ir::TypeKind::kStr) || lt->is(ir::TypeKind::kList) || duration_l)) return result(lt);
      break;
    case ir::BinaryOp::kSub:
      if (duration_l && duration_r) return result(lt);
      break;
    case ir::BinaryOp::kMul:
      if (duration_l && rt->is_numeric()) return result(lt);
      if (duration_r && lt->is_numeric()) return result(rt);
      break;
    case ir::BinaryOp::kDiv:
      if (duration_l && rt->is_numeric()) return result(lt);
      if (duration_l && duration_r) return result(types_->float_type());
      break;
    default: break;
  }
  auto& d = error(diag::Code::kBadOperands, op_span,
                  fmt::format("`{}` cannot combine `{}` and `{}`", ir::binary_op_text(op), ir::type_name(lt),
                              ir::type_name(rt)))
                .with_label(fmt::format("`{}` {} `{}`", ir::type_name(lt), ir::binary_op_text(op), ir::type_name(rt)));
  bool str_and_int = (lt->is(ir::TypeKind::kStr) && rt->is(ir::TypeKind::kInt)) ||
                     (lt->is(ir::TypeKind::kInt) && rt->is(ir::TypeKind::kStr));
  bool list_and_int = (lt->is(ir::TypeKind::kList) && rt->is(ir::TypeKind::kInt)) ||
                      (lt->is(ir::TypeKind::kInt) && rt->is(ir::TypeKind::kList));
  if ((lt->is(ir::TypeKind::kStr) || rt->is(ir::TypeKind::kStr)) && op == ir::BinaryOp::kAdd) {
    d.help("convert the other side with `str(…)`, or interpolate: \"{a}{b}\"");
  } else if (str_and_int && op == ir::BinaryOp::kMul) {
    d.help("repeat a string with `repeat(s, n)`: `repeat(\"-\", 20)`");
  } else if (list_and_int && op == ir::BinaryOp::kMul) {
    d.help("build the list with a loop: `for _ in 0..n { push(xs, v) }`");
  } else {
    d.note("no implicit conversions except int to float in arithmetic");
  }
  return error_expr(span);
}

ir::ExprPtr Checker::field(const ast::Expr& node) {
  ir::ExprPtr base = expr(*node.operands[0]);
  const ir::Type* type = base->type;
  if (type->is_error()) return error_expr(node.span);
  if (type->is(ir::TypeKind::kResult)) {
    if (std::optional<ir::ResultPart> part = ir::find_result_part(node.name)) {
      const ir::Type* part_type = *part == ir::ResultPart::kOk      ? types_->bool_type()
                                  : *part == ir::ResultPart::kValue ? type->element()
                                                                    : types_->str_type();
      auto out = wrap(ir::ExprKind::kResultField, std::move(base), part_type);
      out->span = node.span;
      out->payload = *part;
      return out;
    }
    error(diag::Code::kNoSuchField, node.name_span,
          fmt::format("`{}` has no field `{}`", ir::type_name(type), node.name))
        .with_label("unknown field")
        .note("a result has `ok`, `value`, `error` (the message) and `kind`");
    return error_expr(node.span);
  }
  if (!type->is(ir::TypeKind::kRecord)) {
    auto& d = error(diag::Code::kNoSuchField, node.name_span,
                    fmt::format("`{}` has no fields, so it has no `{}`", ir::type_name(type), node.name))
                  .with_label("no such field");
    if (type->is(ir::TypeKind::kOptional) && type->element()->is(ir::TypeKind::kRecord)) {
      d.help("this value may be `none`; test it first: `if x != none { … x.field … }`");
    }
    return error_expr(node.span);
  }
  const ir::RecordDef* record = type->record;
  for (std::size_t i = 0; i < record->fields.size(); ++i) {
    if (record->fields[i].name != node.name) continue;
    auto out = wrap(ir::ExprKind::kField, std::move(base), record->fields[i].type);
    out->span = node.span;
    out->payload = ir::FieldIndex{static_cast<std::uint32_t>(i)};
    // Inside `if p.tags != none { … }`, p.tags reads as its inner type.
    if (out->type->is(ir::TypeKind::kOptional)) {
      std::string path = place_path(node);
      const ir::Type* inner = path.empty() ? nullptr : narrowed_field(path);
      if (inner != nullptr) return wrap(ir::ExprKind::kUnwrapOptional, std::move(out), inner);
    }
    return out;
  }
  std::string fields;
  for (const ir::Field& f : record->fields) fields += (fields.empty() ? "`" : ", `") + f.name + "`";
  error(diag::Code::kNoSuchField, node.name_span, fmt::format("`{}` has no field `{}`", record->name, node.name))
      .with_label("unknown field")
      .note(fields.empty() ? fmt::format("`{}` has no fields", record->name)
                           : fmt::format("`{}` has {}", record->name, fields));
  return error_expr(node.span);
}

ir::ExprPtr Checker::index(const ast::Expr& node) {
  ir::ExprPtr base = expr(*node.operands[0]);
  const ir::Type* type = base->type;
  if (type->is_error()) {
    expr(*node.operands[1]);
    return error_expr(node.span);
  }
  const ir::Type* key = nullptr;
  const ir::Type* element = nullptr;
  if (type->is(ir::TypeKind::kList)) {
    key = types_->int_type();
    element = type->element();
  } else if (type->is(ir::TypeKind::kMap)) {
    key = type->args[0];
    element = type->args[1];
  } else if (type->is(ir::TypeKind::kStr)) {
    // A byte, as a str of one byte: strings are bytes (`chars(s)` has the characters).
    key = types_->int_type();
    element = type;
  } else {
    auto& d = error(diag::Code::kNotIndexable, node.span, fmt::format("`{}` cannot be indexed", ir::type_name(type)))
                  .with_label("not a list or map");
    if (type->is(ir::TypeKind::kTuple)) d.help("take a tuple's elements with `.0`, `.1`, … or `let (a, b) = t`");
    expr(*node.operands[1]);
    return error_expr(node.span);
  }
  auto out = make(ir::ExprKind::kIndex, element, node.span);
  out->operands.push_back(std::move(base));
  out->operands.push_back(expr_as(*node.operands[1], key, "the index"));
  return out;
}

ir::ExprPtr Checker::slice(const ast::Expr& node) {
  ir::ExprPtr base = expr(*node.operands[0]);
  const ir::Type* type = base->type;
  auto out = make(ir::ExprKind::kSlice, type, node.span);
  out->inclusive = node.inclusive;
  out->operands.push_back(std::move(base));
  for (std::size_t i = 1; i <= 2; ++i) {
    out->operands.push_back(node.operands[i] ? expr_as(*node.operands[i], types_->int_type(),
                                                       i == 1 ? "the start of a slice" : "the end of a slice")
                                             : nullptr);
  }
  if (type->is_error()) return error_expr(node.span);
  if (!type->is(ir::TypeKind::kList) && !type->is(ir::TypeKind::kStr)) {
    error(diag::Code::kNotIndexable, node.span, fmt::format("`{}` cannot be sliced", ir::type_name(type)))
        .with_label("not a list or str");
    return error_expr(node.span);
  }
  return out;
}

ir::ExprPtr Checker::conditional(const ast::Expr& node, const ir::Type* expected) {
  ir::ExprPtr condition = expr_as(*node.operands[0], types_->bool_type(), "the condition of `if … else`");
  // Each side guides the other: `x if c else none` is a `T?`, and so is
  // `none if c else x` (whose `none` is typed after `x`).
  auto is_none = [](const ast::Expr& e) { return e.kind == ast::ExprKind::kNoneLiteral; };
  auto hint_from = [&](const ir::ExprPtr& side, const ast::Expr& other) -> const ir::Type* {
    if (expected) return expected;
    if (side->type->is_error() || side->type->is(ir::TypeKind::kVoid)) return nullptr;
    if (is_none(other) && !side->type->is(ir::TypeKind::kOptional)) return types_->optional(side->type);
    return side->type;
  };
  // Each side is checked where the condition has its truth: in `join(tags,
  // ",") if tags != none else "-"`, tags holds a value.
  auto side = [&](bool holds, const ir::Type* hint) {
    push_narrowed_scope(*node.operands[0], holds);
    ir::ExprPtr value = expr(*node.operands[holds ? 1 : 2], hint);
    pop_scope();
    return value;
  };
  ir::ExprPtr yes;
  ir::ExprPtr no;
  if (is_none(*node.operands[1]) && !expected) {
    no = side(false, nullptr);
    yes = side(true, hint_from(no, *node.operands[1]));
  } else {
    yes = side(true, expected);
    no = side(false, hint_from(yes, *node.operands[2]));
  }
  for (ir::ExprPtr* side : {&yes, &no}) {
    if ((*side)->type->is(ir::TypeKind::kVoid)) {
      error(diag::Code::kNoValue, (*side)->span, "this returns nothing").with_label("no value to choose");
      *side = error_expr((*side)->span);
    }
  }
  if (condition->type->is_error() || yes->type->is_error() || no->type->is_error()) return error_expr(node.span);
  // The two values meet in one type: int and float in float, T and none (or
  // T?) in T?; otherwise they must agree.
  const ir::Type* type = yes->type;
  if (yes->type != no->type) {
    if (yes->type->is_numeric() && no->type->is_numeric()) {
      type = types_->float_type();
    } else if (no->type->is(ir::TypeKind::kOptional) && no->type->element() == yes->type) {
      type = no->type;
    } else if (yes->type->is(ir::TypeKind::kOptional) && yes->type->element() == no->type) {
      type = yes->type;
    } else {
      error(diag::Code::kTypeMismatch, node.span,
            fmt::format("the two values of `if … else` differ: `{}` and `{}`", ir::type_name(yes->type),
                        ir::type_name(no->type)))
          .label(yes->span, fmt::format("this is `{}`", ir::type_name(yes->type)))
          .label(no->span, fmt::format("this is `{}`", ir::type_name(no->type)));
      return error_expr(node.span);
    }
  }
  for (ir::ExprPtr* side : {&yes, &no}) {
    if ((*side)->type->is(ir::TypeKind::kInt) && type->is(ir::TypeKind::kFloat)) {
      *side = int_to_float(std::move(*side));
    }
  }
  auto out = make(ir::ExprKind::kConditional, type, node.span);
  out->operands.push_back(std::move(condition));
  out->operands.push_back(coerce(std::move(yes), type, "the value of `if … else`"));
  out->operands.push_back(coerce(std::move(no), type, "the value of `if … else`"));
  return out;
}

ir::ExprPtr Checker::literal_collection(const ast::Expr& node, const ir::Type* expected) {
  if (node.kind == ast::ExprKind::kTuple) {
    std::vector<const ir::Type*> element_types;
    auto out = make(ir::ExprKind::kTuple, nullptr, node.span);
    for (std::size_t i = 0; i < node.operands.size(); ++i) {
      const ir::Type* hint =
          expected && expected->is(ir::TypeKind::kTuple) && i < expected->args.size() ? expected->args[i] : nullptr;
      ir::ExprPtr element = hint ? expr_as(*node.operands[i], hint, "a tuple element") : expr(*node.operands[i]);
      element_types.push_back(element->type);
      out->operands.push_back(std::move(element));
    }
    out->type = types_->tuple(std::move(element_types));
    return out;
  }

  bool is_map = node.kind == ast::ExprKind::kMap;
  auto out = make(is_map ? ir::ExprKind::kMap : ir::ExprKind::kList, nullptr, node.span);
  if (node.operands.empty()) {
    if (expected && expected->is(is_map ? ir::TypeKind::kMap : ir::TypeKind::kList)) {
      out->type = expected;
      return out;
    }
    if (expected && expected->is(ir::TypeKind::kOptional) &&
        expected->element()->is(is_map ? ir::TypeKind::kMap : ir::TypeKind::kList)) {
      out->type = expected->element();
      return out;
    }
    if (expected == nullptr) {
      error(diag::Code::kCannotInfer, node.span,
            fmt::format("the element type of this empty {} is unknown", is_map ? "map" : "list"))
          .with_label(is_map ? "`{}` of what?" : "`[]` of what?")
          .help(is_map ? "give the variable a type: `let m: map[str, int] = {}`"
                       : "give the variable a type: `let xs: list[int] = []`");
      return error_expr(node.span);
    }
    mismatch(node.span, expected, is_map ? types_->map(types_->str_type(), types_->error_type()) : expected,
             "an empty collection");
    return error_expr(node.span);
  }

  const ir::Type* want = expected && expected->is(ir::TypeKind::kOptional) ? expected->element() : expected;
  if (is_map) {
    const ir::Type* key = want && want->is(ir::TypeKind::kMap) ? want->args[0] : nullptr;
    const ir::Type* value = want && want->is(ir::TypeKind::kMap) ? want->args[1] : nullptr;
    for (std::size_t i = 0; i + 1 < node.operands.size(); i += 2) {
      ir::ExprPtr k = key ? expr_as(*node.operands[i], key, "a map key") : expr(*node.operands[i]);
      ir::ExprPtr v = value ? expr_as(*node.operands[i + 1], value, "a map value") : expr(*node.operands[i + 1]);
      if (!key) key = k->type;
      if (!value) value = v->type;
      out->operands.push_back(std::move(k));
      out->operands.push_back(std::move(v));
    }
    if (!key->is(ir::TypeKind::kInt) && !key->is(ir::TypeKind::kStr) && !key->is_error()) {
      error(diag::Code::kInvalidType, node.operands[0]->span,
            fmt::format("map keys must be `int` or `str`, not `{}`", ir::type_name(key)))
          .with_label("not a key type");
      return error_expr(node.span);
    }
    out->type = types_->map(key, value);
    return out;
  }
  const ir::Type* element = want && want->is(ir::TypeKind::kList) ? want->element() : nullptr;
  for (const ast::ExprPtr& item : node.operands) {
    ir::ExprPtr value = element ? expr_as(*item, element, "a list element") : expr(*item);
    if (!element) {
      element = value->type;
      if (element->is(ir::TypeKind::kVoid)) {
        error(diag::Code::kNoValue, value->span, "a list element returns nothing").with_label("no value");
        element = types_->error_type();
      }
    }
    out->operands.push_back(std::move(value));
  }
  out->type = types_->list(element);
  return out;
}

ir::ExprPtr Checker::record_literal(const ast::Expr& node) {
  const ir::RecordDef* record = program_->find_record(node.name);
  if (record == nullptr) {
    auto& d = error(diag::Code::kUnknownType, node.name_span, fmt::format("unknown type `{}`", node.name))
                  .with_label("not a record type");
    std::string hint = suggestion(node.name);
    if (!hint.empty()) d.help(hint);
    for (const ast::FieldInit& init : node.fields) expr(*init.value);
    return error_expr(node.span);
  }
  auto out = make(ir::ExprKind::kRecord, types_->record(record), node.span);
  std::vector<ir::ExprPtr> values(record->fields.size());
  bool ok = true;
  for (const ast::FieldInit& init : node.fields) {
    const ir::Field* field = record->field(init.name);
    if (field == nullptr) {
      error(diag::Code::kRecordFields, init.name_span, fmt::format("`{}` has no field `{}`", record->name, init.name))
          .with_label("unknown field");
      expr(*init.value);
      ok = false;
      continue;
    }
    std::size_t slot = static_cast<std::size_t>(field - record->fields.data());
    if (values[slot]) {
      error(diag::Code::kRecordFields, init.name_span, fmt::format("field `{}` is given twice", init.name))
          .with_label("again here");
      ok = false;
      continue;
    }
    values[slot] = expr_as(*init.value, field->type, fmt::format("field `{}` of `{}`", init.name, record->name));
  }
  std::string missing;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i]) continue;
    // An optional field may be left out; it is none.
    if (record->fields[i].type->is(ir::TypeKind::kOptional)) {
      values[i] = make(ir::ExprKind::kNoneLiteral, record->fields[i].type, node.span);
      continue;
    }
    missing += (missing.empty() ? "`" : ", `") + record->fields[i].name + "`";
  }
  if (!missing.empty()) {
    error(diag::Code::kRecordFields, node.span, fmt::format("`{}` is missing {}", record->name, missing))
        .with_label("every field without `?` must be given")
        .label(record->span, "declared here");
    ok = false;
  }
  if (!ok) return error_expr(node.span);
  out->operands = std::move(values);
  return out;
}

std::optional<ir::ForKind> Checker::iteration(const ir::Type* iterable, std::size_t pattern_size,
                                              std::vector<const ir::Type*>& bound, source::Span span) {
  bound.clear();
  if (iterable->is_error()) return std::nullopt;
  auto arity_error = [&](std::string_view what, std::size_t wanted) {
    error(diag::Code::kPatternArity, span,
          fmt::format("{} gives {} value{} per step, but the pattern has {}", what, wanted, wanted == 1 ? "" : "s",
                      pattern_size))
        .with_label("pattern does not match");
  };
  if (iterable->is(ir::TypeKind::kList)) {
    const ir::Type* element = iterable->element();
    if (pattern_size == 1) {
      bound.push_back(element);
    } else if (element->is(ir::TypeKind::kTuple) && element->args.size() == pattern_size) {
      bound = element->args;
    } else {
      arity_error(fmt::format("a `{}`", ir::type_name(iterable)), 1);
      return std::nullopt;
    }
    return ir::ForKind::kList;
  }
  if (iterable->is(ir::TypeKind::kMap)) {
    if (pattern_size == 1) {
      bound.push_back(iterable->args[0]);
      return ir::ForKind::kMapKeys;
    }
    if (pattern_size == 2) {
      bound = iterable->args;
      return ir::ForKind::kMapPairs;
    }
    arity_error("a map", 2);
    return std::nullopt;
  }
  if (iterable->is(ir::TypeKind::kChannel)) {
    if (task_ && task_->in_process) {
      error(diag::Code::kSharedInProcess, span, "a task in a worker process cannot receive from a channel")
          .with_label("channels live in the main process")
          .help(fmt::format("drop `in process` from `{}`: a cpu task on the CPU pool can read channels", task_->name));
    }
    if (pattern_size != 1) {
      arity_error("a channel", 1);
      return std::nullopt;
    }
    bound.push_back(iterable->element());
    return ir::ForKind::kChannel;
  }
  auto& d = error(diag::Code::kNotIterable, span, fmt::format("cannot iterate over `{}`", ir::type_name(iterable)))
                .with_label("not a list, map, range or channel");
  if (iterable->is(ir::TypeKind::kStr)) d.help("iterate over `bytes(s)` or `split(s, \" \")`");
  if (iterable->is(ir::TypeKind::kInt)) d.help("iterate over a range: `0..n`");
  return std::nullopt;
}

ir::ExprPtr Checker::concurrency(const ast::Expr& node, const ir::Type* expected) {
  switch (node.kind) {
    case ast::ExprKind::kGather: {
      auto out = make(ir::ExprKind::kGather, nullptr, node.span);
      out->settle = node.settle;
      std::vector<const ir::Type*> element_types;
      std::size_t void_count = 0;
      for (std::size_t i = 0; i < node.operands.size(); ++i) {
        const ir::Type* hint =
            expected && expected->is(ir::TypeKind::kTuple) && i < expected->args.size() && !node.settle
                ? expected->args[i]
                : nullptr;
        ir::ExprPtr element = expr(*node.operands[i], hint);
        if (hint && !element->type->is(ir::TypeKind::kVoid))
          element = coerce(std::move(element), hint, "a gathered value");
        if (element->type->is(ir::TypeKind::kVoid)) ++void_count;
        element_types.push_back(node.settle ? types_->result(element->type) : element->type);
        out->operands.push_back(std::move(element));
      }
      if (void_count == node.operands.size()) {
        if (node.settle) {
          error(diag::Code::kNoValue, node.span, "`gather settle` needs calls that return values")
              .with_label("these return nothing")
              .help("use `try { gather(…) } catch e { … }`, or give the tasks a result");
          return error_expr(node.span);
        }
        out->type = types_->void_type();
        return out;
      }
      if (void_count > 0) {
        if (node.settle) {
          for (const ir::ExprPtr& element : out->operands) {
            if (!element->type->is(ir::TypeKind::kVoid)) continue;
            error(diag::Code::kNoValue, element->span, "`gather settle` of a call that returns nothing")
                .with_label("returns nothing")
                .help("settle the calls that return values; gather this one beside them with a plain `gather(…)`");
          }
          return error_expr(node.span);
        }
        // Calls that return nothing run beside the others (a producer
        // beside its consumer); the value holds the others' results: a
        // tuple of them, or the one result itself. `let (_, n) = …` takes
        // it apart with a `_` in the place of each call without a result.
        std::vector<const ir::Type*> values;
        for (const ir::Type* type : element_types) {
          if (!type->is(ir::TypeKind::kVoid)) values.push_back(type);
        }
        out->type = values.size() == 1 ? values[0] : types_->tuple(std::move(values));
        return out;
      }
      out->type = types_->tuple(std::move(element_types));
      return out;
    }
    case ast::ExprKind::kRaceEach:
    case ast::ExprKind::kGatherEach: {
      bool race = node.kind == ast::ExprKind::kRaceEach;
      if (node.as_completed && !completed_iterable_) {
        error(diag::Code::kSyntaxError, node.span, "`gather … as completed` is the iterable of a `for` loop")
            .with_label("results as they complete need a loop to take them")
            .help("write `for x in gather f(y) for y in ys as completed { … }`, or drop `as completed`");
      }
      completed_iterable_ = false;
      auto out = make(race ? ir::ExprKind::kRaceEach : ir::ExprKind::kGatherEach, nullptr, node.span);
      out->settle = node.settle;
      ir::ExprPtr iterable = expr(*node.operands[1]);
      std::vector<const ir::Type*> bound;
      std::optional<ir::ForKind> kind = iteration(iterable->type, node.pattern.names.size(), bound, iterable->span);
      push_scope();
      refuse_nested(node.pattern, race ? "in `race … for`" : "in `gather … for`");
      for (std::size_t i = 0; i < node.pattern.names.size(); ++i) {
        const ir::Type* type = kind ? bound[i] : types_->error_type();
        out->bindings.push_back(declare_local(node.pattern.names[i], type, node.pattern.name_spans[i], false));
      }
      ir::ExprPtr body = expr(*node.operands[0]);
      pop_scope();
      ir::ExprPtr limit;
      if (node.operands[2]) limit = expr_as(*node.operands[2], types_->int_type(), "a gather limit");
      const ir::Type* element = body->type;
      if (race) {
        refuse_channel_operations(*body);
        if (kind == ir::ForKind::kChannel) {
          error(diag::Code::kNotIterable, iterable->span, "`race … for` cannot read a channel")
              .with_label("a race needs its competitors up front")
              .help("receive the values into a list first");
        }
        out->type = element;
      } else if (element->is(ir::TypeKind::kVoid)) {
        if (node.settle) {
          error(diag::Code::kNoValue, node.span, "`gather settle` needs calls that return values")
              .with_label("this returns nothing");
          return error_expr(node.span);
        }
        out->type = types_->void_type();
      } else {
        out->type = types_->list(node.settle ? types_->result(element) : element);
      }
      out->operands.push_back(std::move(body));
      out->operands.push_back(std::move(iterable));
      out->operands.push_back(std::move(limit));
      return out;
    }
    case ast::ExprKind::kRace: {
      auto out = make(ir::ExprKind::kRace, nullptr, node.span);
      // The first competitor with a value sets the type; `expected` only
      // guides it, as in `1.5 * race(f())`, where an int race meets a float
      // (the arithmetic converts it, the race does not). A declared optional
      // (`let x: int? = race(f(), g())`) is taken whole.
      const ir::Type* type = nullptr;
      bool without_value = false;
      for (const ast::ExprPtr& operand : node.operands) {
        ir::ExprPtr competitor = expr(*operand, type ? type : expected);
        if (competitor->type->is(ir::TypeKind::kVoid)) {
          without_value = true;
        } else if (type == nullptr) {
          type = competitor->type;
          if (expected && expected->is(ir::TypeKind::kOptional) && expected->element() == type) {
            type = expected;
            competitor = coerce(std::move(competitor), type, "a competitor in a race");
          }
        } else if (competitor->type != type) {
          competitor = coerce(std::move(competitor), type, "a competitor in a race");
        }
        out->operands.push_back(std::move(competitor));
      }
      if (type != nullptr && without_value && !type->is_error()) {
        // A competitor without a value may win (a server beside its client):
        // the race's value is then none.
        const ir::Type* optional = type->is(ir::TypeKind::kOptional) ? type : types_->optional(type);
        for (ir::ExprPtr& competitor : out->operands) {
          if (competitor->type->is(ir::TypeKind::kVoid)) {
            competitor = wrap(ir::ExprKind::kNoneAfter, std::move(competitor), optional);
          } else {
            competitor = coerce(std::move(competitor), optional, "a competitor in a race");
          }
        }
        type = optional;
      }
      for (const ir::ExprPtr& competitor : out->operands) refuse_channel_operations(*competitor);
      out->type = type ? type : (without_value ? types_->void_type() : types_->error_type());
      return out;
    }
    case ast::ExprKind::kTimeout:
    case ast::ExprKind::kTryElse: {
      bool is_timeout = node.kind == ast::ExprKind::kTimeout;
      const ast::Expr* fallback = is_timeout ? node.operands[2].get() : node.operands[1].get();
      auto out = make(is_timeout ? ir::ExprKind::kTimeout : ir::ExprKind::kTryElse, nullptr, node.span);
      ir::ExprPtr work = expr(*node.operands[0], expected);
      ir::ExprPtr limit;
      if (is_timeout) limit = expr_as(*node.operands[1], types_->duration_type(), "a timeout");
      const ir::Type* type = work->type;
      if (fallback != nullptr) {
        if (type->is(ir::TypeKind::kVoid)) {
          error(diag::Code::kNoValue, fallback->span, "`else` gives a value, but the work returns nothing")
              .with_label("a value for nothing")
              .help(is_timeout ? "drop the `else …`" : "use `try { … } catch e { }` for work without a result");
          return error_expr(node.span);
        }
        // `e timeout 2s else none` makes the result optional.
        bool makes_optional =
            fallback->kind == ast::ExprKind::kNoneLiteral && !type->is(ir::TypeKind::kOptional) && !type->is_error();
        if (makes_optional) {
          type = types_->optional(type);
          work = coerce(std::move(work), type, "the work");
        }
        ir::ExprPtr value = expr_as(*fallback, type, "the `else` value");
        out->operands.push_back(std::move(work));
        if (limit) out->operands.push_back(std::move(limit));
        out->operands.push_back(std::move(value));
      } else {
        out->operands.push_back(std::move(work));
        out->operands.push_back(std::move(limit));
        out->operands.push_back(nullptr);
      }
      out->type = type;
      return out;
    }
    default: return error_expr(node.span);
  }
}

}  // namespace taskc::check

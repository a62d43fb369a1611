// Statements of task bodies: locals and scopes, assignment and the write rules
// (constants, loop variables, shared values), loops, try/catch, with, return.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

// The AST's and the IR's assignment operators, mapped without a default so
// that -Wswitch catches one added to either.
ir::AssignOp to_ir(ast::AssignOp op) {
  switch (op) {
    case ast::AssignOp::kSet: return ir::AssignOp::kSet;
    case ast::AssignOp::kAdd: return ir::AssignOp::kAdd;
    case ast::AssignOp::kSub: return ir::AssignOp::kSub;
    case ast::AssignOp::kMul: return ir::AssignOp::kMul;
    case ast::AssignOp::kDiv: return ir::AssignOp::kDiv;
    case ast::AssignOp::kMod: return ir::AssignOp::kMod;
  }
  TASKC_UNREACHABLE("an AST assignment operator without an IR one");
}

}  // namespace

ir::LocalId Checker::declare_local(const std::string& name, const ir::Type* type, source::Span span, bool is_mutable) {
  if (name == kDiscard) {
    // `let (_, b) = …`: the value is bound to a local nobody can name, so
    // any number of `_` may share a block, and none can be read.
    ir::LocalId id{static_cast<std::uint32_t>(task_->locals.size())};
    task_->locals.push_back(ir::Local{name, type, span, is_mutable});
    return id;
  }
  auto& scope = scopes_.back();
  auto previous = scope.find(name);
  if (previous != scope.end() && !previous->second.guard_only) {
    error(diag::Code::kDuplicateLocal, span, fmt::format("`{}` is already defined in this block", name))
        .with_label("defined again")
        .label(task_->local(previous->second.id).span, "first defined here")
        .help(fmt::format("assign to it with `{} = …`, or choose another name", name));
  }
  ir::LocalId id{static_cast<std::uint32_t>(task_->locals.size())};
  task_->locals.push_back(ir::Local{name, type, span, is_mutable});
  scope[name] = LocalBinding{id, nullptr};
  return id;
}

ir::Block Checker::block(const ast::Block& node) {
  ir::Block out;
  push_scope();
  for (const ast::Stmt& s : node.stmts) {
    out.stmts.push_back(stmt(s));
    if (s.kind == ast::StmtKind::kIf) narrow_after(s, out.stmts.back());
    for (ir::Stmt& unpack : take_unpacks()) out.stmts.push_back(std::move(unpack));
  }
  pop_scope();
  return out;
}

void Checker::check_writable(const ir::Expr& target, source::Span span) {
  const ir::Expr* base = &target;
  while (base->kind == ir::ExprKind::kField || base->kind == ir::ExprKind::kIndex ||
         base->kind == ir::ExprKind::kTupleElement || base->kind == ir::ExprKind::kUnwrapOptional) {
    if (base->kind == ir::ExprKind::kIndex && base->operands[0]->type->is(ir::TypeKind::kStr)) {
      // s[i] is a copy of a byte: writing to it would change nothing.
      error(diag::Code::kInvalidAssignTarget, span, "a str cannot be changed in place")
          .with_label("a byte of a str")
          .help("build a new string: `s = s[..i] + \"x\" + s[i + 1..]`, or `replace(s, old, new)`");
      return;
    }
    base = base->operands[0].get();
  }
  switch (base->kind) {
    case ir::ExprKind::kLocal: {
      const ir::Local& local = task_->local(base->as<ir::LocalId>());
      if (!local.is_mutable) {
        error(diag::Code::kImmutable, span, fmt::format("`{}` cannot be changed", local.name))
            .with_label("written here")
            .label(local.span, "a loop variable, bound afresh on each step")
            .help("copy it into a variable of your own: `let y = x`");
      }
      return;
    }
    case ir::ExprKind::kConst:
      error(diag::Code::kImmutable, span,
            fmt::format("`{}` is a constant", program_->constant(base->as<ir::ConstId>()).name))
          .with_label("written here")
          .label(program_->constant(base->as<ir::ConstId>()).span, "declared `const` here");
      return;
    case ir::ExprKind::kShared: {
      for (ir::SharedId held : held_shared_) {
        if (held == base->as<ir::SharedId>()) return;
      }
      const ir::Shared& shared = program_->shared_value(base->as<ir::SharedId>());
      error(diag::Code::kSharedWriteOutsideWith, span,
            fmt::format("shared value `{}` is written outside `with {}`", shared.name, shared.name))
          .with_label("unguarded write")
          .label(shared.span, "declared `shared` here")
          .note("tasks run concurrently; an unguarded read-modify-write loses updates")
          .help(fmt::format("hold its lock while writing: `with {} {{ … }}`", shared.name));
      return;
    }
    default: return;
  }
}

ir::Stmt Checker::stmt(const ast::Stmt& node) {
  ir::Stmt out;
  out.span = node.span;
  switch (node.kind) {
    case ast::StmtKind::kLet: return let(node);
    case ast::StmtKind::kAssign: return assign(node);
    case ast::StmtKind::kIf: return if_stmt(node);
    case ast::StmtKind::kWhile:
      out.kind = ir::StmtKind::kWhile;
      out.value = expr_as(*node.value, types_->bool_type(), "a `while` condition");
      ++loop_depth_;
      out.body = block(node.body);
      --loop_depth_;
      return out;
    case ast::StmtKind::kFor: return for_loop(node);
    case ast::StmtKind::kBreak:
    case ast::StmtKind::kContinue:
      out.kind = node.kind == ast::StmtKind::kBreak ? ir::StmtKind::kBreak : ir::StmtKind::kContinue;
      if (loop_depth_ == 0) {
        error(diag::Code::kLoopControlOutsideLoop, node.span,
              fmt::format("`{}` outside a loop", node.kind == ast::StmtKind::kBreak ? "break" : "continue"))
            .with_label("not inside `for` or `while`");
      }
      return out;
    case ast::StmtKind::kReturn: return ret(node);
    case ast::StmtKind::kFail:
      out.kind = ir::StmtKind::kFail;
      out.value = expr_as(*node.value, types_->str_type(), "the message of `fail`");
      return out;
    case ast::StmtKind::kWith: return with(node);
    case ast::StmtKind::kTry: return try_stmt(node);
    case ast::StmtKind::kExpr:
      out.kind = ir::StmtKind::kExpr;
      out.value = expr(*node.value);
      return out;
  }
  return out;
}

// `let (_, n) = gather(feed(q), count(q))`: the pattern has a place for each
// call, and a call that returns nothing has `_` in it; the others bind the
// gather's value (a tuple of their results, or the one result itself).
void Checker::discard_nothing(const ast::Stmt& node, ir::Stmt& out, const ir::Type* type) {
  const std::vector<ir::ExprPtr>& calls = out.value->operands;
  std::size_t wanted = node.pattern.names.size();
  if (wanted != calls.size()) {
    error(diag::Code::kPatternArity, node.pattern.span,
          fmt::format("a pattern of {} names cannot take apart a gather of {} calls", wanted, calls.size()))
        .with_label("pattern")
        .note("a call that returns nothing has a `_` in its place");
    for (std::size_t i = 0; i < wanted; ++i) {
      out.bindings.push_back(
          declare_local(node.pattern.names[i], types_->error_type(), node.pattern.name_spans[i], true));
    }
    unpacks_ = unpack_nested(node.pattern, out.bindings, true);
    return;
  }
  // Not the type's arity: the one result may itself be a tuple.
  auto values = std::count_if(calls.begin(), calls.end(),
                              [](const ir::ExprPtr& call) { return !call->type->is(ir::TypeKind::kVoid); });
  std::size_t next = 0;
  std::vector<ir::LocalId> places;
  bool nested_nothing = false;
  for (std::size_t i = 0; i < wanted; ++i) {
    const std::string& name = node.pattern.names[i];
    bool nested = node.pattern.has_nested() && node.pattern.nested[i].is_tuple;
    if (calls[i]->type->is(ir::TypeKind::kVoid)) {
      if (nested) {
        nested_nothing = true;
        error(diag::Code::kNoValue, node.pattern.name_spans[i], "this pattern would take apart nothing")
            .with_label("bound to a call that returns nothing")
            .label(calls[i]->span, "returns nothing")
            .help("write `_` in its place");
        ast::for_each_name(node.pattern.nested[i], [&](const std::string& nested_name, source::Span span) {
          declare_local(nested_name, types_->error_type(), span, true);
        });
      } else if (name != kDiscard) {
        error(diag::Code::kNoValue, node.pattern.name_spans[i], fmt::format("`{}` would hold nothing", name))
            .with_label("bound to a call that returns nothing")
            .label(calls[i]->span, "returns nothing")
            .help("write `_` in its place");
      }
      continue;
    }
    const ir::Type* element = values == 1 ? type : type->args[next];
    ++next;
    out.bindings.push_back(declare_local(name, element, node.pattern.name_spans[i], true));
    places.push_back(out.bindings.back());
  }
  if (nested_nothing || !node.pattern.has_nested()) return;
  // Take apart the places with values, as a pattern of those alone.
  ast::Pattern valued;
  for (std::size_t i = 0; i < wanted; ++i) {
    if (calls[i]->type->is(ir::TypeKind::kVoid)) continue;
    valued.names.push_back(node.pattern.names[i]);
    valued.name_spans.push_back(node.pattern.name_spans[i]);
    valued.nested.push_back(node.pattern.nested[i]);
  }
  unpacks_ = unpack_nested(valued, places, true);
}

ir::Stmt Checker::let(const ast::Stmt& node) {
  ir::Stmt out;
  out.kind = ir::StmtKind::kLet;
  out.span = node.span;
  const ir::Type* declared = node.declared_type ? resolve_type(*node.declared_type) : nullptr;
  out.value = declared ? expr_as(*node.value, declared, "the value of this `let`") : expr(*node.value);
  const ir::Type* type = declared ? declared : out.value->type;
  if (type->is(ir::TypeKind::kVoid)) {
    error(diag::Code::kNoValue, node.value->span, "this returns nothing, so there is nothing to bind")
        .with_label("no value")
        .help("call it as a statement, without `let`");
    type = types_->error_type();
  }
  if (!node.pattern.is_tuple) {
    out.bindings.push_back(declare_local(node.pattern.names.at(0), type, node.pattern.name_spans.at(0), true));
    return out;
  }
  std::size_t wanted = node.pattern.names.size();
  if (!declared && !type->is_error() && ir::gathers_nothing(*out.value)) {
    discard_nothing(node, out, type);
    return out;
  }
  bool fits = type->is(ir::TypeKind::kTuple) && type->args.size() == wanted;
  if (!fits && !type->is_error()) {
    error(diag::Code::kPatternArity, node.pattern.span,
          fmt::format("a pattern of {} names cannot take apart a `{}`", wanted, ir::type_name(type)))
        .with_label("pattern")
        .note(type->is(ir::TypeKind::kTuple) ? fmt::format("the tuple has {} elements", type->args.size())
                                             : "only tuples can be taken apart");
  }
  for (std::size_t i = 0; i < wanted; ++i) {
    const ir::Type* element = fits ? type->args[i] : types_->error_type();
    out.bindings.push_back(declare_local(node.pattern.names[i], element, node.pattern.name_spans[i], true));
  }
  unpacks_ = unpack_nested(node.pattern, out.bindings, true);
  return out;
}

// `total = 5` where no `total` is in scope, nor defined further down a flow.
bool Checker::assigns_undeclared(const ast::Expr& target) const {
  return target.kind == ast::ExprKind::kName && find_local(target.name) == nullptr &&
         symbols_.find(target.name) == symbols_.end() && !ir::find_builtin(target.name) &&
         later_flow_lets_.find(target.name) == later_flow_lets_.end() && target.name != kDiscard;
}

ir::Stmt Checker::assign(const ast::Stmt& node) {
  ir::Stmt out;
  out.kind = ir::StmtKind::kAssign;
  out.span = node.span;
  out.assign_op = to_ir(node.assign_op);
  if (node.assign_op == ast::AssignOp::kSet && assigns_undeclared(*node.target)) {
    // Python declares by assigning; here `let` does, and the value is still checked.
    error(diag::Code::kUnknownName, node.target->span, fmt::format("unknown name `{}`", node.target->name))
        .with_label("assigned before any `let` declares it")
        .help(fmt::format("declare it: `let {} = …`", node.target->name));
    out.target = error_expr(node.target->span);
    out.value = expr(*node.value);
    // Declared from here on, so that its later uses do not repeat the error.
    const ir::Type* type = out.value->type->is(ir::TypeKind::kVoid) ? types_->error_type() : out.value->type;
    declare_local(node.target->name, type, node.target->span, true);
    return out;
  }
  out.target = expr(*node.target);
  // `p = other` where `p.tags` is known to hold a value would make it none.
  if (std::string path = place_path(*node.target); !path.empty()) {
    std::string below = narrowed_below(path);
    if (!below.empty()) {
      error(diag::Code::kTypeMismatch, node.target->span,
            fmt::format("`{}` is given a new value here, where `{}` is known to hold one", path, below))
          .with_label("may make it none")
          .note("a test of `none` above reads the field as its inner type from there on")
          .help(fmt::format("assign it outside that block, or keep `{}` in a variable of its own", below));
    }
  }
  // A narrowed optional is assigned as the optional it is, but only values:
  // where it is read as its inner type, it must never become none.
  const ir::Type* narrowed = nullptr;
  if (out.target->kind == ir::ExprKind::kUnwrapOptional) {
    narrowed = out.target->type;
    out.target = std::move(out.target->operands[0]);
  }
  check_writable(*out.target, node.target->span);
  const ir::Type* type = out.target->type;
  if (out.assign_op == ir::AssignOp::kSet) {
    ir::ExprPtr value = expr(*node.value, type);
    if (narrowed != nullptr && value->type->is(ir::TypeKind::kOptional)) {
      error(diag::Code::kTypeMismatch, node.value->span,
            fmt::format("this `{}` may be none, but here `{}` is known to hold a value", ir::type_name(value->type),
                        ir::type_name(narrowed)))
          .with_label("may be none")
          .note(
              "a test of `none` above (`if x != none`, or `if x == none { return }`) reads it as its inner type "
              "from there on")
          .help("assign it outside that block, or keep the optional in another variable");
    }
    out.value = coerce(std::move(value), type, "the assigned value");
    return out;
  }
  // `x += e` is `x = x + e`, with x evaluated once; the result must keep x's type.
  static constexpr ir::BinaryOp kOps[] = {ir::BinaryOp::kAdd, ir::BinaryOp::kAdd, ir::BinaryOp::kSub,
                                          ir::BinaryOp::kMul, ir::BinaryOp::kDiv, ir::BinaryOp::kMod};
  ir::BinaryOp op = kOps[static_cast<int>(out.assign_op)];
  // The value x has now: a narrowed x is read through the narrowing (then the
  // statement becomes `x = x + e`); otherwise a stand-in of x's type.
  const ir::Type* current = narrowed != nullptr ? narrowed : type;
  ir::ExprPtr value = expr(*node.value, current);
  if (current->is_error() || value->type->is_error()) {
    out.value = std::move(value);
    return out;
  }
  ir::ExprPtr left = narrowed != nullptr ? expr(*node.target) : make(ir::ExprKind::kLocal, type, out.target->span);
  const ir::Type* value_type = value->type;
  ir::ExprPtr combined = arithmetic(op, std::move(left), std::move(value), node.span, node.span);
  if (!combined->type->is_error() && combined->type != current) {
    error(diag::Code::kTypeMismatch, node.span,
          fmt::format("`{}=` would turn this `{}` into a `{}`", ir::binary_op_text(op), ir::type_name(current),
                      ir::type_name(combined->type)))
        .with_label("changes the type")
        .help("declare the variable as `float`, or convert the right side");
  }
  if (narrowed != nullptr && !combined->type->is_error()) {
    out.assign_op = ir::AssignOp::kSet;
    out.value = coerce(std::move(combined), type, "the assigned value");
    return out;
  }
  // Keep the right side as written; codegen applies the operator to the target.
  if (combined->kind == ir::ExprKind::kBinary) {
    out.value = std::move(combined->operands[1]);
  } else {
    out.value = error_expr(node.value->span);
    out.value->type = value_type;
  }
  return out;
}

ir::Stmt Checker::for_loop(const ast::Stmt& node) {
  ir::Stmt out;
  out.kind = ir::StmtKind::kFor;
  out.span = node.span;
  bool completed = node.value->kind == ast::ExprKind::kGatherEach && node.value->as_completed;
  completed_iterable_ = completed;
  out.value = expr(*node.value);
  completed_iterable_ = false;
  std::vector<const ir::Type*> bound;
  std::optional<ir::ForKind> kind = iteration(out.value->type, node.pattern.names.size(), bound, node.value->span);
  out.for_kind = out.value->kind == ir::ExprKind::kRange ? ir::ForKind::kRange : kind.value_or(ir::ForKind::kList);
  if (completed && out.value->kind == ir::ExprKind::kGatherEach) out.for_kind = ir::ForKind::kCompleted;
  push_scope();
  for (std::size_t i = 0; i < node.pattern.names.size(); ++i) {
    const ir::Type* type = kind ? bound[i] : types_->error_type();
    out.bindings.push_back(declare_local(node.pattern.names[i], type, node.pattern.name_spans[i], false));
  }
  // `for (i, (word, n)) in …`: each step takes the nested places apart first.
  std::vector<ir::Stmt> unpacks = unpack_nested(node.pattern, out.bindings, false);
  ++loop_depth_;
  out.body = block(node.body);
  --loop_depth_;
  out.body.stmts.insert(out.body.stmts.begin(), std::make_move_iterator(unpacks.begin()),
                        std::make_move_iterator(unpacks.end()));
  pop_scope();
  return out;
}

ir::Stmt Checker::with(const ast::Stmt& node) {
  ir::Stmt out;
  out.span = node.span;
  out.kind = ir::StmtKind::kWithSemaphore;
  if (const LocalBinding* local = find_local(node.name)) {
    error(diag::Code::kBadWithTarget, node.name_span,
          fmt::format("`with` needs a semaphore or a shared value; `{}` is a variable", node.name))
        .with_label("a local variable")
        .label(task_->local(local->id).span, "defined here")
        .note("declare `semaphore NAME = N` or `shared NAME: T = …` at the top level");
    out.body = block(node.body);
    return out;
  }
  const Symbol* symbol = find_symbol(node.name);
  if (symbol &&
      (symbol->kind == Symbol::Kind::kSemaphore || symbol->kind == Symbol::Kind::kRateLimit ||
       symbol->kind == Symbol::Kind::kShared) &&
      task_->in_process) {
    error(diag::Code::kSharedInProcess, node.name_span,
          fmt::format("`with {}` cannot run in a worker process", node.name))
        .with_label("lives in the main process")
        .help("hold it in the caller, or add `uses` to the task so the caller acquires it");
    out.body = block(node.body);
    return out;
  }
  if (symbol && symbol->kind == Symbol::Kind::kSemaphore) {
    out.semaphore = ir::SemaphoreId{symbol->index};
    out.body = block(node.body);
    return out;
  }
  if (symbol && symbol->kind == Symbol::Kind::kRateLimit) {
    // Waits for a token, then runs the block (nothing is held during it).
    out.kind = ir::StmtKind::kWithRateLimit;
    out.rate_limit = ir::RateLimitId{symbol->index};
    out.body = block(node.body);
    return out;
  }
  if (symbol && symbol->kind == Symbol::Kind::kShared) {
    out.kind = ir::StmtKind::kWithShared;
    out.shared = ir::SharedId{symbol->index};
    held_shared_.push_back(out.shared);
    out.body = block(node.body);
    held_shared_.pop_back();
    return out;
  }
  auto& d = error(symbol ? diag::Code::kBadWithTarget : diag::Code::kUnknownName, node.name_span,
                  symbol ? fmt::format("`with` needs a semaphore, rate limit or shared value; `{}` is none of them",
                                       node.name)
                         : fmt::format("unknown semaphore, rate limit or shared value `{}`", node.name))
                .with_label("not a semaphore, rate limit or shared value");
  std::string hint = symbol ? std::string() : suggestion(node.name);
  if (!hint.empty()) d.help(hint);
  out.body = block(node.body);
  return out;
}

ir::Stmt Checker::try_stmt(const ast::Stmt& node) {
  ir::Stmt out;
  out.kind = ir::StmtKind::kTry;
  out.span = node.span;
  out.body = block(node.body);
  for (const ast::CatchClause& clause : node.catches) {
    ir::Catch c;
    c.span = clause.span;
    push_scope();
    // One lower-case name that is not a kind binds the error: `catch e { … }`.
    bool binding = clause.names.size() == 1 && !ir::find_error_kind(clause.names[0]) && !clause.names[0].empty() &&
                   !(clause.names[0][0] >= 'A' && clause.names[0][0] <= 'Z');
    if (binding) {
      c.binding = declare_local(clause.names[0], types_->record(error_record_), clause.name_spans[0], false);
    } else {
      for (std::size_t i = 0; i < clause.names.size(); ++i) {
        std::optional<ir::ErrorKind> kind = ir::find_error_kind(clause.names[i]);
        if (!kind) {
          auto& d = error(diag::Code::kUnknownErrorKind, clause.name_spans[i],
                          fmt::format("unknown error kind `{}`", clause.names[i]))
                        .with_label("not an error kind")
                        .note("the kinds are " + ir::error_kind_list() +
                              "; `catch e { … }` with a lower-case name catches every kind");
          std::string hint = suggestion(clause.names[i]);
          if (!hint.empty()) d.help(hint);
          continue;
        }
        c.kinds |= ir::bit(*kind);
      }
    }
    c.body = block(clause.body);
    pop_scope();
    out.catches.push_back(std::move(c));
  }
  return out;
}

ir::Stmt Checker::ret(const ast::Stmt& node) {
  ir::Stmt out;
  out.kind = ir::StmtKind::kReturn;
  out.span = node.span;
  const ir::Type* result = task_->result;
  if (node.value == nullptr) {
    if (!result->is(ir::TypeKind::kVoid) && !result->is_error()) {
      error(diag::Code::kBadReturn, node.span,
            fmt::format("`{}` must return a value of type `{}`", task_->name, ir::type_name(result)))
          .with_label("returns nothing")
          .label(task_->span, "declared with a result");
    }
    return out;
  }
  if (result->is(ir::TypeKind::kVoid)) {
    out.value = expr(*node.value);
    error(diag::Code::kBadReturn, node.value->span, fmt::format("`{}` does not return a value", task_->name))
        .with_label("a value")
        .label(task_->span, "declared without `-> T`")
        .help(fmt::format("declare the result: `-> {}`", ir::type_name(out.value->type)));
    return out;
  }
  out.value = expr_as(*node.value, result, fmt::format("the result of `{}`", task_->name));
  return out;
}

bool Checker::always_returns(const ir::Block& block) const {
  return always_leaves(block, false);
}

bool Checker::never_falls_through(const ir::Block& block) const {
  return always_leaves(block, true);
}

bool Checker::always_leaves(const ir::Block& block, bool by_loop_exits) const {
  for (const ir::Stmt& s : block.stmts) {
    switch (s.kind) {
      case ir::StmtKind::kReturn:
      case ir::StmtKind::kFail: return true;
      case ir::StmtKind::kBreak:
      case ir::StmtKind::kContinue:
        if (by_loop_exits) return true;
        break;
      case ir::StmtKind::kIf:
        if (s.else_body && always_leaves(s.body, by_loop_exits) && always_leaves(*s.else_body, by_loop_exits)) {
          return true;
        }
        break;
      case ir::StmtKind::kWithSemaphore:
      case ir::StmtKind::kWithRateLimit:
      case ir::StmtKind::kWithShared:
        if (always_leaves(s.body, by_loop_exits)) return true;
        break;
      case ir::StmtKind::kTry: {
        bool all = always_leaves(s.body, by_loop_exits);
        for (const ir::Catch& c : s.catches) all = all && always_leaves(c.body, by_loop_exits);
        if (all) return true;
        break;
      }
      case ir::StmtKind::kWhile:
        // `while true { … }` without a break only leaves by returning.
        if (s.value && s.value->kind == ir::ExprKind::kBoolLiteral && s.value->as<bool>()) {
          bool has_break = false;
          std::vector<const ir::Block*> pending{&s.body};
          while (!pending.empty()) {
            const ir::Block* b = pending.back();
            pending.pop_back();
            for (const ir::Stmt& inner : b->stmts) {
              if (inner.kind == ir::StmtKind::kBreak) has_break = true;
              // A break in a nested loop leaves only that loop.
              if (inner.kind == ir::StmtKind::kIf || inner.kind == ir::StmtKind::kWithShared ||
                  inner.kind == ir::StmtKind::kWithSemaphore || inner.kind == ir::StmtKind::kWithRateLimit ||
                  inner.kind == ir::StmtKind::kTry) {
                pending.push_back(&inner.body);
                if (inner.else_body) pending.push_back(&*inner.else_body);
                for (const ir::Catch& c : inner.catches) pending.push_back(&c.body);
              }
            }
          }
          if (!has_break) return true;
        }
        break;
      default: break;
    }
  }
  return false;
}

}  // namespace taskc::check

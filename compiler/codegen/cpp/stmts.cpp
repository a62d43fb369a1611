// Statements of task bodies, one C++ statement (or block) each, preceded by
// a #line directive back to the .task source.
#include <fmt/format.h>
#include <algorithm>

#include "compiler/codegen/cpp/emitter.hpp"
#include "compiler/ir/uses.hpp"

namespace taskc::codegen {

std::string CppEmitter::local(ir::LocalId id) const {
  auto hoisted = hoisted_.find(id);
  if (hoisted != hoisted_.end()) return hoisted->second;
  auto declared = local_names_.find(id);
  TASKC_CHECK(declared != local_names_.end(), "a local used before its declaration: " + task_->local(id).name);
  return declared->second;
}

std::string CppEmitter::declare(ir::LocalId id) {
  TASKC_CHECK(!scopes_.empty(), "a local declared outside every scope");
  std::string name = local_identifier(task_->local(id).name);
  bool visible = std::any_of(scopes_.begin(), scopes_.end(), [&](const auto& scope) { return scope.count(name); });
  if (visible) name += "_s" + std::to_string(++shadow_counter_) + "_";
  scopes_.back().insert(name);
  local_names_[id] = name;
  return name;
}

void CppEmitter::return_stmt(const std::string& value) {
  store_shared_left(0);
  if (return_exits_.empty()) {
    out_->line(value.empty() ? "co_return;" : "co_return " + value + ";");
    return;
  }
  const ReturnExit& exit = return_exits_.back();
  out_->line("{");
  {
    Printer::Indent indent(*out_);
    out_->print(exit.keep, {{"v", value}});
    out_->line(exit.leave);
  }
  out_->line("}");
}

std::string CppEmitter::loop_stop_token() {
  // Bound once before the loop: reaching it through the context on every
  // step reloads the token's address (the atomic load in the check forbids
  // keeping it in a register), which made a tight loop five times slower.
  std::string token = fresh("stop");
  out_->print("const taskrt::StopToken& $t$ = (co_await taskrt::current_context()).stop_token();", {{"t", token}});
  return token;
}

std::string CppEmitter::cancellation_check(const std::string& token) const {
  // A loop back-edge: a cancelled task stops here (runtime.md, "Cancellation").
  return "taskrt::check_cancelled(" + token + ");";
}

void CppEmitter::flush_prelude() {
  for (const std::string& statement : prelude_) out_->lines(statement);
  prelude_.clear();
}

void CppEmitter::block(const ir::Block& b) {
  LocalScope scope(*this);
  for (const ir::Stmt& s : b.stmts) stmt(s);
}

namespace {

// `(a == b)` as a condition: C++ compilers warn about `if ((a == b))`.
std::string condition_text(std::string text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return text;
  int depth = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return text;  // the first group closes early: `(a) + (b)`
  }
  return text.substr(1, text.size() - 2);
}

}  // namespace

// `if … else if … else if …` as C++ writes it, flat: nesting each `else if`
// in the one before would pass C++ compilers' limit on nested braces (256)
// long before the language's limit on a chain. A condition that needs
// statements first (a spilled temporary) opens a nested `else { … }`.
void CppEmitter::if_chain(const ir::Stmt& first) {
  std::string condition = condition_text(expr(*first.value));
  flush_prelude();
  out_->print("if ($c$) {", {{"c", condition}});
  const ir::Stmt* current = &first;
  int nested = 0;  // `else {` blocks opened for conditions with statements
  while (true) {
    {
      Printer::Indent indent(*out_);
      block(current->body);
    }
    if (!current->else_body) break;
    const ir::Block& otherwise = *current->else_body;
    if (otherwise.stmts.size() != 1 || otherwise.stmts[0].kind != ir::StmtKind::kIf) {
      out_->line("} else {");
      Printer::Indent indent(*out_);
      block(otherwise);
      break;
    }
    const ir::Stmt& next = otherwise.stmts[0];
    std::string directive = line_directive(next.span);
    std::string next_condition = condition_text(expr(*next.value));
    if (prelude_.empty()) {
      out_->line("}");
      if (!directive.empty()) out_->line(directive);
      out_->print("else if ($c$) {", {{"c", next_condition}});
    } else {
      out_->line("} else {");
      out_->indent();
      ++nested;
      if (!directive.empty()) out_->line(directive);
      flush_prelude();
      out_->print("if ($c$) {", {{"c", next_condition}});
    }
    current = &next;
  }
  out_->line("}");
  for (; nested > 0; --nested) {
    out_->outdent();
    out_->line("}");
  }
}

void CppEmitter::stmt(const ir::Stmt& s) {
  std::string directive = line_directive(s.span);
  if (!directive.empty()) out_->line(directive);
  switch (s.kind) {
    case ir::StmtKind::kLet: return let(s);
    case ir::StmtKind::kAssign: return assign(s);
    case ir::StmtKind::kIf: return if_chain(s);
    case ir::StmtKind::kWhile: {
      std::string token = loop_stop_token();
      std::string condition = expr(*s.value);
      if (prelude_.empty()) {
        out_->print("while ($c$) {", {{"c", condition}});
      } else {
        // The condition needs statements first: evaluate it at the top of each step.
        out_->line("while (true) {");
        out_->indent();
        flush_prelude();
        out_->print("if (!($c$)) break;", {{"c", condition}});
        out_->outdent();
      }
      {
        Printer::Indent indent(*out_);
        out_->line(cancellation_check(token));
        loop_body(s.body);
      }
      out_->line("}");
      return;
    }
    case ir::StmtKind::kFor: return for_loop(s);
    case ir::StmtKind::kBreak:
      store_shared_left(loop_shared_depth_.back());
      out_->line("break;");
      return;
    case ir::StmtKind::kContinue:
      store_shared_left(loop_shared_depth_.back());
      out_->line("continue;");
      return;
    case ir::StmtKind::kReturn: {
      std::string value = s.value ? expr(*s.value) : std::string();
      flush_prelude();
      return_stmt(value);
      return;
    }
    case ir::StmtKind::kFail: {
      std::string message = expr(*s.value);
      flush_prelude();
      out_->print("throw taskrt::FailedError($m$);", {{"m", message}});
      return;
    }
    case ir::StmtKind::kWithSemaphore: {
      out_->line("{");
      {
        Printer::Indent indent(*out_);
        out_->print("auto $p$ = co_await $s$.acquire(1, $site$);",
                    {{"p", fresh("permit")},
                     {"s", identifier(program_.semaphore(s.semaphore).name)},
                     {"site", quoted(wait_sites_.with_semaphore(*task_, s.semaphore, s.span))}});
        block(s.body);
      }
      out_->line("}");
      return;
    }
    case ir::StmtKind::kWithRateLimit:
      // A token, then the block: nothing is held while it runs.
      out_->print("co_await $r$.acquire();", {{"r", identifier(program_.rate_limit(s.rate_limit).name)}});
      out_->line("{");
      {
        Printer::Indent indent(*out_);
        block(s.body);
      }
      out_->line("}");
      return;
    case ir::StmtKind::kWithShared: return with_shared(s);
    case ir::StmtKind::kTry: return try_stmt(s);
    case ir::StmtKind::kExpr: {
      std::string value = expr(*s.value);
      flush_prelude();
      out_->line(value + ";");
      return;
    }
  }
}

void CppEmitter::let(const ir::Stmt& s) {
  std::string value = expr(*s.value);
  flush_prelude();
  if (s.bindings.size() == 1) {
    ir::LocalId id = s.bindings[0];
    if (hoisted_.count(id)) {
      out_->print("$name$.emplace($v$);", {{"name", local_names_.at(id)}, {"v", value}});
    } else {
      out_->print("$t$ $name$ = $v$;", {{"t", type(task_->local(id).type)}, {"name", declare(id)}, {"v", value}});
    }
    return;
  }
  // let (a, b) = e: take the tuple apart.
  std::string tuple = fresh("tuple");
  out_->print("auto $t$ = $v$;", {{"t", tuple}, {"v", value}});
  for (std::size_t i = 0; i < s.bindings.size(); ++i) {
    ir::LocalId id = s.bindings[i];
    std::string element = fmt::format("std::get<{}>(std::move({}))", i, tuple);
    if (hoisted_.count(id)) {
      out_->print("$name$.emplace($v$);", {{"name", local_names_.at(id)}, {"v", element}});
    } else {
      out_->print("$t$ $name$ = $v$;", {{"t", type(task_->local(id).type)}, {"name", declare(id)}, {"v", element}});
    }
  }
}

void CppEmitter::assign(const ir::Stmt& s) {
  std::string value = expr(*s.value);
  flush_prelude();
  const ir::Expr& target = *s.target;
  if (s.assign_op == ir::AssignOp::kSet) {
    // Only `m[k] = v` inserts a map entry; every read of one that is not there fails.
    bool inserts = target.kind == ir::ExprKind::kIndex && target.operands[0]->type->is(ir::TypeKind::kMap);
    std::string place = inserts
                            ? fmt::format("taskrt::slot({}, {})", expr(*target.operands[0]), expr(*target.operands[1]))
                            : expr(target);
    flush_prelude();
    out_->print("$t$ = $v$;", {{"t", place}, {"v", value}});
    return;
  }
  static constexpr ir::BinaryOp kOps[] = {ir::BinaryOp::kAdd, ir::BinaryOp::kAdd, ir::BinaryOp::kSub,
                                          ir::BinaryOp::kMul, ir::BinaryOp::kDiv, ir::BinaryOp::kMod};
  ir::BinaryOp op = kOps[static_cast<int>(s.assign_op)];
  std::string place = expr(target);
  flush_prelude();
  if (target.kind == ir::ExprKind::kLocal || target.kind == ir::ExprKind::kShared) {
    // A variable: `x += e` is `x = x + e` with the same checked operators.
    out_->print("$t$ = $c$;",
                {{"t", place}, {"c", operation(op, target.type, s.value->type, target.type, place, value)}});
    return;
  }
  // An element or a field: evaluated once, through a reference.
  std::string reference = fresh("place");
  std::string computed = operation(op, target.type, s.value->type, target.type, reference, value);
  out_->print("{ auto& $p$ = $t$; $p$ = $c$; }", {{"p", reference}, {"t", place}, {"c", computed}});
}

void CppEmitter::completed_loop(const ir::Stmt& s) {
  // Results as they complete. However the body ends (its end, break, return,
  // a failure), finish() cancels the calls still running and waits for them
  // before the loop is left: a return is kept and made after it.
  EachCall each = each_call(*s.value);
  flush_prelude();
  LocalScope scope(*this);
  std::string stream = fresh("completed");
  std::string failure = fresh("failure");
  bool returns = ir::contains_return(s.body);
  std::string returned = returns ? fresh("returned") : std::string();
  std::string after = returns ? fresh("after") : std::string();
  bool has_value = !task_->result->is(ir::TypeKind::kVoid);
  out_->line("{");
  out_->indent();
  out_->print("auto $c$ = taskrt::$fn$($items$, $each$, $limit$);",
              {{"c", stream},
               {"fn", s.value->settle ? "as_completed_settled" : "as_completed"},
               {"items", each.iterable},
               {"each", each.element},
               {"limit", each.limit}});
  out_->print("std::exception_ptr $f$;", {{"f", failure}});
  if (returns) {
    out_->print(has_value ? "std::optional<$t$> $r$;" : "bool $r$ = false;",
                {{"t", type(task_->result)}, {"r", returned}});
  }
  out_->line("try {");
  {
    Printer::Indent indent(*out_);
    std::string next = fresh("next");
    out_->line("while (true) {");
    out_->indent();
    out_->print("auto $n$ = co_await $c$.next();\nif (!$n$) break;", {{"n", next}, {"c", stream}});
    if (s.bindings.size() == 1) {
      out_->print("auto $x$ = std::move(*$n$);", {{"x", declare(s.bindings[0])}, {"n", next}});
    } else {
      for (std::size_t i = 0; i < s.bindings.size(); ++i) {
        out_->print("auto $x$ = std::get<$i$>(*$n$);",
                    {{"x", declare(s.bindings[i])}, {"i", std::to_string(i)}, {"n", next}});
      }
    }
    if (returns) {
      return_exits_.push_back({has_value ? returned + ".emplace($v$);" : returned + " = true;", "goto " + after + ";"});
    }
    loop_body(s.body);
    if (returns) return_exits_.pop_back();
    out_->outdent();
    out_->line("}");
  }
  out_->print("} catch (...) {\n  $f$ = std::current_exception();\n}", {{"f", failure}});
  if (returns) out_->print("$a$:", {{"a", after}});
  out_->print("co_await $c$.finish($f$);", {{"c", stream}, {"f", failure}});
  if (returns) {
    out_->print("if ($r$) {", {{"r", returned}});
    {
      Printer::Indent indent(*out_);
      return_stmt(has_value ? "std::move(*" + returned + ")" : std::string());
    }
    out_->line("}");
  }
  out_->outdent();
  out_->line("}");
}

void CppEmitter::for_loop(const ir::Stmt& s) {
  if (s.for_kind == ir::ForKind::kCompleted) return completed_loop(s);
  std::string token = loop_stop_token();
  // The loop's variables live in the loop statement's scope.
  LocalScope scope(*this);
  if (std::optional<IntBounds> range = int_range(*s.value)) {
    // a..b and range(…): counted, no list. IntRange counts steps, so that
    // `a..=9223372036854775807` ends where `++i` would overflow.
    flush_prelude();
    out_->print("for (std::int64_t $i$ : taskrt::IntRange($a$, $e$$inclusive$)) {",
                {{"i", declare(s.bindings[0])},
                 {"a", range->start},
                 {"e", range->end},
                 {"inclusive", range->inclusive ? ", true" : ""}});
    return for_body(s, token);
  }
  std::string items = expr(*s.value);
  flush_prelude();
  if (s.for_kind == ir::ForKind::kChannel) {
    // Not `while (auto v = co_await …)`: GCC 12 destroys a variable declared
    // in a condition with co_await twice.
    std::string value = fresh("received");
    out_->line("while (true) {");
    out_->indent();
    out_->print("auto $v$ = co_await $ch$.recv($site$);\nif (!$v$) break;\nauto $x$ = std::move(*$v$);",
                {{"v", value},
                 {"ch", items},
                 {"site", quoted(wait_sites_.receive(*task_, *s.value, s.span))},
                 {"x", declare(s.bindings[0])}});
    out_->outdent();
  } else {
    // A variable the body does not change is walked where it is; otherwise
    // a copy is (the body may change the collection it walks). A value
    // computed for the loop is moved in, not copied.
    std::string copy = fresh("items");
    out_->print(walks_in_place(s) ? "const auto& $c$ = $items$;" : "const auto $c$ = $items$;",
                {{"c", copy}, {"items", items}});
    if (s.for_kind == ir::ForKind::kMapPairs) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      out_->print("const auto& $k$ = $e$.first;\nconst auto& $v$ = $e$.second;",
                  {{"k", declare(s.bindings[0])}, {"v", declare(s.bindings[1])}, {"e", entry}});
      out_->outdent();
    } else if (s.for_kind == ir::ForKind::kMapKeys) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      out_->print("const auto& $k$ = $e$.first;", {{"k", declare(s.bindings[0])}, {"e", entry}});
      out_->outdent();
    } else if (s.bindings.size() > 1) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      for (std::size_t i = 0; i < s.bindings.size(); ++i) {
        out_->print("const auto& $x$ = std::get<$i$>($e$);",
                    {{"x", declare(s.bindings[i])}, {"i", std::to_string(i)}, {"e", entry}});
      }
      out_->outdent();
    } else {
      out_->print("for (const auto& $x$ : $c$) {", {{"x", declare(s.bindings[0])}, {"c", copy}});
    }
  }
  for_body(s, token);
}

bool CppEmitter::walks_in_place(const ir::Stmt& loop) {
  if (loop.value->kind != ir::ExprKind::kLocal) return false;
  ir::Uses uses;
  ir::collect_uses(loop.body, uses);
  return uses.writes.count(loop.value->as<ir::LocalId>()) == 0;
}

void CppEmitter::for_body(const ir::Stmt& s, const std::string& token) {
  {
    Printer::Indent indent(*out_);
    out_->line(cancellation_check(token));
    loop_body(s.body);
  }
  out_->line("}");
}

void CppEmitter::loop_body(const ir::Block& body) {
  loop_shared_depth_.push_back(open_shared_.size());
  block(body);
  loop_shared_depth_.pop_back();
}

// A `return`, `break` or `continue` that leaves `with` blocks of shared
// values completes them: each stores its copy (a copy, since the value
// returned may read it), innermost first. Only a failure discards the changes.
void CppEmitter::store_shared_left(std::size_t depth) {
  for (std::size_t i = open_shared_.size(); i-- > depth;) {
    out_->print("$n$.store($v$);", {{"n", open_shared_[i].first}, {"v", open_shared_[i].second}});
  }
}

std::optional<CppEmitter::IntBounds> CppEmitter::int_range(const ir::Expr& e) {
  if (e.kind == ir::ExprKind::kRange) return IntBounds{expr(*e.operands[0]), expr(*e.operands[1]), e.inclusive};
  if (e.is_builtin(ir::Builtin::kRange) && e.operands.size() < 3) {  // a step makes a list
    if (e.operands.size() == 1) return IntBounds{"std::int64_t{0}", expr(*e.operands[0]), false};
    return IntBounds{expr(*e.operands[0]), expr(*e.operands[1]), false};
  }
  return std::nullopt;
}

void CppEmitter::with_shared(const ir::Stmt& s) {
  // Work on a copy under the value's lock; store it when the block completes
  // (also by return, break or continue: store_shared_left).
  const ir::Shared& shared = program_.shared_value(s.shared);
  std::string name = identifier(shared.name);
  std::string guard = fresh("guard");
  std::string value = fresh(shared.name);
  out_->line("{");
  {
    Printer::Indent indent(*out_);
    out_->print(
        "auto $g$ = co_await $n$.lock($site$);\nauto $v$ = $n$.load();",
        {{"g", guard}, {"n", name}, {"site", quoted(wait_sites_.with_shared(*task_, s.shared, s.span))}, {"v", value}});
    held_shared_[s.shared] = value;
    open_shared_.emplace_back(name, value);
    block(s.body);
    open_shared_.pop_back();
    held_shared_.erase(s.shared);
    out_->print("$n$.store(std::move($v$));", {{"n", name}, {"v", value}});
  }
  out_->line("}");
}

void CppEmitter::try_stmt(const ir::Stmt& s) {
  // Handlers may await, which C++ forbids inside `catch`: catch the error,
  // then choose a handler after the try block.
  std::string error = fresh("error");
  out_->print("std::exception_ptr $e$;\ntry {", {{"e", error}});
  {
    Printer::Indent indent(*out_);
    block(s.body);
  }
  out_->print("} catch (...) {\n  $e$ = std::current_exception();\n}", {{"e", error}});
  out_->print("if ($e$) {", {{"e", error}});
  {
    Printer::Indent indent(*out_);
    bool first = true;
    for (const ir::Catch& c : s.catches) {
      std::string condition = fmt::format("taskrt::error_matches({}, {})", error,
                                          c.kinds ? error_kind_set(c.kinds) : std::string("taskrt::kAnyButCancelled"));
      out_->print(first ? "if ($c$) {" : "} else if ($c$) {", {{"c", condition}});
      first = false;
      Printer::Indent handler(*out_);
      LocalScope scope(*this);
      if (c.binding) {
        out_->print("Error $b${std::string(taskrt::error_kind_name(taskrt::kind_of($e$))), taskrt::message_of($e$)};",
                    {{"b", declare(*c.binding)}, {"e", error}});
      }
      block(c.body);
    }
    out_->print("} else {\n  std::rethrow_exception($e$);\n}", {{"e", error}});
  }
  out_->line("}");
}

}  // namespace taskc::codegen

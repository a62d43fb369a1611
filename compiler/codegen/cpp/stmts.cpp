// Statements of task bodies, one C++ statement (or block) each, preceded by
// a #line directive back to the .task source.
#include <fmt/format.h>

#include "compiler/codegen/cpp/emitter.hpp"

namespace taskc::codegen {

std::string CppEmitter::local(ir::LocalId id) const {
  auto hoisted = hoisted_.find(id);
  if (hoisted != hoisted_.end()) return hoisted->second;
  return identifier(task_->locals[id].name);
}

std::string CppEmitter::loop_stop_token() {
  // Bound once before the loop: checking through `context` would reload the
  // token's address on every step (the atomic load in the check forbids
  // keeping it in a register), which made a tight loop five times slower.
  std::string token = fresh("stop");
  out_->print("const taskrt::StopToken& $t$ = context.stop_token();", {{"t", token}});
  return token;
}

std::string CppEmitter::cancellation_check(const std::string& token) const {
  // A loop back-edge: a cancelled task stops here (runtime.md, "Cancellation").
  return "taskrt::check_cancelled(" + token + ");";
}

void CppEmitter::flush_prelude() {
  for (const std::string& line : prelude_) out_->line(line);
  prelude_.clear();
}

void CppEmitter::block(const ir::Block& b) {
  for (const ir::Stmt& s : b.stmts) stmt(s);
}

void CppEmitter::stmt(const ir::Stmt& s) {
  std::string directive = line_directive(s.span);
  if (!directive.empty()) out_->line(directive);
  switch (s.kind) {
    case ir::StmtKind::kLet: return let(s);
    case ir::StmtKind::kAssign: return assign(s);
    case ir::StmtKind::kIf: {
      std::string condition = expr(*s.value);
      flush_prelude();
      out_->print("if ($c$) {", {{"c", condition}});
      {
        Printer::Indent indent(*out_);
        block(s.body);
      }
      if (s.else_body) {
        out_->line("} else {");
        Printer::Indent indent(*out_);
        block(*s.else_body);
      }
      out_->line("}");
      return;
    }
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
        block(s.body);
      }
      out_->line("}");
      return;
    }
    case ir::StmtKind::kFor: return for_loop(s);
    case ir::StmtKind::kBreak: out_->line("break;"); return;
    case ir::StmtKind::kContinue: out_->line("continue;"); return;
    case ir::StmtKind::kReturn: {
      if (!s.value) {
        out_->line("co_return;");
        return;
      }
      std::string value = expr(*s.value);
      flush_prelude();
      out_->print("co_return $v$;", {{"v", value}});
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
        out_->print("auto $p$ = co_await $s$.acquire();",
                    {{"p", fresh("permit")}, {"s", identifier(program_.semaphores[s.ref].name)}});
        block(s.body);
      }
      out_->line("}");
      return;
    }
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
      out_->print("$name$.emplace($v$);", {{"name", identifier(task_->locals[id].name)}, {"v", value}});
    } else {
      out_->print("$t$ $name$ = $v$;", {{"t", type(task_->locals[id].type)}, {"name", local(id)}, {"v", value}});
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
      out_->print("$name$.emplace($v$);", {{"name", identifier(task_->locals[id].name)}, {"v", element}});
    } else {
      out_->print("$t$ $name$ = $v$;", {{"t", type(task_->locals[id].type)}, {"name", local(id)}, {"v", element}});
    }
  }
}

void CppEmitter::assign(const ir::Stmt& s) {
  std::string target = expr(*s.target);
  std::string value = expr(*s.value);
  flush_prelude();
  if (s.assign_op == ir::AssignOp::kSet) {
    out_->print("$t$ = $v$;", {{"t", target}, {"v", value}});
    return;
  }
  static constexpr ir::BinaryOp kOps[] = {ir::BinaryOp::kAdd, ir::BinaryOp::kAdd, ir::BinaryOp::kSub,
                                          ir::BinaryOp::kMul, ir::BinaryOp::kDiv, ir::BinaryOp::kMod};
  // `x += e` is `x = x + e` with the same checked operators; the target is a
  // place, evaluated once through a reference.
  std::string place = fresh("place");
  std::string computed =
      operation(kOps[static_cast<int>(s.assign_op)], s.target->type, s.value->type, s.target->type, place, value);
  out_->print("{ auto& $p$ = $t$; $p$ = $c$; }", {{"p", place}, {"t", target}, {"c", computed}});
}

void CppEmitter::for_loop(const ir::Stmt& s) {
  std::string token = loop_stop_token();
  if (std::optional<IntBounds> range = int_range(*s.value)) {
    // a..b and range(…): a counted loop, no list.
    flush_prelude();
    std::string bound = fresh("end");
    std::string index = local(s.bindings[0]);
    out_->print(
        "for (std::int64_t $i$ = $a$, $b$ = $e$; $i$ $cmp$ $b$; ++$i$) {",
        {{"i", index}, {"a", range->start}, {"b", bound}, {"e", range->end}, {"cmp", range->inclusive ? "<=" : "<"}});
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
    out_->print("auto $v$ = co_await $ch$.recv();\nif (!$v$) break;\nauto $x$ = std::move(*$v$);",
                {{"v", value}, {"ch", items}, {"x", local(s.bindings[0])}});
    out_->outdent();
  } else {
    // Iterate over a copy: the body may change the collection it walks.
    std::string copy = fresh("items");
    out_->print("const auto $c$ = $items$;", {{"c", copy}, {"items", items}});
    if (s.for_kind == ir::ForKind::kMapPairs) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      out_->print("const auto& $k$ = $e$.first;\nconst auto& $v$ = $e$.second;",
                  {{"k", local(s.bindings[0])}, {"v", local(s.bindings[1])}, {"e", entry}});
      out_->outdent();
    } else if (s.for_kind == ir::ForKind::kMapKeys) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      out_->print("const auto& $k$ = $e$.first;", {{"k", local(s.bindings[0])}, {"e", entry}});
      out_->outdent();
    } else if (s.bindings.size() > 1) {
      std::string entry = fresh("entry");
      out_->print("for (const auto& $e$ : $c$) {", {{"e", entry}, {"c", copy}});
      out_->indent();
      for (std::size_t i = 0; i < s.bindings.size(); ++i) {
        out_->print("const auto& $x$ = std::get<$i$>($e$);",
                    {{"x", local(s.bindings[i])}, {"i", std::to_string(i)}, {"e", entry}});
      }
      out_->outdent();
    } else {
      out_->print("for (const auto& $x$ : $c$) {", {{"x", local(s.bindings[0])}, {"c", copy}});
    }
  }
  for_body(s, token);
}

void CppEmitter::for_body(const ir::Stmt& s, const std::string& token) {
  {
    Printer::Indent indent(*out_);
    out_->line(cancellation_check(token));
    block(s.body);
  }
  out_->line("}");
}

std::optional<CppEmitter::IntBounds> CppEmitter::int_range(const ir::Expr& e) {
  if (e.kind == ir::ExprKind::kRange) return IntBounds{expr(*e.operands[0]), expr(*e.operands[1]), e.inclusive};
  if (e.kind == ir::ExprKind::kCallBuiltin && e.builtin == ir::Builtin::kRange) {
    if (e.operands.size() == 1) return IntBounds{"std::int64_t{0}", expr(*e.operands[0]), false};
    return IntBounds{expr(*e.operands[0]), expr(*e.operands[1]), false};
  }
  return std::nullopt;
}

void CppEmitter::with_shared(const ir::Stmt& s) {
  // Work on a copy under the value's lock; store it when the block completes.
  const ir::Shared& shared = program_.shared[s.ref];
  std::string name = identifier(shared.name);
  std::string guard = fresh("guard");
  std::string value = name + "_value";
  out_->line("{");
  {
    Printer::Indent indent(*out_);
    out_->print("auto $g$ = co_await $n$.lock();\nauto $v$ = $n$.load();", {{"g", guard}, {"n", name}, {"v", value}});
    held_shared_[s.ref] = value;
    block(s.body);
    held_shared_.erase(s.ref);
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
      std::string condition = fmt::format("taskrt::error_matches({}, {}u)", error, c.kinds);
      out_->print(first ? "if ($c$) {" : "} else if ($c$) {", {{"c", condition}});
      first = false;
      Printer::Indent handler(*out_);
      if (c.binding) {
        out_->print("Error $b${std::string(taskrt::error_kind_name(taskrt::kind_of($e$))), taskrt::message_of($e$)};",
                    {{"b", local(*c.binding)}, {"e", error}});
      }
      block(c.body);
    }
    out_->print("} else {\n  std::rethrow_exception($e$);\n}", {{"e", error}});
  }
  out_->line("}");
}

}  // namespace taskc::codegen

#include <catch2/catch.hpp>

#include "compiler/ast/dump.hpp"

using namespace taskc;

TEST_CASE("dump shows items, their parts and positions") {
  source::SourceMap sources;
  const source::SourceFile& file = sources.add("d.task", "flow main() {}\n\ntype T { a: int }\n");
  ast::Module module;
  module.file = file.id();

  ast::Item flow;
  flow.kind = ast::ItemKind::kFlow;
  flow.task_kind = ast::TaskKind::kFlow;
  flow.name = "main";
  flow.span = {file.id(), 0, 14};
  auto call = std::make_unique<ast::Expr>();
  call->kind = ast::ExprKind::kCall;
  call->name = "print";
  auto arg = std::make_unique<ast::Expr>();
  arg->kind = ast::ExprKind::kIntLiteral;
  arg->int_value = 42;
  call->operands.push_back(std::move(arg));
  ast::Stmt stmt;
  stmt.kind = ast::StmtKind::kExpr;
  stmt.span = {file.id(), 12, 13};
  stmt.value = std::move(call);
  flow.body.stmts.push_back(std::move(stmt));
  module.items.push_back(std::move(flow));

  ast::Item type;
  type.kind = ast::ItemKind::kType;
  type.name = "T";
  type.span = {file.id(), 16, 33};
  ast::TypeExpr int_type;
  int_type.name = "int";
  type.fields.push_back(ast::Param{"a", {file.id(), 25, 26}, int_type, nullptr, {}, {}});
  module.items.push_back(std::move(type));

  CHECK(ast::dump(module, sources) ==
        "module\n"
        "  flow main @1:1\n"
        "    block\n"
        "      expr @1:13\n"
        "        call print\n"
        "          int 42\n"
        "  type T @3:1\n"
        "    field a: int\n");
}

TEST_CASE("every item kind and operator has a name") {
  CHECK(ast::item_kind_name(ast::ItemKind::kExternTask) == "extern task");
  CHECK(ast::item_kind_name(ast::ItemKind::kShared) == "shared");
  CHECK(ast::binary_op_text(ast::BinaryOp::kNotIn) == "not in");
}

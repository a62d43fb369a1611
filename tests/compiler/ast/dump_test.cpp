#include <catch2/catch.hpp>

#include "compiler/ast/dump.hpp"

using namespace taskc;

TEST_CASE("dump lists items with their kind, name and position") {
  source::SourceMap sources;
  const source::SourceFile& file = sources.add("d.task", "flow main() {}\n\ntype T {}\n");
  ast::Module module;
  module.file = file.id();
  module.items.push_back(ast::Item{ast::ItemKind::kFlow, "main", {file.id(), 0, 14}, {file.id(), 5, 9}});
  module.items.push_back(ast::Item{ast::ItemKind::kType, "T", {file.id(), 16, 25}, {file.id(), 21, 22}});
  CHECK(ast::dump(module, sources) == "module\n  flow main @1:1\n  type T @3:1\n");
}

TEST_CASE("every item kind has a name") {
  CHECK(ast::item_kind_name(ast::ItemKind::kExternTask) == "extern task");
  CHECK(ast::item_kind_name(ast::ItemKind::kShared) == "shared");
}
